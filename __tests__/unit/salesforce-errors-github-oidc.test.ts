// The refusals of the keyless flow's token exchange, and how the key-based flow's words are kept apart.
import { describe, expect, it } from '@jest/globals'
import { explainOAuthError, isKnownRefusal, type LoginContext } from '../../src/flows/salesforce-errors.js'
import { FLOWS } from '../../src/flows/index.js'

const ctx: LoginContext = {
  advice: FLOWS['github-oidc'].advice,
  loginUrl: 'https://acme.my.salesforce.com',
  audience: 'https://salesforce.acme.example/github',
  username: ''
}
const USED = '(login-url https://acme.my.salesforce.com, oidc-audience https://salesforce.acme.example/github)'

const jwtCtx: LoginContext = {
  advice: FLOWS['jwt-bearer'].advice,
  loginUrl: 'https://acme.my.salesforce.com',
  audience: 'https://login.salesforce.com',
  username: 'ci-bot@acme.example'
}
const JWT_USED = '(login-url https://acme.my.salesforce.com, audience https://login.salesforce.com)'

const said = (status: number, error: string, description: string): string =>
  `Salesforce refused the login (HTTP ${status}): error "${error}", error_description "${description}". `

const HANDLER_LOG = "The handler's own reason is in the debug log of the handler's Run As user (operation OauthTokenExchangeApexExec)."

const FIX = {
  notApproved:
    "The user the org's trust rule chose is not pre-authorized for this app. In Setup > External Client App " +
    "Manager > the app > Policies, set Permitted Users to 'Admin approved users are pre-authorized' and assign " +
    "the app's permission set to the user named in the matching GitHub trust rule.",
  handlerNotFound:
    'No token exchange handler is enabled for this app. In Setup > Token Exchange Handlers, open the handler ' +
    '(GitHub Actions OIDC, GitHubActionsTokenExchangeHandler), enable this app on it with a Run As user, and make it the default handler of the app; or ' +
    `set 'token-handler' to the handler's name ${USED}.`,
  grantType:
    "The app does not accept the token exchange grant. In the External Client App's OAuth settings, enable the " +
    "Token Exchange Flow and clear 'Require secret for Token Exchange Flow'; and check that 'login-url' is " +
    `the org's My Domain URL ${USED}.`,
  handlerSilent: `The org's token exchange handler refused GitHub's token without saying why. ${HANDLER_LOG}`,
  tokenRejected:
    "The org's token exchange handler could not accept GitHub's token itself (see its words above). " +
    "If the token expired or is not valid yet, re-run the job and check the runner's clock. " +
    HANDLER_LOG,
  notGitHubs:
    "The subject token is not a GitHub Actions ID token as GitHub issues it (RS256, with a key id). Send the job's ID " +
    'token unchanged; a token from another identity provider is not accepted by this handler.',
  issuer:
    "No active GitHub trust rule names the issuer of this job's token, so the handler fetched no keys. Set the " +
    "rule's Issuer (blank means https://token.actions.githubusercontent.com; an enterprise's custom issuer is " +
    'https://token.actions.githubusercontent.com/<enterprise>, GitHub Enterprise Server https://<host>/_services/token) ' +
    "to the issuer shown, and add a remote site setting for that issuer's host.",
  signature:
    "The handler could not verify the token with the issuer's keys (the URL above). Check that a remote site " +
    "setting allows the issuer's host and is active; if it does, the token was not signed by that issuer " +
    `(altered, or from another GitHub). ${HANDLER_LOG}`,
  replayed:
    'This org accepts each GitHub ID token once (its GitHub Keyless Setting names a replay cache partition). Re-run the ' +
    'step so that it asks GitHub for a new token; never reuse or share an ID token between exchanges.',
  partition:
    "The org's GitHub Keyless Setting (record Default) names a Platform Cache partition that cannot be used. Create it " +
    "in Setup > Platform Cache with org cache capacity, or clear the setting's Replay Cache Partition.",
  trustRule:
    'Compare the claims this step printed before the exchange (repository and owner ids, ref, event, workflow, environment, ' +
    'runner, audience, issuer) with the active GitHub Trust Rule records in the org (Setup > Custom Metadata Types > GitHub Trust ' +
    'Rule > Manage Records), and add or correct the rule that should match. A blank Events admits only push, ' +
    'workflow_dispatch, schedule and release; a rule that sets none of Ref, Environment and Workflow Ref never matches.',
  manyUsers:
    'The GitHub Trust Rule records named above all match this job but name different users. Deactivate or narrow ' +
    '(by ref, workflow, event or environment) all but the one that should apply.',
  userMissing:
    'The rule named above names a user who does not exist in this org or is deactivated. Create or reactivate ' +
    "that user, or correct the rule's Username (usernames differ between production and sandboxes).",
  permissionSet:
    'Assign the permission set GitHub Actions Keyless Login (GitHub_Actions_Keyless_Login) to the user that the rule ' +
    'named above names (Setup > Users > the user > Permission Set Assignments), or correct the rule.',
  clientId:
    "'client-id' is not the consumer key of an app that this org knows. Copy the Consumer Key from the " +
    "app's settings (Manage Consumer Details). A new or changed app takes 2 to 10 minutes to reach all " +
    `servers: wait and re-run. Check also that login-url points at the org that holds the app ${USED}.`,
  appNotFound:
    "Install (or deploy) the External Client App in this org, and use the org's My Domain URL as " +
    `'login-url' (https://yourdomain.my.salesforce.com) rather than login or test.salesforce.com ${USED}.`,
  ipRestricted:
    "The runner's IP address is outside the user's Login IP Ranges or the app's IP restrictions. Set the " +
    "app's IP Relaxation to 'Relax IP restrictions', or allow the runner's addresses.",
  fallback:
    "Check 'client-id', the app's token exchange settings, the handler enabled for the app and the GitHub trust " +
    `rules against the claims printed above ${USED}. ${HANDLER_LOG}`
}

