import type { Flow } from './inputs.js'

/** Where the failed login was sent, so fixes about hosts and audiences can show what was used. */
export interface LoginContext {
  /** The flow that failed: the same words can need another fix in each. */
  flow: Flow
  loginUrl: string
  /** The `aud` sent: the assertion's, or the one asked of GitHub. */
  audience: string
  /** The user asked for; empty in the keyless flow, where the org's trust rules choose. */
  username: string
  /** The input that chose the org, for fixes: "'login-url'" unless a flow takes the host from elsewhere. */
  orgChosenBy?: string
}

interface Entry {
  /** The flow whose requests cause this answer; both when not given. */
  flow?: LoginContext['flow']
  /** Match only where the description begins (for messages that quote other text). */
  startsWith?: boolean
  error?: string
  description: string
  fix: (ctx: LoginContext) => string
}

const used = (ctx: LoginContext): string =>
  ctx.audience
    ? `(login-url ${ctx.loginUrl}, ${ctx.flow === 'github-oidc' ? 'oidc-audience' : 'audience'} ${ctx.audience})`
    : `(login ${ctx.loginUrl})`

/** The user in a fix: by name, or (keyless) as the one the trust rules chose. */
const who = (ctx: LoginContext): string => ctx.username || UNNAMED_USER[ctx.flow]

/** The user in a fix, for flows that name none. */
const UNNAMED_USER: Record<Flow, string> = {
  'jwt-bearer': '',
  'github-oidc': "that the org's trust rules chose",
  'client-credentials': "(the app's Run-As user)",
  'sfdx-url': '(the one the SFDX auth URL was issued to)'
}

/** Where a token exchange handler's real reason is, when its answer does not say. */
const HANDLER_LOG = "The handler's own reason is in the debug log of the handler's Run As user (operation OauthTokenExchangeApexExec)."

/** For a subject token that is not the ID token GitHub issued (RS256, a key id, typ JWT). */
const NOT_GITHUBS_TOKEN =
  "The subject token is not a GitHub Actions ID token as GitHub issues it (RS256, with a key id). Send the job's ID " +
  'token unchanged; a token from another identity provider is not accepted by this handler.'

/**
 * Salesforce's token endpoint refusals and what each one really means. The Salesforce CLI reports all of
 * them as "JSON web token error"; naming the fix is most of this action's value when a login fails.
 */
