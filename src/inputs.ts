import { ActionError, SECRETS_HINT, inputError, shown } from './errors.js'
import { parseAllowedOrgIds } from './orgs.js'
import { isPrintable, neutralize } from './sanitize.js'

export interface Inputs {
  clientId: string
  username: string
  /** Which input holds the key, and its value: the key text, or a path. */
  keySource: { input: 'private-key' | 'private-key-file'; value: string }
  passphrase: string
  loginUrl: string
  audience: string
  maxAttempts: number
  requestTimeoutSeconds: number
  revokeToken: boolean
  certificate: string
  allowedOrgIds: string[]
  exportEnv: boolean
  jobSummary: boolean
}

/** Reads one input by its action.yml name; `core.getInput` in the action, a table in tests. */
export type GetInput = (name: string) => string

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

/**
 * Reads and checks every input before anything touches the network, so a misconfigured workflow fails
 * with one message naming the input instead of a Salesforce error about something else.
 */
export function readInputs(get: GetInput): Inputs {
  // Salesforce consumer keys are under 256 characters, and usernames at most 80.
  const clientId = plainText('client-id', required(get, 'client-id', 'the consumer key of the connected app or External Client App'), 255)
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
  return {
    clientId,
    username,
    keySource: key.trim() !== '' ? { input: 'private-key', value: key } : { input: 'private-key-file', value: file },
    passphrase: get('private-key-passphrase'),
    // URL parsers silently drop CR, LF and tab: refuse them here, before they can hide a second line.
    loginUrl: plainText('login-url', get('login-url').trim(), 2048),
    audience: plainText('audience', get('audience').trim(), 2048),
    maxAttempts: wholeNumber(get, 'max-attempts', 1, 10, 3),
    requestTimeoutSeconds: wholeNumber(get, 'request-timeout-seconds', 1, 300, 30),
    revokeToken: boolean(get, 'revoke-token', false),
    certificate: get('certificate'),
    allowedOrgIds: parseAllowedOrgIds(get('allowed-org-ids')),
    exportEnv: boolean(get, 'export-env', false),
    jobSummary: boolean(get, 'job-summary', true)
  }
}
