import { resolveEndpoint, parseMyDomainUrl, parseOidcAudience } from './audience.js'
import { ActionError, SECRETS_HINT, inputError, shown } from './errors.js'
import { parseAllowedOrgIds } from './orgs.js'
import { isPrintable, neutralize } from './sanitize.js'

/** What every login flow shares: where the token comes from, how hard to try, and what to do with it. */
interface CommonInputs {
  clientId: string
  /** Where the login happens, without a trailing slash; also where the token is revoked. */
  loginUrl: string
  /** The token endpoint: `{loginUrl}/services/oauth2/token`. */
  tokenUrl: string
  maxAttempts: number
  requestTimeoutSeconds: number
  revokeToken: boolean
  allowedOrgIds: string[]
  exportEnv: boolean
  jobSummary: boolean
}

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

/** Inputs read once, as the flow they chose: no other module asks which flow it is in. */
export type Inputs = JwtBearerInputs | GithubOidcInputs

/** Reads one input by its action.yml name; `core.getInput` in the action, a table in tests. */
export type GetInput = (name: string) => string

const FLOWS = ['jwt-bearer', 'github-oidc'] as const

const TOKEN_TYPE_URN = 'urn:ietf:params:oauth:token-type:'
/** As Auth.OAuth2TokenExchangeType (Apex reference) spells them: JWT in upper case, unlike RFC 8693. */
const SUBJECT_TOKEN_TYPES: Record<string, string> = { jwt: 'JWT', id_token: 'id_token' }

/** Inputs of the key-based flow that the keyless flow refuses, with what to do instead. */
const NOT_KEYLESS: [string, string][] = [
  ['username', "the org's trust rules choose the user: name it in the rule's Username field"],
  ['private-key', 'no key is used: remove it (and the secret, once keyless login works)'],
  ['private-key-file', 'no key is used: remove it'],
  ['private-key-passphrase', 'no key is used: remove it'],
  ['certificate', 'no key or certificate is used: remove it'],
  ['audience', "GitHub's token carries the audience: set 'oidc-audience' instead, or leave it empty for the login URL"]
]

/** Inputs only the keyless flow reads. */
const KEYLESS_ONLY = ['oidc-audience', 'token-handler', 'subject-token-type']

function required(get: GetInput, name: string, what: string): string {
  const value = get(name).trim()
  if (value === '') throw inputError(name, `is required but empty (${what})`, SECRETS_HINT)
  return value
}

/**
 * Refuses text no real value of the input can hold: control characters (a stray line break from a
 * pasted secret, or a line crafted to forge a workflow command) and more than `maxLength` characters.
 * Refused before any request, so nothing odd is ever sent to Salesforce or written to the log.
 */
export function plainText(name: string, value: string, maxLength: number): string {
  const at = [...value].findIndex(c => !isPrintable(c))
  if (at >= 0) {
    throw inputError(
      name,
      `holds a control character (${neutralize([...value][at])} at character ${at + 1}), which no valid value has`,
      'Remove it: values pasted into secrets often carry a stray line break.'
    )
  }
  if (value.length > maxLength) {
    throw inputError(name, `is ${value.length} characters long; at most ${maxLength} are allowed`, 'Check that it holds the right value.')
  }
  return value
}

/** A whole number in range; empty means the action.yml default, which the runner normally fills in. */
function wholeNumber(get: GetInput, name: string, min: number, max: number, fallback: number): number {
  const text = get(name).trim()
  if (text === '') return fallback
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw inputError(
      name,
      `must be a whole number from ${min} to ${max}, not ${shown(text)}`,
      `Set it to a number in that range, or remove it for the default.`
    )
  }
  return Number(text)
}

/** `true` or `false` in the spellings YAML 1.2 allows; empty means the default. */
function boolean(get: GetInput, name: string, fallback: boolean): boolean {
  const text = get(name).trim()
  if (text === '') return fallback
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw inputError(name, `must be true or false, not ${shown(text)}`, 'Set it to true or false, or remove it for the default.')
}

/** `auth-flow`: empty means the key-based flow, the action's behaviour before keyless login existed. */
function flowOf(get: GetInput): Inputs['flow'] {
  const text = get('auth-flow').trim()
  if (text === '') return 'jwt-bearer'
  const flow = FLOWS.find(f => f === text.toLowerCase())
  if (!flow) {
    throw inputError(
      'auth-flow',
      `must be 'jwt-bearer' or 'github-oidc', not ${shown(text)}`,
      "Use 'jwt-bearer' (a private key) or 'github-oidc' (keyless, GitHub's OIDC token), or remove it for jwt-bearer."
    )
  }
  return flow
}

/** The inputs after the flow's own ones: the same checks, in the same order, for every flow. */
function commonInputs(get: GetInput, clientId: string, endpoint: { loginUrl: string; tokenUrl: string }): CommonInputs {
  return {
    clientId,
    ...endpoint,
    maxAttempts: wholeNumber(get, 'max-attempts', 1, 10, 3),
    requestTimeoutSeconds: wholeNumber(get, 'request-timeout-seconds', 1, 300, 30),
    revokeToken: boolean(get, 'revoke-token', false),
    allowedOrgIds: parseAllowedOrgIds(get('allowed-org-ids')),
    exportEnv: boolean(get, 'export-env', false),
    jobSummary: boolean(get, 'job-summary', true)
  }
}

function readJwtBearer(get: GetInput, clientId: string): JwtBearerInputs {
  for (const name of KEYLESS_ONLY) {
    if (get(name).trim() !== '') {
      throw inputError(name, 'is only used by the keyless flow', "Remove it, or set 'auth-flow: github-oidc' to log in without a key.")
    }
  }
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
  const { audience, ...endpoint } = resolveEndpoint(
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

function readGithubOidc(get: GetInput, clientId: string): GithubOidcInputs {
  for (const [name, instead] of NOT_KEYLESS) {
    // Named only: a refused private key or passphrase must not be echoed.
    if (get(name).trim() !== '') throw inputError(name, "is not used with 'auth-flow: github-oidc'", `In this flow ${instead}.`)
  }
  const loginUrl = parseMyDomainUrl(
    plainText('login-url', required(get, 'login-url', "the org's My Domain URL, e.g. https://acme.my.salesforce.com"), 2048)
  )
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
 * Reads and checks every input before anything touches the network, so a misconfigured workflow fails
 * with one message naming the input instead of a Salesforce error about something else.
 */
export function readInputs(get: GetInput): Inputs {
  const flow = flowOf(get)
  // Salesforce consumer keys are under 256 characters.
  const clientId = plainText('client-id', required(get, 'client-id', 'the consumer key of the connected app or External Client App'), 255)
  return flow === 'github-oidc' ? readGithubOidc(get, clientId) : readJwtBearer(get, clientId)
}
