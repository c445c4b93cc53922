import { resolveEndpoint, parseMyDomainUrl, parseOidcAudience } from './audience.js'
import { parseSfdxAuthUrl } from './sfdx-auth-url.js'
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
  /** Which input chose the org, for messages: "'login-url'" or the SFDX auth URL's host. */
  orgChosenBy: string
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

/** Server to server: the app's own secret; the token acts as the app's Run-As user. Only at a My Domain. */
export interface ClientCredentialsInputs extends CommonInputs {
  flow: 'client-credentials'
  clientSecret: string
}

/** An existing SFDX auth URL: its refresh token is exchanged at its host; client id and host come from the URL. */
export interface SfdxUrlInputs extends CommonInputs {
  flow: 'sfdx-url'
  /** May be empty: the Salesforce CLI's own app has none. */
  clientSecret: string
  refreshToken: string
}

/** Inputs read once, as the flow they chose: no other module asks which flow it is in. */
export type Inputs = JwtBearerInputs | GithubOidcInputs | ClientCredentialsInputs | SfdxUrlInputs
export type Flow = Inputs['flow']

/** Reads one input by its action.yml name; `core.getInput` in the action, a table in tests. */
export type GetInput = (name: string) => string

const TOKEN_TYPE_URN = 'urn:ietf:params:oauth:token-type:'
/** As Auth.OAuth2TokenExchangeType (Apex reference) spells them: JWT in upper case, unlike RFC 8693. */
const SUBJECT_TOKEN_TYPES: Record<string, string> = { jwt: 'JWT', id_token: 'id_token' }

/** Inputs of the key-based flow that the keyless flow refuses, with what to do instead. */
const KEYLESS_INSTEAD: Record<string, string> = {
  username: "the org's trust rules choose the user: name it in the rule's Username field",
  'private-key': 'no key is used: remove it (and the secret, once keyless login works)',
  'private-key-file': 'no key is used: remove it',
  'private-key-passphrase': 'no key is used: remove it',
  certificate: 'no key or certificate is used: remove it',
  audience: "GitHub's token carries the audience: set 'oidc-audience' instead, or leave it empty for the login URL"
}

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

