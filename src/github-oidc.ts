import { LOCAL_HOSTS } from './audience.js'
import { ActionError } from './errors.js'
import type { FlowIo, Login, TrustClaims } from './flow.js'
import { parseJsonObject, TransportError, type GetUrl, type HttpResponse } from './http.js'
import type { GithubOidcInputs } from './inputs.js'
import { DEFAULT_POLICY, withRetries } from './retry.js'
import { trustRuleAdvice } from './trust-rule-record.js'
import {
  AttemptError,
  describeBody,
  header,
  isMaskable,
  MIN_TOKEN_LENGTH,
  parseRetryAfter,
  requestToken,
  TRANSIENT_STATUSES,
  transportFailure
} from './token.js'

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'

/** Appended wherever a missing or refused ID token is the problem: the runner gives no other hint. */
const PERMISSION_HINT =
  "Give the job 'permissions: id-token: write' (in the workflow or the job). Pull requests from forks and " +
  'Dependabot runs get no ID token from GitHub: deploy from push or workflow_dispatch runs instead.'

/** Where and with what the runner lets this job ask GitHub for an ID token. */
export interface IdTokenSource {
  url: string
  /** The runner's request token: a secret. */
  token: string
}

/**
 * The runner sets ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN only for jobs with `id-token: write`; checked
 * before any request, so the one message names the permission instead of a failed request.
 */
export function idTokenSource(env: Record<string, string | undefined>): IdTokenSource {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''
  if (url === '' || token === '') {
    throw new ActionError(
      "'auth-flow: github-oidc' needs an OIDC ID token from GitHub, but this job may not ask for one " +
        `(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ${PERMISSION_HINT}`
    )
  }
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  const local = parsed && LOCAL_HOSTS.includes(parsed.hostname) && parsed.protocol === 'http:'
  if (!parsed || (parsed.protocol !== 'https:' && !local)) {
    throw new ActionError(
      'ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL, so the runner request token will not be sent to it. ' +
        'It is set by the runner: do not set it in the workflow.'
    )
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ActionError(
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN holds characters no request token has, so it cannot be sent. It is set by ' +
        'the runner: do not set it in the workflow.'
    )
  }
  return { url, token }
}

/** The request URL with the audience asked for (the runner's URL already carries api-version). */
export function idTokenUrl(requestUrl: string, audience: string): string {
  const url = new URL(requestUrl)
  url.searchParams.set('audience', audience)
  return url.toString()
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Reads the ID token service's answer. The ID token is masked before any check can fail; only GitHub's
 * throttling and server errors are worth another attempt.
 */
export function interpretIdTokenResponse(res: HttpResponse, mask: (secret: string) => void): string {
  const json = parseJsonObject(res.body)
  const value = typeof json?.value === 'string' ? json.value : ''
  // Too short to be a token: never masked (it would hide that text all over the log), and refused below.
  if (isMaskable(value)) mask(value)
  const said = `GitHub's token service answered HTTP ${res.status}`
  if (TRANSIENT_STATUSES.includes(res.status)) {
    const retryAfter = parseRetryAfter(header(res, 'retry-after'), Date.now())
    throw new AttemptError(`${said} (${describeBody(res)}).`, `GitHub HTTP ${res.status}`, true, retryAfter)
  }
  if (res.status >= 300 && res.status < 400) {
    throw new AttemptError(
      `${said}, a redirect, which the action does not follow with the runner's request token. ` +
        'ACTIONS_ID_TOKEN_REQUEST_URL is set by the runner: do not set it in the workflow.',
      `GitHub HTTP ${res.status}`,
      false
    )
  }
  if (res.status !== 200) {
    throw new AttemptError(
      `${said}: it refused to issue an ID token (${describeBody(res)}). It refuses when the job lacks the ` +
        `permission, or when the job's request token has expired. ${PERMISSION_HINT}`,
      `GitHub HTTP ${res.status}`,
      false
    )
  }
  if (value !== '' && value.length < MIN_TOKEN_LENGTH) {
    throw new AttemptError(
      `${said} without an ID token in 'value' (a value of ${value.length} characters, too short to be one; not shown). ` +
        "Re-run the job; if it persists, GitHub's OIDC service is at fault.",
      'short ID token',
      false
    )
  }
  if (!JWT_SHAPE.test(value)) {
    const what = json ? `fields present: ${Object.keys(json).join(', ').slice(0, 100) || 'none'}` : describeBody(res)
    throw new AttemptError(
      `${said} without an ID token in 'value' (${what}). Re-run the job; if it persists, GitHub's OIDC service is at fault.`,
      'no ID token',
      false
    )
  }
  return value
}

/** Longer than any trust rule field (Text, 255): a longer claim could never match, and is shown cut. */
const MAX_CLAIM = 255

/** A claim as the rules read it (a JSON string as is, an integer as its digits, else ''), bounded in length. */
const claimText = (v: unknown): string => {
  const text = typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) ? String(v) : ''
  return text.length > MAX_CLAIM ? `${text.slice(0, MAX_CLAIM)}…` : text
}

