/**
 * Salesforce's token endpoint refusals and what each one really means. The Salesforce CLI reports all of them
 * as "JSON web token error"; naming the fix is most of this action's value when a login fails. Each flow
 * brings its own refusals and fallback (its `advice`); the ones here can answer any flow.
 */

/** One known refusal: Salesforce's words to recognise, and the fix to say after them. */
export interface Refusal {
  /** Match only where the description begins (for messages that quote other text). */
  startsWith?: boolean
  error?: string
  description: string
  fix: (ctx: LoginContext) => string
}

/** What a flow knows about Salesforce's refusals of its own requests, handed over with each login. */
export interface FlowAdvice {
  /** The flow's own refusals, tried before the ones any flow can get. */
  refusals: Refusal[]
  /** What to check when no refusal matches. */
  fallback: (ctx: LoginContext) => string
  /** The user in a fix, for a flow that names none (e.g. "(the app's Run-As user)"). */
  unnamedUser: string
  /** The input the audience came from, for fixes that quote it. */
  audienceInput: string
}

/** Where the failed login was sent, so fixes about hosts and audiences can show what was used. */
export interface LoginContext {
  /** The failing flow's own refusals and words: the same answer can need another fix in each flow. */
  advice: FlowAdvice
  loginUrl: string
  /** The `aud` sent: the assertion's, or the one asked of GitHub; empty where the flow sends none. */
  audience: string
  /** The user asked for; empty where the flow names none. */
  username: string
  /** The input that chose the org, for fixes: "'login-url'" unless a flow takes the host from elsewhere. */
  orgChosenBy?: string
}

/** Where the request went, in parentheses, for a fix to quote: the login URL and the audience sent. */
export const whereSent = (ctx: LoginContext): string =>
  ctx.audience ? `(login-url ${ctx.loginUrl}, ${ctx.advice.audienceInput} ${ctx.audience})` : `(login ${ctx.loginUrl})`

/** The user in a fix: by name, or as the flow describes the one it logged in as. */
const userInFix = (ctx: LoginContext): string => ctx.username || ctx.advice.unnamedUser

/** Refusals any flow can get. */
const ANY_FLOW: Refusal[] = [
  {
    error: 'invalid_client_id',
    description: 'client identifier invalid',
    fix: ctx =>
      "'client-id' is not the consumer key of an app that this org knows. Copy the Consumer Key from the " +
      "app's settings (Manage Consumer Details). A new or changed app takes 2 to 10 minutes to reach all " +
      `servers: wait and re-run. Check also that login-url points at the org that holds the app ${whereSent(ctx)}.`
  },
  {
    error: 'app_not_found',
    description: 'external client app is not installed in this org',
    fix: ctx =>
      "Install (or deploy) the External Client App in this org, and use the org's My Domain URL as " +
      `'login-url' (https://yourdomain.my.salesforce.com) rather than login or test.salesforce.com ${whereSent(ctx)}.`
  },
  {
    description: 'login rate exceeded',
    fix: ctx =>
      `The user ${userInFix(ctx)} has logged in too often (Salesforce allows about 3,600 logins per user per ` +
      'hour). Authenticate once per job and reuse the token; wait before re-running.'
  },
  {
    description: 'inactive user',
    fix: ctx => `The user ${userInFix(ctx)} is deactivated or frozen. Reactivate the user or use another integration user.`
  },
  {
    description: 'ip restricted',
    fix: () =>
      "The runner's IP address is outside the user's Login IP Ranges or the app's IP restrictions. Set the " +
      "app's IP Relaxation to 'Relax IP restrictions', or allow the runner's addresses."
  }
]

function findRefusal(error: string, description: string, ctx: LoginContext): Refusal | undefined {
  const desc = description.toLowerCase()
  const refusals = [...ctx.advice.refusals, ...ANY_FLOW]
  return (
    refusals.find(
      e => (e.error === undefined || e.error === error) && (e.startsWith ? desc.startsWith(e.description) : desc.includes(e.description))
    ) ?? refusals.find(e => e.error !== undefined && e.error === error)
  )
}

/** True for a refusal the catalogue knows, so even a retried status (429) can be explained with its fix. */
export function isKnownRefusal(error: string, description: string, ctx: LoginContext): boolean {
  return findRefusal(error, description, ctx) !== undefined
}

/**
 * The one message for a refusal: Salesforce's own words verbatim (what users search for), then the fix.
 */
export function explainOAuthError(status: number, error: string, description: string, ctx: LoginContext): string {
  const quoted = `Salesforce refused the login (HTTP ${status}): error "${error}", error_description "${description}".`
  const refusal = findRefusal(error, description, ctx)
  return `${quoted} ${refusal ? refusal.fix(ctx) : ctx.advice.fallback(ctx)}`
}
