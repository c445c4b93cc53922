/** State names the main step hands to the post step (the runner passes them back as STATE_* variables). */
export const STATE = {
  isPost: 'isPost',
  token: 'token',
  loginUrl: 'loginUrl',
  timeoutMs: 'timeoutMs',
  exported: 'exported'
} as const
