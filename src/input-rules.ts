import { inputError, SECRETS_HINT } from './errors.js'
import { parseMyDomainUrl } from './login-url.js'
import { parseAllowedOrgIds } from './orgs.js'
import { isPrintable, neutralize, shown } from './text.js'

/**
 * The readers every flow's inputs go through, and the inputs all flows share. Each flow reads its own inputs
 * with these (in its folder under flows/); `inputs.ts` chooses the flow.
 */

/** What every login flow shares: where the token comes from, how hard to try, and what to do with it. */
export interface CommonInputs {
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

/** Reads one input by its action.yml name; `core.getInput` in the action, a table in tests. */
export type GetInput = (name: string) => string

/** A required input, trimmed; empty is refused with the secrets hint (an unset secret reads as empty). */
export function required(get: GetInput, name: string, what: string): string {
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
/** action.yml's default of `request-timeout-seconds`. */
const DEFAULT_TIMEOUT_SECONDS = 30

/**
 * `request-timeout-seconds` alone, for the post step: the default when it is now unreadable. The post step must
 * revoke whatever the other inputs evaluate to by the end of the job (a later step may have changed them).
 */
export function timeLimitSeconds(get: GetInput): number {
  try {
    return wholeNumber(get, 'request-timeout-seconds', 1, 300, DEFAULT_TIMEOUT_SECONDS)
  } catch {
    return DEFAULT_TIMEOUT_SECONDS
  }
}

export function commonInputs(
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
    requestTimeoutSeconds: wholeNumber(get, 'request-timeout-seconds', 1, 300, DEFAULT_TIMEOUT_SECONDS),
    revokeToken: boolean(get, 'revoke-token', false),
    allowedOrgIds: parseAllowedOrgIds(get('allowed-org-ids')),
    exportEnv: boolean(get, 'export-env', false),
    jobSummary: boolean(get, 'job-summary', true)
  }
}

/** The consumer key of the app, which every flow but sfdx-url takes as an input. */
export const readClientId = (get: GetInput): string =>
  // Salesforce consumer keys are under 256 characters.
  plainText('client-id', required(get, 'client-id', 'the consumer key of the connected app or External Client App'), 255)

/**
 * `login-url` for a flow that only works at the org's My Domain: required, and refused by name elsewhere.
 * `why` is the flow's reason where it is Salesforce's rule rather than the action's.
 */
export function myDomainLoginUrl(get: GetInput, flow: string, why = ''): string {
  const text = required(get, 'login-url', "the org's My Domain URL, e.g. https://acme.my.salesforce.com")
  return parseMyDomainUrl(plainText('login-url', text, 2048), flow, why)
}