const CATALOGUE: Entry[] = [
  // The handler's own refusals first, by how they begin: they quote GitHub's claims, which may hold any words.
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected: its header ',
    fix: () => NOT_GITHUBS_TOKEN
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected: it is not a jwt',
    fix: () => NOT_GITHUBS_TOKEN
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected: its issuer ',
    fix: () =>
      "No active GitHub trust rule names the issuer of this job's token, so the handler fetched no keys. Set the " +
      "rule's Issuer (blank means https://token.actions.githubusercontent.com; an enterprise's custom issuer is " +
      'https://token.actions.githubusercontent.com/<enterprise>, GitHub Enterprise Server https://<host>/_services/token) ' +
      "to the issuer shown, and add a remote site setting for that issuer's host."
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected: its signature could not be verified',
    fix: () =>
      "The handler could not verify the token with the issuer's keys (the URL above). Check that a remote site " +
      "setting allows the issuer's host and is active; if it does, the token was not signed by that issuer " +
      `(altered, or from another GitHub). ${HANDLER_LOG}`
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected: it was already used',
    fix: () =>
      'This org accepts each GitHub ID token once (its GitHub Keyless Setting names a replay cache partition). Re-run the ' +
      'step so that it asks GitHub for a new token; never reuse or share an ID token between exchanges.'
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected: it has no jti claim',
    fix: () => NOT_GITHUBS_TOKEN
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected: the replay cache partition',
    fix: () =>
      "The org's GitHub Keyless Setting (record Default) names a Platform Cache partition that cannot be used. Create it " +
      "in Setup > Platform Cache with org cache capacity, or clear the setting's Replay Cache Partition."
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'github oidc token rejected',
    fix: () =>
      "The org's token exchange handler could not accept GitHub's token itself (see its words above). " +
      "If the token expired or is not valid yet, re-run the job and check the runner's clock. " +
      HANDLER_LOG
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'no active github trust rule matches',
    fix: () =>
      'Compare the claims this step printed before the exchange (repository and owner ids, ref, event, workflow, environment, ' +
      'runner, audience, issuer) with the active GitHub Trust Rule records in the org (Setup > Custom Metadata Types > GitHub Trust ' +
      'Rule > Manage Records), and add or correct the rule that should match.'
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'active github trust rules name more than one user',
    fix: () =>
      'The GitHub Trust Rule records named above all match this job but name different users. Deactivate or narrow ' +
      '(by ref, workflow, event or environment) all but the one that should apply.'
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'no active user for github trust rule',
    fix: () =>
      'The rule named above names a user who does not exist in this org or is deactivated. Create or reactivate ' +
      "that user, or correct the rule's Username (usernames differ between production and sandboxes)."
  },
  {
    flow: 'github-oidc',
    startsWith: true,
    description: 'no keyless login permission for github trust rule',
    fix: () =>
      'Assign the permission set GitHub Actions Keyless Login (GitHub_Actions_Keyless_Login) to the user that the rule ' +
      'named above names (Setup > Users > the user > Permission Set Assignments), or correct the rule.'
  },
  // Then the keyless flow's platform answers: the same words can mean something else after a token exchange.
  {
    flow: 'github-oidc',
    description: "user hasn't approved this consumer",
    fix: () =>
      "The user the org's trust rule chose is not pre-authorized for this app. In Setup > External Client App " +
      "Manager > the app > Policies, set Permitted Users to 'Admin approved users are pre-authorized' and assign " +
      "the app's permission set to the user named in the matching GitHub trust rule."
  },
  {
    flow: 'github-oidc',
    description: 'token handler not found',
    fix: ctx =>
      'No token exchange handler is enabled for this app. In Setup > Token Exchange Handlers, open the handler ' +
      '(GitHub Actions OIDC, GitHubActionsTokenExchangeHandler), enable this app on it with a Run As user, and make it the default handler of the app; or ' +
      `set 'token-handler' to the handler's name ${used(ctx)}.`
  },
  {
    flow: 'github-oidc',
    error: 'unsupported_grant_type',
    description: 'grant type not supported',
    fix: ctx =>
      "The app does not accept the token exchange grant. In the External Client App's OAuth settings, enable the " +
      "Token Exchange Flow and clear 'Require secret for Token Exchange Flow'; and check that 'login-url' is " +
      `the org's My Domain URL ${used(ctx)}.`
  },
  {
    flow: 'github-oidc',
    description: 'token handler validation failed',
    fix: () => `The org's token exchange handler refused GitHub's token without saying why. ${HANDLER_LOG}`
  },

  // The client credentials flow's refusals. Only the Run-As user's "API Only" need is documented (Metadata API,
  // ExtlClntAppOauthConfigurablePolicies); the error words below are reported by practitioners, not documented.
  {
    flow: 'client-credentials',
    description: 'request not supported on this domain',
    fix: ctx =>
      "Salesforce accepts the client credentials flow only at the org's My Domain. Set 'login-url' to the org's My " +
      `Domain URL (Setup > My Domain), e.g. https://acme.my.salesforce.com ${used(ctx)}.`
  },
  {
    flow: 'client-credentials',
    description: 'no client credentials user enabled',
    fix: () =>
      "The app names no Run-As user for the client credentials flow. In the app's policies (External Client App " +
      "Manager > the app > Policies > OAuth Policies), enable the Client Credentials Flow and set 'Run As' to an " +
      'integration user with the "API Only" permission.'
  },
  {
    flow: 'client-credentials',
    error: 'invalid_client',
    description: 'invalid client credentials',
    fix: () =>
      "'client-id' and 'client-secret' are not the consumer key and secret of one app in this org. Copy both from " +
      "the app's settings (Manage Consumer Details); a new or changed secret takes a few minutes to reach all servers."
  },
  {
    flow: 'client-credentials',
    error: 'unsupported_grant_type',
    description: 'grant type not supported',
    fix: ctx =>
      "The app does not accept the client credentials grant. In the app's OAuth settings, enable 'Enable Client " +
      `Credentials Flow', and check that 'login-url' is the org's My Domain URL ${used(ctx)}.`
  },
  // The refresh token flow of an SFDX auth URL.
  {
    flow: 'sfdx-url',
    description: 'expired access/refresh token',
    fix: () =>
      "The refresh token in 'sfdx-auth-url' is no longer valid: it was revoked, expired under the app's refresh " +
      'token policy, the user was deactivated or changed password, or rotation spent it in an earlier run. Log in ' +
      "again (sf org login web), print a new URL with 'sf org auth show-sfdx-auth-url --target-org ALIAS' and " +
      'store it in the secret; or move to the keyless or JWT bearer flow, which store no refresh token.'
  },
  {
    flow: 'sfdx-url',
    error: 'invalid_client_id',
    description: 'client identifier invalid',
    fix: () =>
      "The org does not know the client id in 'sfdx-auth-url': the app it was issued through is not installed in " +
      'this org (or the URL belongs to another org). Log in again through an app this org has and print a new URL ' +
      "with 'sf org auth show-sfdx-auth-url --target-org ALIAS'."
  },
  {
    flow: 'sfdx-url',
    error: 'invalid_client',
    description: 'invalid client credentials',
    fix: () =>
      "The client secret in 'sfdx-auth-url' does not belong to its client id. Print the URL again with " +
      "'sf org auth show-sfdx-auth-url' and store it whole."
  },

  {
    flow: 'jwt-bearer',
    description: "user hasn't approved this consumer",
    fix: ctx =>
      `The user ${ctx.username} is not pre-authorized for this app. In Setup, edit the app's policies ` +
      "(Connected Apps > Manage, or External Client App Manager > Policies): set Permitted Users to 'Admin " +
      "approved users are pre-authorized', then add the user's profile or a permission set to the app. " +
      `If the user belongs to a sandbox, log in through the sandbox: audience 'sandbox' or the sandbox's My Domain URL ${used(ctx)}.`
  },
  {
    flow: 'jwt-bearer',
    description: 'invalid assertion',
    fix: () =>
      'Salesforce could not verify the signature: the certificate uploaded to the app ("Use digital ' +
      'signatures") does not belong to this private key. Upload the certificate made from this key, or ' +
      "give it as the 'certificate' input so the action checks the pair before sending anything."
  },
  {
    flow: 'jwt-bearer',
    description: 'audience is invalid',
    fix: ctx =>
      `The audience is not the one ${ctx.loginUrl} expects ${used(ctx)}. Sandboxes and scratch orgs take ` +
      "audience 'sandbox' (https://test.salesforce.com); production and Developer Edition orgs take " +
      "'production' (https://login.salesforce.com). Leave 'audience' empty to derive it from 'login-url'."
  },
  {
    flow: 'jwt-bearer',
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
    flow: 'jwt-bearer',
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
      `The user ${who(ctx)} has logged in too often (Salesforce allows about 3,600 logins per user per ` +
      'hour). Authenticate once per job and reuse the token; wait before re-running.'
  },
  {
    description: 'inactive user',
    fix: ctx => `The user ${who(ctx)} is deactivated or frozen. Reactivate the user or use another integration user.`
  },
  {
    description: 'ip restricted',
    fix: () =>
      "The runner's IP address is outside the user's Login IP Ranges or the app's IP restrictions. Set the " +
      "app's IP Relaxation to 'Relax IP restrictions', or allow the runner's addresses."
  },
  {
    error: 'unsupported_grant_type',
    flow: 'jwt-bearer',
    description: 'grant type not supported',
    fix: ctx =>
      'The request reached Salesforce without its JWT bearer grant: usually a redirect or a proxy turned ' +
      `the POST into a GET or rewrote its body. Point 'login-url' straight at the org's https login host ${used(ctx)}.`
  }
]

