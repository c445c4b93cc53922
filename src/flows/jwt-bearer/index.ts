import { ActionError, SECRETS_HINT } from '../../errors.js'
import { commonInputs, plainText, required, type CommonInputs, type GetInput } from '../../input-rules.js'
import type { FlowIo } from '../../io.js'
import { resolveLoginEndpoint } from '../../login-url.js'
import { DEFAULT_POLICY, withRetries } from '../../retry.js'
import type { FlowSpec, Login, StepEnv } from '../flow.js'
import { whereSent, type FlowAdvice } from '../salesforce-errors.js'
import { requestToken } from '../token.js'
import { buildClaims, signAssertion } from './assertion.js'
import { checkCertificate, parseCertificate } from './certificate.js'
import { readKeyFile } from './key-file.js'
import { keySecrets, parsePrivateKey } from './key.js'

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/** The key-based flow: a signed assertion for a named user. */
export interface JwtBearerInputs extends CommonInputs {
  flow: 'jwt-bearer'
  username: string
  /** Which input holds the key, and its value: the key text, or a path. */
  keySource: { input: 'private-key' | 'private-key-file'; value: string }
  passphrase: string
  /** The `aud` claim, resolved from `audience` and `login-url`. */
  audience: string
  certificate: string
}

function readJwtBearer(get: GetInput, clientId: string): JwtBearerInputs {
  // Salesforce usernames are at most 80 characters.
  const username = plainText('username', required(get, 'username', 'the Salesforce username to log in as'), 80)
  const key = get('private-key')
  const file = get('private-key-file').trim()
  if (key.trim() !== '' && file !== '') {
    throw new ActionError(
      "Inputs 'private-key' and 'private-key-file' are both set. Give exactly one: the key itself from a secret, or the path of a key file."
    )
  }
  if (key.trim() === '' && file === '') {
    throw new ActionError(
      "Input 'private-key' is empty and 'private-key-file' is not set. Give the RSA private key from a secret " +
        '(private-key: ${{ secrets.SALESFORCE_PRIVATE_KEY }}) or the path of a key file. ' +
        SECRETS_HINT
    )
  }
  if (file !== '' && (file.includes('-----BEGIN') || /[\r\n]/.test(file) || file.length > 1024)) {
    throw new ActionError(
      "Input 'private-key-file' holds what looks like key text, not a path (not shown here). Pass the key from a " +
        "secret through 'private-key' instead, and keep 'private-key-file' for the path of a key file."
    )
  }
  const keySource =
    key.trim() !== '' ? ({ input: 'private-key', value: key } as const) : ({ input: 'private-key-file', value: file } as const)
  const passphrase = get('private-key-passphrase')
  // URL parsers silently drop CR, LF and tab: refuse them here, before they can hide a second line.
  const { audience, ...endpoint } = resolveLoginEndpoint(
    plainText('login-url', get('login-url').trim(), 2048),
    plainText('audience', get('audience').trim(), 2048)
  )
  return {
    flow: 'jwt-bearer',
    username,
    keySource,
    passphrase,
    audience,
    certificate: get('certificate'),
    ...commonInputs(get, clientId, endpoint)
  }
}