/** The inputs after the flow's own ones: the same checks, in the same order, for every flow. */
function commonInputs(
  get: GetInput,
  clientId: string,
  endpoint: { loginUrl: string; tokenUrl: string },
  orgChosenBy = "'login-url'"
): CommonInputs {
  return {
    clientId,
    ...endpoint,
    orgChosenBy,
    maxAttempts: wholeNumber(get, 'max-attempts', 1, 10, 3),
    requestTimeoutSeconds: wholeNumber(get, 'request-timeout-seconds', 1, 300, 30),
    revokeToken: boolean(get, 'revoke-token', false),
    allowedOrgIds: parseAllowedOrgIds(get('allowed-org-ids')),
    exportEnv: boolean(get, 'export-env', false),
    jobSummary: boolean(get, 'job-summary', true)
  }
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

function myDomainLoginUrl(get: GetInput, flow: Flow): string {
  const text = required(get, 'login-url', "the org's My Domain URL, e.g. https://acme.my.salesforce.com")
  return parseMyDomainUrl(plainText('login-url', text, 2048), flow)
}

function readClientCredentials(get: GetInput, clientId: string): ClientCredentialsInputs {
  // Consumer secrets are 64 hex characters today; the limit only keeps a pasted key or file out.
  const clientSecret = plainText('client-secret', required(get, 'client-secret', 'the consumer secret of the app'), 1024)
  const loginUrl = myDomainLoginUrl(get, 'client-credentials')
  return {
    flow: 'client-credentials',
    clientSecret,
    ...commonInputs(get, clientId, { loginUrl, tokenUrl: `${loginUrl}/services/oauth2/token` })
  }
}

function readSfdxUrl(get: GetInput): SfdxUrlInputs {
  // Named only, never quoted: a value that fails here may be part of the secret URL itself.
  const url = parseSfdxAuthUrl(get('sfdx-auth-url'))
  return {
    flow: 'sfdx-url',
    clientSecret: url.clientSecret,
    refreshToken: url.refreshToken,
    ...commonInputs(
      get,
      url.clientId,
      { loginUrl: url.loginUrl, tokenUrl: `${url.loginUrl}/services/oauth2/token` },
      "the host in 'sfdx-auth-url'"
    )
  }
}

const readClientId = (get: GetInput): string =>
  // Salesforce consumer keys are under 256 characters.
  plainText('client-id', required(get, 'client-id', 'the consumer key of the connected app or External Client App'), 255)

interface FlowSpec {
  /** How the flow is named in messages. */
  label: string
  /** What choosing it achieves, for the fix of a refusal. */
  purpose: string
  /** The inputs only this flow reads: giving any of them names the flow when 'auth-flow' is omitted. */
  own: string[]
  /** Shared inputs this flow cannot use, with why. */
  refuses?: Record<string, string>
  /** Other flows' inputs this flow refuses with a word on what it does instead (the rest get a plain refusal). */
  instead?: Record<string, string>
  /** Reads the flow's inputs; `clientId` has been read first, unless the flow refuses 'client-id'. */
  read: (get: GetInput, clientId: string) => Inputs
}

/**
 * The login flows. Dispatch, the inference of an omitted 'auth-flow' and the refusal of another flow's
 * inputs all follow from this table: a new flow is one entry and one module.
 */
const FLOWS: Record<Flow, FlowSpec> = {
  'jwt-bearer': {
    label: 'key-based (JWT bearer)',
    purpose: 'to log in with a private key',
    own: ['username', 'private-key', 'private-key-file', 'private-key-passphrase', 'certificate', 'audience'],
    read: readJwtBearer
  },
  'github-oidc': {
    label: 'keyless',
    purpose: 'to log in without a key',
    own: ['oidc-audience', 'token-handler', 'subject-token-type'],
    instead: KEYLESS_INSTEAD,
    read: readGithubOidc
  },
  'client-credentials': {
    label: 'client credentials',
    purpose: "to log in with the app's client secret",
    own: ['client-secret'],
    read: readClientCredentials
  },
  'sfdx-url': {
    label: 'SFDX auth URL',
    purpose: 'to log in with an SFDX auth URL',
    own: ['sfdx-auth-url'],
    refuses: {
      'client-id': 'the SFDX auth URL holds the client id',
      'login-url': 'the SFDX auth URL holds the host to log in at'
    },
    read: readSfdxUrl
  }
}

const FLOW_NAMES = Object.keys(FLOWS) as Flow[]

const AUTH_FLOW_FIX =
  "Use 'github-oidc' (keyless), 'jwt-bearer' (a private key), 'client-credentials' (the app's client secret) or " +
  "'sfdx-url' (an SFDX auth URL), or remove it to let the inputs choose."

/** The inputs of `flow` that are set. */
const given = (get: GetInput, flow: Flow): string[] => FLOWS[flow].own.filter(name => get(name).trim() !== '')

/** `auth-flow`, or when it is empty the one flow whose own inputs are set. */
function flowOf(get: GetInput): Flow {
  const text = get('auth-flow').trim()
  if (text !== '') {
    const flow = FLOW_NAMES.find(f => f === text.toLowerCase())
    if (!flow)
      throw inputError('auth-flow', `must be one of ${FLOW_NAMES.map(f => `'${f}'`).join(', ')}, not ${shown(text)}`, AUTH_FLOW_FIX)
    return flow
  }
  const named = FLOW_NAMES.filter(flow => given(get, flow).length > 0)
  if (named.length === 1) return named[0]
  if (named.length === 0) {
    throw new ActionError(
      "No login flow is chosen: 'auth-flow' is empty and no flow's inputs are set. Give 'private-key' (or " +
        "'private-key-file') with 'username', or 'client-secret', or 'sfdx-auth-url'; or set 'auth-flow: github-oidc' " +
        `for keyless login. ${SECRETS_HINT}`
    )
  }
  const inputs = named.flatMap(flow => given(get, flow).slice(0, 1)).map(name => `'${name}'`)
  throw new ActionError(
    `Inputs ${inputs.join(' and ')} belong to different login flows (${named.join(', ')}). Give the inputs of one ` +
      "flow only, or set 'auth-flow' to the one you mean."
  )
}

/** Refuses every set input that the chosen flow does not read, by name: never silently ignored. */
function refuseOthers(get: GetInput, flow: Flow): void {
  for (const [name, why] of Object.entries(FLOWS[flow].refuses ?? {})) {
    if (get(name).trim() !== '') throw inputError(name, `is not used with 'auth-flow: ${flow}'`, `In this flow ${why}: remove it.`)
  }
  for (const other of FLOW_NAMES.filter(f => f !== flow)) {
    for (const name of given(get, other)) {
      // Named only: a refused key, passphrase, secret or URL must not be echoed.
      const instead = FLOWS[flow].instead?.[name]
      if (instead) throw inputError(name, `is not used with 'auth-flow: ${flow}'`, `In this flow ${instead}.`)
      throw inputError(
        name,
        `is only used by the ${FLOWS[other].label} flow`,
        `Remove it, or set 'auth-flow: ${other}' ${FLOWS[other].purpose}.`
      )
    }
  }
}

/**
 * Reads and checks every input before anything touches the network, so a misconfigured workflow fails
 * with one message naming the input instead of a Salesforce error about something else.
 */
export function readInputs(get: GetInput): Inputs {
  const flow = flowOf(get)
  const clientId = FLOWS[flow].refuses?.['client-id'] ? '' : readClientId(get)
  refuseOthers(get, flow)
  return FLOWS[flow].read(get, clientId)
}
