/**
 * What the main step hands to the post step (the runner passes it back as STATE_* variables): only facts
 * of the run. The login URL and time limit are not here: the post step reads the same inputs.
 */
export const STATE = {
  isPost: 'isPost',
  token: 'token',
  exported: 'exported'
} as const

/** The variables export-env sets and the post step clears. */
export const EXPORTED = { token: 'SF_ACCESS_TOKEN', instanceUrl: 'SF_ORG_INSTANCE_URL' } as const
