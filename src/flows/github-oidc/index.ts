import { inputError } from '../../errors.js'
import { commonInputs, myDomainLoginUrl, type CommonInputs, type GetInput } from '../../input-rules.js'
import type { FlowIo } from '../../io.js'
import { parseOidcAudience } from '../../login-url.js'
import { DEFAULT_POLICY, withRetries } from '../../retry.js'
import { AttemptError } from '../../attempt.js'
import { shown } from '../../text.js'
import type { ChosenUser } from '../../summary.js'
import type { FlowSpec, Login, StepEnv } from '../flow.js'
import { requestToken } from '../token.js'
import { describeClaims, trustClaims, type TrustClaims } from './claims.js'
import { fetchIdToken, idTokenSource } from './id-token.js'
import { ADVICE, aRuleCouldFix } from './refusals.js'
import { trustRuleAdvice } from './trust-rule-record.js'

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'

/** The keyless flow: GitHub's OIDC ID token exchanged at the org's My Domain; the org's rules pick the user. */
export interface GithubOidcInputs extends CommonInputs {
  flow: 'github-oidc'
  /** The audience asked of GitHub (the `aud` the org's trust rules expect). */
  oidcAudience: string
  /** Sent as `token_handler` when not empty. */
  tokenHandler: string
  /** The full URN sent as `subject_token_type`. */
  subjectTokenType: string
}

const TOKEN_TYPE_URN = 'urn:ietf:params:oauth:token-type:'
/** As Auth.OAuth2TokenExchangeType (Apex reference) spells them: JWT in upper case, unlike RFC 8693. */
const SUBJECT_TOKEN_TYPES: Record<string, string> = { jwt: 'JWT', id_token: 'id_token' }

/** Inputs of the key-based flow that the keyless flow refuses, with what to do instead. */
const INSTEAD_OF_KEY_INPUTS: Record<string, string> = {
  username: "the org's trust rules choose the user: name it in the rule's Username field",
  'private-key': 'no key is used: remove it (and the secret, once keyless login works)',
  'private-key-file': 'no key is used: remove it',
  'private-key-passphrase': 'no key is used: remove it',
  certificate: 'no key or certificate is used: remove it',
  audience: "GitHub's token carries the audience: set 'oidc-audience' instead, or leave it empty for the login URL"
}

function readGithubOidc(get: GetInput, clientId: string): GithubOidcInputs {
  const loginUrl = myDomainLoginUrl(get, 'github-oidc')
  const type = get('subject-token-type').trim().toLowerCase() || 'id_token'
  if (!Object.hasOwn(SUBJECT_TOKEN_TYPES, type)) {
    throw inputError(
      'subject-token-type',
      `must be 'jwt' or 'id_token', not ${shown(get('subject-token-type').trim())}`,
      "Use the type your token exchange handler enables, or remove it for 'id_token' (GitHub's token is an OIDC ID token)."
    )
  }
  const tokenHandler = get('token-handler').trim()
  if (tokenHandler !== '' && !/^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(tokenHandler)) {
    throw inputError(
      'token-handler',
      'must be the name of a token exchange handler (letters, digits and underscores)',
      'Give the handler name from Setup > Token Exchange Handlers, or remove it to use the default handler of the app.'
    )
  }
  return {
    flow: 'github-oidc',
    oidcAudience: parseOidcAudience(get('oidc-audience')) ?? loginUrl,
    tokenHandler,
    subjectTokenType: TOKEN_TYPE_URN + SUBJECT_TOKEN_TYPES[type],
    ...commonInputs(get, clientId, { loginUrl, tokenUrl: `${loginUrl}/services/oauth2/token` })
  }
}

/**
 * The keyless flow: each attempt asks GitHub for a fresh ID token (it lives about five minutes, so a retry
 * never sends a stale one) and exchanges it at the org's My Domain, whose handler picks the user.
 */
async function login(inputs: GithubOidcInputs, step: StepEnv, io: FlowIo): Promise<Login> {
  const source = idTokenSource(step.env)
  io.mask(source.token)
  const timeoutMs = inputs.requestTimeoutSeconds * 1000
  const ctx = { advice: ADVICE, loginUrl: inputs.loginUrl, audience: inputs.oidcAudience, username: '' }
  let claims: TrustClaims | undefined
  let refused = false
  const exchange = withRetries(
    async () => {
      // One time limit for the attempt: the exchange gets what the ID token request left of it.
      const started = Date.now()
      const idToken = await fetchIdToken(io.get, source, inputs.oidcAudience, timeoutMs, io.mask)
      const left = timeoutMs - (Date.now() - started)
      const first = claims === undefined
      claims = trustClaims(idToken)
      if (first) {
        // Logged once, for the first ID token that arrives, whichever attempt brings it.
        io.info(describeClaims(claims))
        const handler = inputs.tokenHandler ? ` with token handler ${inputs.tokenHandler}` : ''
        io.info(`Exchanging it for a Salesforce token at ${inputs.tokenUrl}${handler}.`)
      }
      if (left < 1) {
        throw new AttemptError(
          `The attempt spent its whole time limit (request-timeout-seconds: ${inputs.requestTimeoutSeconds}) getting GitHub's ID token.`,
          'ETIMEDOUT',
          true
        )
      }
      const form: Record<string, string> = {
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: idToken,
        subject_token_type: inputs.subjectTokenType,
        client_id: inputs.clientId
      }
      if (inputs.tokenHandler) form.token_handler = inputs.tokenHandler
      try {
        return await requestToken(io.post, inputs.tokenUrl, form, left, ctx, io.mask)
      } catch (err) {
        refused = err instanceof AttemptError && err.refusal !== undefined && aRuleCouldFix(err.refusal.description)
        throw err
      }
    },
    { ...DEFAULT_POLICY, maxAttempts: inputs.maxAttempts },
    io.retry
  )
  try {
    const token = await exchange
    return { token, audience: inputs.oidcAudience, audienceLabel: 'OIDC audience', ...(claims && { chosen: chosenUser(claims) }) }
  } catch (err) {
    // The admin's next step: a rule for exactly this job, to review and deploy (never a guessed user).
    if (refused && claims) for (const line of trustRuleAdvice(claims)) io.info(line)
    throw err
  }
}

/** What the summary and the last line say of a user the org's trust rules chose for this job. */
export function chosenUser(claims: TrustClaims): ChosenUser {
  return {
    rows: [
      ['Login', 'Keyless (GitHub OIDC token exchange)'],
      ['Repository', `${claims.repository} (id ${claims.repositoryId})`],
      ['Ref', claims.ref],
      ['Environment', claims.environment || '(none)']
    ],
    chosenBy: "chosen by the org's trust rules",
    chosenFor: `chosen by the org's trust rules for ${claims.repository} at ${claims.ref}`,
    alsoCheck: "the org's trust rules"
  }
}

/** Keyless: GitHub's OIDC ID token exchanged at the org's My Domain, whose trust rules choose the user. */
export const githubOidc: FlowSpec<GithubOidcInputs> = {
  label: 'keyless',
  purpose: 'to log in without a key',
  inBrief: 'keyless',
  recommended: true,
  own: ['oidc-audience', 'token-handler', 'subject-token-type'],
  instead: INSTEAD_OF_KEY_INPUTS,
  advice: ADVICE,
  read: readGithubOidc,
  login
}