/** Salesforce's refusals of a JWT bearer assertion, and what each one really means. */
const ADVICE: FlowAdvice = {
  audienceInput: 'audience',
  unnamedUser: '',
  fallback: ctx => `Check 'client-id', 'username', the certificate uploaded to the app and the app's policies ${whereSent(ctx)}.`,
  refusals: [
    {
      description: "user hasn't approved this consumer",
      fix: ctx =>
        `The user ${ctx.username} is not pre-authorized for this app. In Setup, edit the app's policies ` +
        "(Connected Apps > Manage, or External Client App Manager > Policies): set Permitted Users to 'Admin " +
        "approved users are pre-authorized', then add the user's profile or a permission set to the app. " +
        `If the user belongs to a sandbox, log in through the sandbox: audience 'sandbox' or the sandbox's My Domain URL ${whereSent(ctx)}.`
    },
    {
      description: 'invalid assertion',
      fix: () =>
        'Salesforce could not verify the signature: the certificate uploaded to the app ("Use digital ' +
        'signatures") does not belong to this private key. Upload the certificate made from this key, or ' +
        "give it as the 'certificate' input so the action checks the pair before sending anything."
    },
    {
      description: 'audience is invalid',
      fix: ctx =>
        `The audience is not the one ${ctx.loginUrl} expects ${whereSent(ctx)}. Sandboxes and scratch orgs take ` +
        "audience 'sandbox' (https://test.salesforce.com); production and Developer Edition orgs take " +
        "'production' (https://login.salesforce.com). Leave 'audience' empty to derive it from 'login-url'."
    },
    {
      description: 'expired authorization code',
      fix: () =>
        "Salesforce considers the assertion expired, which means the runner's clock is behind Salesforce's by " +
        'several minutes. Synchronise the clock of this runner (on self-hosted runners, enable NTP).'
    },
    {
      error: 'invalid_app_access',
      description: 'user is not admin approved to access this app',
      fix: ctx =>
        `The user ${ctx.username} may not use this app. Add the user's profile or a permission set to the app ` +
        "(the app's Manage page > Profiles / Permission Sets), or assign the app to the user."
    },
    {
      error: 'unsupported_grant_type',
      description: 'grant type not supported',
      fix: ctx =>
        'The request reached Salesforce without its JWT bearer grant: usually a redirect or a proxy turned ' +
        `the POST into a GET or rewrote its body. Point 'login-url' straight at the org's https login host ${whereSent(ctx)}.`
    }
  ]
}

/** Reads the key text from the input or the file; the key only ever lives in memory here. */
function readKeyText(source: JwtBearerInputs['keySource'], workspace: string): string {
  return source.input === 'private-key' ? source.value : readKeyFile(source.value, workspace)
}

/**
 * The key-based flow: key, pre-flight, then a freshly signed assertion per attempt. Every line of key
 * material is masked before anything else is written.
 */
async function login(inputs: JwtBearerInputs, step: StepEnv, io: FlowIo): Promise<Login> {
  if (inputs.passphrase) io.mask(inputs.passphrase)
  const keyText = readKeyText(inputs.keySource, step.workspace)
  for (const line of keySecrets(keyText)) io.mask(line)

  const key = parsePrivateKey(inputs.keySource.input, keyText, inputs.passphrase)
  if (key.passphraseUnused) {
    io.warning("Input 'private-key-passphrase' is set but the key is not encrypted; the passphrase was not used.")
  }
  const certificate = inputs.certificate.trim() ? checkCertificate(parseCertificate(inputs.certificate), key.key, new Date()) : undefined
  if (certificate?.warning) io.warning(certificate.warning)
  const ctx = { advice: ADVICE, loginUrl: inputs.loginUrl, audience: inputs.audience, username: inputs.username }

  const token = await withRetries(
    async n => {
      const claims = buildClaims(inputs.clientId, inputs.username, inputs.audience, Date.now())
      const assertion = signAssertion(claims, key.key)
      io.mask(assertion)
      if (n === 1) io.info(`Requesting a token from ${inputs.tokenUrl} for ${inputs.username} (audience ${inputs.audience}).`)
      io.debug(`Assertion claims: iss=${claims.iss} sub=${claims.sub} aud=${claims.aud} exp=${claims.exp} jti=${claims.jti}`)
      const form = { grant_type: JWT_BEARER_GRANT, assertion }
      return requestToken(io.post, inputs.tokenUrl, form, inputs.requestTimeoutSeconds * 1000, ctx, io.mask)
    },
    { ...DEFAULT_POLICY, maxAttempts: inputs.maxAttempts },
    io.retry
  )
  return { token, username: inputs.username, audience: inputs.audience, certificateExpiresAt: certificate?.expiresAt.toISOString() }
}

/** The key-based flow: a private key signs an assertion for a named user. */
export const jwtBearer: FlowSpec<JwtBearerInputs> = {
  label: 'key-based (JWT bearer)',
  purpose: 'to log in with a private key',
  inBrief: 'a private key',
  own: ['username', 'private-key', 'private-key-file', 'private-key-passphrase', 'certificate', 'audience'],
  chooseBy: "'private-key' (or 'private-key-file') with 'username'",
  advice: ADVICE,
  read: readJwtBearer,
  login
}