/** What to check when the catalogue does not know the answer. */
const FALLBACK: Record<LoginContext['flow'], (ctx: LoginContext) => string> = {
  'jwt-bearer': ctx => `Check 'client-id', 'username', the certificate uploaded to the app and the app's policies ${used(ctx)}.`,
  'client-credentials': ctx =>
    `Check 'client-id', 'client-secret', and that the app enables the Client Credentials Flow with a Run-As user ${used(ctx)}.`,
  'sfdx-url': ctx => `Check that 'sfdx-auth-url' is the whole, current URL and that its app is still installed in the org ${used(ctx)}.`,
  'github-oidc': ctx =>
    "Check 'client-id', the app's token exchange settings, the handler enabled for the app and the GitHub trust " +
    `rules against the claims printed above ${used(ctx)}. ${HANDLER_LOG}`
}

function findEntry(error: string, description: string, ctx: LoginContext): Entry | undefined {
  const desc = description.toLowerCase()
  const entries = CATALOGUE.filter(e => e.flow === undefined || e.flow === ctx.flow)
  return (
    entries.find(
      e => (e.error === undefined || e.error === error) && (e.startsWith ? desc.startsWith(e.description) : desc.includes(e.description))
    ) ?? entries.find(e => e.error !== undefined && e.error === error)
  )
}

/** True for a refusal the catalogue knows, so even a retried status (429) can be explained with its fix. */
export function isKnownRefusal(error: string, description: string, ctx: LoginContext): boolean {
  return findEntry(error, description, ctx) !== undefined
}

/**
 * The one message for a refusal: Salesforce's own words verbatim (what users search for), then the fix.
 */
export function explainOAuthError(status: number, error: string, description: string, ctx: LoginContext): string {
  const said = `Salesforce refused the login (HTTP ${status}): error "${error}", error_description "${description}".`
  const entry = findEntry(error, description, ctx)
  const fix = entry ? entry.fix(ctx) : FALLBACK[ctx.flow](ctx)
  return `${said} ${fix}`
}