describe('explainOAuthError: keyless catalogue', () => {
  it.each([
    ['invalid_grant', "user hasn't approved this consumer", FIX.notApproved],
    ['invalid_request', 'token handler not found', FIX.handlerNotFound],
    ['invalid_request', 'Token Handler Not Found', FIX.handlerNotFound],
    ['unsupported_grant_type', 'grant type not supported', FIX.grantType],
    ['unsupported_grant_type', 'something else', FIX.grantType],
    ['invalid_request', 'token handler validation failed', FIX.handlerSilent],
    ['invalid_client_id', 'client identifier invalid', FIX.clientId],
    ['invalid_client_id', '', FIX.clientId],
    ['app_not_found', 'external client app is not installed in this org', FIX.appNotFound],
    ['invalid_grant', 'ip restricted or invalid login hours', FIX.ipRestricted]
  ])('%s "%s": quotes Salesforce verbatim, then the keyless fix', (error, description, fix) => {
    expect(explainOAuthError(400, error, description, ctx)).toBe(said(400, error, description) + fix)
    expect(isKnownRefusal(error, description, ctx)).toBe(true)
  })

  it('gives the keyless "not approved" fix no username, and the key-based one names the user', () => {
    const description = "user hasn't approved this consumer"
    const keyless = explainOAuthError(400, 'invalid_grant', description, ctx)
    const keyBased = explainOAuthError(400, 'invalid_grant', description, jwtCtx)
    expect(keyless).toBe(said(400, 'invalid_grant', description) + FIX.notApproved)
    expect(keyless).not.toContain('The user  ')
    expect(keyBased).toBe(
      said(400, 'invalid_grant', description) +
        "The user ci-bot@acme.example is not pre-authorized for this app. In Setup, edit the app's policies " +
        "(Connected Apps > Manage, or External Client App Manager > Policies): set Permitted Users to 'Admin " +
        "approved users are pre-authorized', then add the user's profile or a permission set to the app. " +
        `If the user belongs to a sandbox, log in through the sandbox: audience 'sandbox' or the sandbox's My Domain URL ${JWT_USED}.`
    )
  })

  it('gives the key-based flow its own fix for an unsupported grant', () => {
    expect(explainOAuthError(400, 'unsupported_grant_type', 'grant type not supported', jwtCtx)).toBe(
      said(400, 'unsupported_grant_type', 'grant type not supported') +
        'The request reached Salesforce without its JWT bearer grant: usually a redirect or a proxy turned ' +
        `the POST into a GET or rewrote its body. Point 'login-url' straight at the org's https login host ${JWT_USED}.`
    )
  })

  it.each(['token handler not found', 'token handler validation failed', 'github oidc token rejected: it has expired.'])(
    'does not give the key-based flow the keyless fix for "%s"',
    description => {
      const message = explainOAuthError(400, 'invalid_request', description, jwtCtx)
      expect(message).toBe(
        said(400, 'invalid_request', description) +
          `Check 'client-id', 'username', the certificate uploaded to the app and the app's policies ${JWT_USED}.`
      )
      expect(isKnownRefusal('invalid_request', description, jwtCtx)).toBe(false)
    }
  )

  it.each([
    ['invalid_grant', 'invalid assertion'],
    ['invalid_grant', 'audience is invalid'],
    ['invalid_grant', 'expired authorization code'],
    ['invalid_app_access', 'user is not admin approved to access this app']
  ])('does not give the keyless flow the key-based fix for %s "%s"', (error, description) => {
    expect(explainOAuthError(400, error, description, ctx)).toBe(said(400, error, description) + FIX.fallback)
    expect(isKnownRefusal(error, description, ctx)).toBe(false)
  })

  it.each([
    [
      'login rate exceeded',
      "The user that the org's trust rules chose has logged in too often (Salesforce allows about 3,600 logins per user per " +
        'hour). Authenticate once per job and reuse the token; wait before re-running.'
    ],
    [
      'authentication failure: inactive user',
      "The user that the org's trust rules chose is deactivated or frozen. Reactivate the user or use another integration user."
    ]
  ])('explains "%s" for the user the rules chose, who has no name here', (description, fix) => {
    expect(explainOAuthError(400, 'invalid_grant', description, ctx)).toBe(said(400, 'invalid_grant', description) + fix)
  })
})