/** The claims trust rules match on, read (not verified: the org's handler verifies) from the ID token. */
export function trustClaims(idToken: string): TrustClaims {
  const claims = parseJsonObject(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) ?? {}
  return {
    issuer: claimText(claims.iss),
    repository: claimText(claims.repository),
    repositoryId: claimText(claims.repository_id),
    repositoryOwnerId: claimText(claims.repository_owner_id),
    ref: claimText(claims.ref),
    refProtected: claimText(claims.ref_protected),
    jobWorkflowRef: claimText(claims.job_workflow_ref),
    eventName: claimText(claims.event_name),
    runnerEnvironment: claimText(claims.runner_environment),
    environment: claimText(claims.environment),
    audience: claimText(claims.aud)
  }
}

/** One line with every claim the rules match on, for an admin to compare with a rule. */
export function describeClaims(c: TrustClaims): string {
  const v = (text: string): string => text || '(none)'
  return (
    `GitHub's OIDC token: issuer ${v(c.issuer)}, repository ${v(c.repository)}, repository id ${v(c.repositoryId)}, ` +
    `owner id ${v(c.repositoryOwnerId)}, ref ${v(c.ref)} (protected: ${v(c.refProtected)}), ` +
    `workflow ${v(c.jobWorkflowRef)}, event ${v(c.eventName)}, runner ${v(c.runnerEnvironment)}, ` +
    `environment ${v(c.environment)}, audience ${v(c.audience)}.`
  )
}

async function fetchIdToken(
  get: GetUrl,
  source: IdTokenSource,
  audience: string,
  timeoutMs: number,
  mask: (s: string) => void
): Promise<string> {
  const url = idTokenUrl(source.url, audience)
  let res: HttpResponse
  try {
    res = await get(url, { authorization: `Bearer ${source.token}` }, timeoutMs)
  } catch (err) {
    if (!(err instanceof TransportError)) throw err
    throw transportFailure(
      err,
      new URL(url).origin,
      'ID token request',
      'ACTIONS_ID_TOKEN_REQUEST_URL is set by the runner; check its network.'
    )
  }
  return interpretIdTokenResponse(res, mask)
}

/**
 * The keyless flow: each attempt asks GitHub for a fresh ID token (it lives about five minutes, so a retry
 * never sends a stale one) and exchanges it at the org's My Domain, whose handler picks the user.
 */
export async function githubOidcLogin(inputs: GithubOidcInputs, env: Record<string, string | undefined>, io: FlowIo): Promise<Login> {
  const source = idTokenSource(env)
  io.mask(source.token)
  const timeoutMs = inputs.requestTimeoutSeconds * 1000
  const ctx = { flow: inputs.flow, loginUrl: inputs.loginUrl, audience: inputs.oidcAudience, username: '' }
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
        refused = err instanceof AttemptError && err.refusal
        throw err
      }
    },
    { ...DEFAULT_POLICY, maxAttempts: inputs.maxAttempts },
    io.retry
  )
  try {
    return { token: await exchange, audience: inputs.oidcAudience, keyless: claims }
  } catch (err) {
    // The admin's next step: a rule for exactly this job, to review and deploy (never a guessed user).
    if (refused && claims) for (const line of trustRuleAdvice(claims)) io.info(line)
    throw err
  }
}
