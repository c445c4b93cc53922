/**
 * What the main step hands to the post step (the runner passes it back as STATE_* variables): only facts
 * of the run. The token goes with the login URL it came from, so it is revoked there and nowhere else,
 * whatever the inputs evaluate to by the end of the job; the time limit is read from the inputs again.
 */
export const STATE = {
  isPost: 'isPost',
  token: 'token',
  loginUrl: 'loginUrl',
  exported: 'exported'
} as const

/** The variables export-env sets and the post step clears. */
export const EXPORTED = { token: 'SF_ACCESS_TOKEN', instanceUrl: 'SF_ORG_INSTANCE_URL' } as const
