import { isPrintable } from './sanitize.js'

/**
 * A failure the user can fix. Its message is shown as the step's one error line, so it must name the
 * input or the cause, say the fix, and never contain secret material.
 */
export class ActionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ActionError'
  }
}

/** Appended wherever an empty secret is the likely cause: the runner gives no other hint. */
export const SECRETS_HINT =
  'If it is set from a secret, the secret may be missing or empty here: secrets are not passed to ' +
  'workflows triggered from forks, and Dependabot runs only see Dependabot secrets.'

/** A bad input: names the input, so the user knows exactly which line of the workflow to change. */
export function inputError(input: string, problem: string, fix: string): ActionError {
  return new ActionError(`Input '${input}' ${problem}. ${fix}`)
}

/**
 * A refused value, quoted only when short and printable: a long or odd value may be a secret pasted into
 * the wrong input, or a line crafted for the log.
 */
export function shown(value: string): string {
  return value.length <= 64 && isPrintable(value) ? `'${value}'` : `a value of ${value.length} characters (not shown)`
}

/**
 * Outside text quoted in a message (a URL, a host, a server's words): cut to `max` characters, with its
 * full length said, so no answer or variable can flood the log with one message.
 */
export function bounded(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters in all)`
}
