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
