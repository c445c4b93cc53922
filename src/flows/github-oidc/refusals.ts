import { whereSent, type FlowAdvice } from '../salesforce-errors.js'

/** The handler's refusal when no rule matches the job's claims. */
const NO_RULE_MATCHES = 'no active github trust rule matches'
/** The handler's refusal when no active rule names the token's issuer. */
const NO_RULE_NAMES_ISSUER = 'github oidc token rejected: its issuer '

/**
 * True for the handler's refusals that a trust rule record for exactly this job can fix (no rule matches, or none
 * names its issuer); other refusals (the app, the user, the permission set) need another fix, not another rule.
 */
export function aRuleCouldFix(description: string): boolean {
  const words = description.toLowerCase()
  return [NO_RULE_MATCHES, NO_RULE_NAMES_ISSUER].some(start => words.startsWith(start))
}

/** Where a token exchange handler's real reason is, when its answer does not say. */
const HANDLER_LOG = "The handler's own reason is in the debug log of the handler's Run As user (operation OauthTokenExchangeApexExec)."

/** For a subject token that is not the ID token GitHub issued (RS256, a key id, typ JWT). */
const NOT_GITHUBS_TOKEN =
  "The subject token is not a GitHub Actions ID token as GitHub issues it (RS256, with a key id). Send the job's ID " +
  'token unchanged; a token from another identity provider is not accepted by this handler.'

/**
 * The refusals of a token exchange: the org's handler's own words first, by how they begin (they quote GitHub's
 * claims, which may hold any words), then the platform's, which can mean something else after a token exchange.
 */
export const ADVICE: FlowAdvice = {
  audienceInput: 'oidc-audience',
  unnamedUser: "that the org's trust rules chose",
  fallback: ctx =>
    "Check 'client-id', the app's token exchange settings, the handler enabled for the app and the GitHub trust " +
    `rules against the claims printed above ${whereSent(ctx)}. ${HANDLER_LOG}`,
  refusals: [
    // The handler's own refusals first, by how they begin: they quote GitHub's claims, which may hold any words.
    {
      startsWith: true,
      description: 'github oidc token rejected: its header ',
      fix: () => NOT_GITHUBS_TOKEN
    },
    {
      startsWith: true,
      description: 'github oidc token rejected: it is not a jwt',
      fix: () => NOT_GITHUBS_TOKEN
    },
    {
      startsWith: true,
      description: NO_RULE_NAMES_ISSUER,
      fix: () =>
        "No active GitHub trust rule names the issuer of this job's token, so the handler fetched no keys. Set the " +
        "rule's Issuer (blank means https://token.actions.githubusercontent.com; an enterprise's custom issuer is " +
        'https://token.actions.githubusercontent.com/<enterprise>, GitHub Enterprise Server https://<host>/_services/token) ' +
        "to the issuer shown, and add a remote site setting for that issuer's host."
    },
    {
      startsWith: true,
      description: 'github oidc token rejected: its signature could not be verified',
      fix: () =>
        "The handler could not verify the token with the issuer's keys (the URL above). Check that a remote site " +
        "setting allows the issuer's host and is active; if it does, the token was not signed by that issuer " +
        `(altered, or from another GitHub). ${HANDLER_LOG}`
    },
    {
      startsWith: true,
      description: 'github oidc token rejected: it was already used',
      fix: () =>
        'This org accepts each GitHub ID token once (its GitHub Keyless Setting names a replay cache partition). Re-run the ' +
        'step so that it asks GitHub for a new token; never reuse or share an ID token between exchanges.'
    },
    {
      startsWith: true,
      description: 'github oidc token rejected: it has no jti claim',
      fix: () => NOT_GITHUBS_TOKEN
    },
    {
      startsWith: true,
      description: 'github oidc token rejected: the replay cache partition',
      fix: () =>
        "The org's GitHub Keyless Setting (record Default) names a Platform Cache partition that cannot be used. Create it " +
        "in Setup > Platform Cache with org cache capacity, or clear the setting's Replay Cache Partition."
    },
    {
      startsWith: true,
      description: 'github oidc token rejected',
      fix: () =>
        "The org's token exchange handler could not accept GitHub's token itself (see its words above). " +
        "If the token expired or is not valid yet, re-run the job and check the runner's clock. " +
        HANDLER_LOG
    },
    {
      startsWith: true,
      description: NO_RULE_MATCHES,
      fix: () =>
        'Compare the claims this step printed before the exchange (repository and owner ids, ref, event, workflow, environment, ' +
        'runner, audience, issuer) with the active GitHub Trust Rule records in the org (Setup > Custom Metadata Types > GitHub Trust ' +
        'Rule > Manage Records), and add or correct the rule that should match. A blank Events admits only push, ' +
        'workflow_dispatch, schedule and release; a rule that sets none of Ref, Environment and Workflow Ref never matches.'
    },
    {
      startsWith: true,
      description: 'active github trust rules name more than one user',
      fix: () =>
        'The GitHub Trust Rule records named above all match this job but name different users. Deactivate or narrow ' +
        '(by ref, workflow, event or environment) all but the one that should apply.'
    },
    {
      startsWith: true,
      description: 'no active user for github trust rule',
      fix: () =>
        'The rule named above names a user who does not exist in this org or is deactivated. Create or reactivate ' +
        "that user, or correct the rule's Username (usernames differ between production and sandboxes)."
    },
    {
      startsWith: true,
      description: 'no keyless login permission for github trust rule',
      fix: () =>
        'Assign the permission set GitHub Actions Keyless Login (GitHub_Actions_Keyless_Login) to the user that the rule ' +
        'named above names (Setup > Users > the user > Permission Set Assignments), or correct the rule.'
    },
    // Then the keyless flow's platform answers: the same words can mean something else after a token exchange.
    {
      description: "user hasn't approved this consumer",
      fix: () =>
        "The user the org's trust rule chose is not pre-authorized for this app. In Setup > External Client App " +
        "Manager > the app > Policies, set Permitted Users to 'Admin approved users are pre-authorized' and assign " +
        "the app's permission set to the user named in the matching GitHub trust rule."
    },
    {
      description: 'token handler not found',
      fix: ctx =>
        'No token exchange handler is enabled for this app. In Setup > Token Exchange Handlers, open the handler ' +
        '(GitHub Actions OIDC, GitHubActionsTokenExchangeHandler), enable this app on it with a Run As user, and make it the default handler of the app; or ' +
        `set 'token-handler' to the handler's name ${whereSent(ctx)}.`
    },
    {
      error: 'unsupported_grant_type',
      description: 'grant type not supported',
      fix: ctx =>
        "The app does not accept the token exchange grant. In the External Client App's OAuth settings, enable the " +
        "Token Exchange Flow and clear 'Require secret for Token Exchange Flow'; and check that 'login-url' is " +
        `the org's My Domain URL ${whereSent(ctx)}.`
    },
    {
      description: 'token handler validation failed',
      fix: () => `The org's token exchange handler refused GitHub's token without saying why. ${HANDLER_LOG}`
    }
  ]
}
