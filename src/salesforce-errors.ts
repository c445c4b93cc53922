/** Where the failed login was sent, so fixes about hosts and audiences can show what was used. */
export interface LoginContext {
  loginUrl: string
  audience: string
  username: string
}

interface Entry {
  error?: string
  description: string
  fix: (ctx: LoginContext) => string
}

const used = (ctx: LoginContext): string => `(login-url ${ctx.loginUrl}, audience ${ctx.audience})`

/**
 * Salesforce's token endpoint refusals and what each one really means. The Salesforce CLI reports all of
 * them as "JSON web token error"; naming the fix is most of this action's value when a login fails.
 */
const CATALOGUE: Entry[] = [
  {
    description: "user hasn't approved this consumer",
    fix: ctx =>
      `The user ${ctx.username} is not pre-authorized for this app. In Setup, edit the app's policies ` +
      "(Connected Apps > Manage, or External Client App Manager > Policies): set Permitted Users to 'Admin " +
      "approved users are pre-authorized', then add the user's profile or a permission set to the app. " +
      `If the user belongs to a sandbox, log in through the sandbox: audience 'sandbox' or the sandbox's My Domain URL ${used(ctx)}.`
  },
  {
    description: 'invalid assertion',
    fix: () =>
      'Salesforce could not verify the signature: the certificate uploaded to the app ("Use digital ' +
      'signatures") does not belong to this private key. Upload the certificate made from this key, or ' +
      "give it as the 'certificate' input so the action checks the pair before sending anything."
  },
  {
    description: 'audience is invalid',
    fix: ctx =>
      `The audience is not the one ${ctx.loginUrl} expects ${used(ctx)}. Sandboxes and scratch orgs take ` +
      "audience 'sandbox' (https://test.salesforce.com); production and Developer Edition orgs take " +
      "'production' (https://login.salesforce.com). Leave 'audience' empty to derive it from 'login-url'."
  },
  {
    description: 'expired authorization code',
    fix: () =>
      "Salesforce considers the assertion expired, which means the runner's clock is behind Salesforce's by " +
      'several minutes. Synchronise the clock of this runner (on self-hosted runners, enable NTP).'
  },
  {
    error: 'invalid_client_id',
    description: 'client identifier invalid',
    fix: ctx =>
      "'client-id' is not the consumer key of an app that this org knows. Copy the Consumer Key from the " +
      "app's settings (Manage Consumer Details). A new or changed app takes 2 to 10 minutes to reach all " +
      `servers: wait and re-run. Check also that login-url points at the org that holds the app ${used(ctx)}.`
  },
  {
    error: 'invalid_app_access',
    description: 'user is not admin approved to access this app',
    fix: ctx =>
      `The user ${ctx.username} may not use this app. Add the user's profile or a permission set to the app ` +
      "(the app's Manage page > Profiles / Permission Sets), or assign the app to the user."
  },
  {
    error: 'app_not_found',
    description: 'external client app is not installed in this org',
    fix: ctx =>
      "Install (or deploy) the External Client App in this org, and use the org's My Domain URL as " +
      `'login-url' (https://yourdomain.my.salesforce.com) rather than login or test.salesforce.com ${used(ctx)}.`
  },
  {
    description: 'login rate exceeded',
    fix: ctx =>
      `The user ${ctx.username} has logged in too often (Salesforce allows about 3,600 logins per user per ` +
      'hour). Authenticate once per job and reuse the token; wait before re-running.'
  },
  {
    description: 'inactive user',
    fix: ctx => `The user ${ctx.username} is deactivated or frozen. Reactivate the user or use another integration user.`
  },
  {
    description: 'ip restricted',
    fix: () =>
      "The runner's IP address is outside the user's Login IP Ranges or the app's IP restrictions. Set the " +
      "app's IP Relaxation to 'Relax IP restrictions', or allow the runner's addresses."
  },
  {
    error: 'unsupported_grant_type',
    description: 'grant type not supported',
    fix: ctx =>
      'The request reached Salesforce without its JWT bearer grant: usually a redirect or a proxy turned ' +
      `the POST into a GET or rewrote its body. Point 'login-url' straight at the org's https login host ${used(ctx)}.`
  }
]

function findEntry(error: string, description: string): Entry | undefined {
  const desc = description.toLowerCase()
  return (
    CATALOGUE.find(e => (e.error === undefined || e.error === error) && desc.includes(e.description)) ??
    CATALOGUE.find(e => e.error !== undefined && e.error === error)
  )
}

/** True for a refusal the catalogue knows, so even a retried status (429) can be explained with its fix. */
export function isKnownRefusal(error: string, description: string): boolean {
  return findEntry(error, description) !== undefined
}

/**
 * The one message for a refusal: Salesforce's own words verbatim (what users search for), then the fix.
 */
export function explainOAuthError(status: number, error: string, description: string, ctx: LoginContext): string {
  const said = `Salesforce refused the login (HTTP ${status}): error "${error}", error_description "${description}".`
  const entry = findEntry(error, description)
  const fix = entry
    ? entry.fix(ctx)
    : `Check 'client-id', 'username', the certificate uploaded to the app and the app's policies ${used(ctx)}.`
  return `${said} ${fix}`
}
