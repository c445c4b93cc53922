import { ActionError, SECRETS_HINT, inputError } from './errors.js'

export interface Inputs {
  clientId: string
  username: string
  /** Which input holds the key, and its value: the key text, or a path. */
  keySource: { input: 'private-key' | 'private-key-file'; value: string }
  passphrase: string
  loginUrl: string
  audience: string
}

/** Reads one input by its action.yml name; `core.getInput` in the action, a table in tests. */
export type GetInput = (name: string) => string

function required(get: GetInput, name: string, what: string): string {
  const value = get(name).trim()
  if (value === '') throw inputError(name, `is required but empty (${what})`, SECRETS_HINT)
  return value
}

/**
 * Reads and checks every input before anything touches the network, so a misconfigured workflow fails
 * with one message naming the input instead of a Salesforce error about something else.
 */
export function readInputs(get: GetInput): Inputs {
  const clientId = required(get, 'client-id', 'the consumer key of the connected app or External Client App')
  const username = required(get, 'username', 'the Salesforce username to log in as')
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
        "(private-key: ${{ secrets.SALESFORCE_PRIVATE_KEY }}) or the path of a key file. " +
        SECRETS_HINT
    )
  }
  return {
    clientId,
    username,
    keySource: key.trim() !== '' ? { input: 'private-key', value: key } : { input: 'private-key-file', value: file },
    passphrase: get('private-key-passphrase'),
    loginUrl: get('login-url'),
    audience: get('audience')
  }
}