// The handler's own messages (the Apex GitHubActionsTokenExchangeHandler), returned as error_description.
const PRESENTED =
  "repository 'acme/app' (id 123456789, owner id 987654), ref 'refs/heads/main' (ref_protected 'true'), event 'push', " +
  "job_workflow_ref 'acme/app/.github/workflows/deploy.yml@refs/heads/main', environment 'production', " +
  "runner_environment 'github-hosted', audience 'https://salesforce.acme.example/github', issuer 'https://token.actions.githubusercontent.com'"

describe("explainOAuthError: the handler's messages", () => {
  it.each([
    ['GitHub OIDC token rejected: unsupported token type ACCESS_TOKEN.', FIX.tokenRejected],
    ["GitHub OIDC token rejected: its header names alg 'HS256', not RS256.", FIX.notGitHubs],
    ['GitHub OIDC token rejected: its header has no kid.', FIX.notGitHubs],
    ["GitHub OIDC token rejected: its header names typ 'jwt', not JWT.", FIX.notGitHubs],
    ['GitHub OIDC token rejected: it is not a JWT (three base64url parts: a JSON header, a JSON payload, a signature).', FIX.notGitHubs],
    ["GitHub OIDC token rejected: its issuer 'https://evil.example' is not the issuer of any active GitHub trust rule.", FIX.issuer],
    [
      'GitHub OIDC token rejected: its signature could not be verified with the keys at https://token.actions.githubusercontent.com/.well-known/jwks.',
      FIX.signature
    ],
    ['GitHub OIDC token rejected: it has no exp claim.', FIX.tokenRejected],
    ['GitHub OIDC token rejected: it was already used, and this org accepts each token once.', FIX.replayed],
    ['GitHub OIDC token rejected: it has no jti claim, and this org accepts each token once.', FIX.notGitHubs],
    ['GitHub OIDC token rejected: the replay cache partition named in GitHub Keyless Setting Default cannot be used.', FIX.partition],
    ['GitHub OIDC token rejected: it has expired.', FIX.tokenRejected],
    ['GitHub OIDC token rejected: it is not valid yet.', FIX.tokenRejected],
    [`No active GitHub trust rule matches ${PRESENTED}.`, FIX.trustRule],
    [
      `Active GitHub trust rules name more than one user for ${PRESENTED}: rules Deploy_Main, Other; make the matching rules name one user.`,
      FIX.manyUsers
    ],
    ['No active user for GitHub trust rule Deploy_Main: the user it names does not exist or is not active.', FIX.userMissing],
    ['No active user for GitHub trust rules A, B: the user it names does not exist or is not active.', FIX.userMissing],
    [
      'No keyless login permission for GitHub trust rule Deploy_Main: the user it names does not hold the permission set GitHub_Actions_Keyless_Login.',
      FIX.permissionSet
    ],
    // Claims are quoted inside the handler's words: they never choose the fix.
    [
      "No active GitHub trust rule matches repository 'acme/token handler not found' (id 1, owner id 2), ref 'github oidc token rejected: its issuer ', environment (none), audience 'x'.",
      FIX.trustRule
    ]
  ])('"%s" gets its fix, under invalid_request or invalid_grant', (description, fix) => {
    for (const error of ['invalid_request', 'invalid_grant']) {
      expect(explainOAuthError(400, error, description, ctx)).toBe(said(400, error, description) + fix)
      expect(isKnownRefusal(error, description, ctx)).toBe(true)
    }
  })
})

describe('explainOAuthError: keyless fallback', () => {
  it.each([
    [400, 'invalid_request', 'a brand new refusal'],
    [400, 'invalid_client', 'invalid client credentials'],
    [400, 'invalid_request', 'invalid subject_token_type'],
    [400, 'invalid_request', 'subject_token is too long'],
    [401, 'invalid_grant', ''],
    [403, 'access_denied', 'end-user denied authorization']
  ])('HTTP %s %s "%s": quoted verbatim, then checks naming the handler log (OauthTokenExchangeApexExec)', (status, error, description) => {
    expect(explainOAuthError(status, error, description, ctx)).toBe(said(status, error, description) + FIX.fallback)
    expect(isKnownRefusal(error, description, ctx)).toBe(false)
  })

  it('shows the login URL and the audience under the name oidc-audience', () => {
    const other: LoginContext = { ...ctx, loginUrl: 'https://beta.my.salesforce.com', audience: 'https://beta.example' }
    const message = explainOAuthError(400, 'invalid_request', 'token handler not found', other)
    expect(message).toContain('(login-url https://beta.my.salesforce.com, oidc-audience https://beta.example).')
    expect(message).not.toContain(' audience https://beta.example')
    expect(explainOAuthError(400, 'x', 'y', other)).toContain(
      '(login-url https://beta.my.salesforce.com, oidc-audience https://beta.example).'
    )
  })
})
