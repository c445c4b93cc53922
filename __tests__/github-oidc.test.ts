// The keyless flow end to end: the bundled action, run as the runner runs it, asks a fake GitHub OIDC
// service for an ID token and exchanges it at a fake org whose handler verifies it against GitHub's JWKS
// and applies the trust rules, as the Apex handler in salesforce/ does.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { defaultClaims } from '../fakes/fake-github-oidc.mjs'
import { USERNAME, type StepResult } from './support/harness.js'
import { setUpGithubOidc, type GithubOidcFixture } from './support/github-oidc.js'

let k: GithubOidcFixture
beforeAll(async () => {
  k = await setUpGithubOidc()
})
afterAll(() => k.close())

const exchanges = (): typeof k.server.requests => k.server.tokenRequests()

/** Runs a step and returns it with the requests it made to GitHub and to the org. */
async function observed(inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const [g, s] = [k.github.tokenRequests().length, exchanges().length]
  const r = await k.step(inputs, { env })
  return { r, github: k.github.tokenRequests().slice(g), exchanges: exchanges().slice(s) }
}

function expectFailure(r: StepResult): string {
  expect(r.code).toBe(1)
  expect(r.errors).toHaveLength(1)
  expect(r.outputs).toEqual({})
  expect(r.errors[0]).not.toMatch(/Unexpected error/)
  return r.errors[0]
}

describe('a keyless login', () => {
  it('asks GitHub for an ID token for the login URL, exchanges it, masks first and sets every output', async () => {
    const { r, github, exchanges: sent } = await observed({}, { RUNNER_DEBUG: '1' })
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)

    expect(github).toHaveLength(1)
    expect(github[0].method).toBe('GET')
    expect(github[0].audience).toBe(k.server.url)
    expect(github[0].headers.authorization).toBe(`Bearer ${k.github.requestToken}`)
    expect(github[0].url).toContain('api-version=2.0')

    expect(sent).toHaveLength(1)
    const idToken = k.github.idTokens.at(-1)!
    expect(sent[0].method).toBe('POST')
    expect(sent[0].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(sent[0].headers.authorization).toBeUndefined()
    expect(sent[0].url).toBe('/services/oauth2/token')
    expect(sent[0].form).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      client_id: k.clientId
    })

    const token = k.server.tokens.at(-1)!
    const user = k.server.users.get(USERNAME)!
    expect(r.outputs).toEqual({
      access_token: token,
      instance_url: 'https://acme.my.salesforce.com',
      id: `https://login.salesforce.com/id/${k.server.orgId}/${user.userId}`,
      org_id: k.server.orgId,
      user_id: user.userId,
      scope: 'api web',
      token_type: 'Bearer'
    })
    // The runner's request token, the ID token and the access token are masked before anything else.
    const lines = r.stdout.split('\n')
    const first = (pred: (l: string) => boolean): number => lines.findIndex(pred)
    const firstText = first(l => !l.startsWith('::add-mask::') && !l.startsWith('::save-state') && l.trim() !== '')
    for (const secret of [k.github.requestToken, idToken, token]) {
      expect(r.masks).toContain(secret)
    }
    expect(first(l => l === `::add-mask::${k.github.requestToken}`)).toBeLessThan(firstText)
    expect(first(l => l === `::add-mask::${idToken}`)).toBeLessThan(firstText)
    expect(first(l => l === `::add-mask::${token}`)).toBeLessThan(first(l => l.startsWith('Authenticated')))
  })

  it('logs the claims the trust rules match on, before the exchange', async () => {
    const { r } = await observed()
    expect(r.visible).toContain(
      "GitHub's OIDC token: issuer https://token.actions.githubusercontent.com, repository acme/app, repository id 123456789, " +
        'owner id 987654, ref refs/heads/main (protected: true), workflow acme/app/.github/workflows/deploy.yml@refs/heads/main, ' +
        `event push, runner github-hosted, environment (none), audience ${k.server.url}.`
    )
    // A login that works prints no rule to add.
    expect(r.visible).not.toContain('CustomMetadata')
    expect(r.visible).toContain(`Exchanging it for a Salesforce token at ${k.server.url}/services/oauth2/token.`)
    const user = k.server.users.get(USERNAME)!
    expect(r.visible).toContain(
      `Authenticated without a key as user ${user.userId} (chosen by the org's trust rules for acme/app at refs/heads/main) ` +
        `to org ${k.server.orgId} at https://acme.my.salesforce.com.`
    )
  })

  it('writes a job summary that says it was keyless, for which repository and ref', async () => {
    const { r } = await observed()
    const user = k.server.users.get(USERNAME)!
    expect(r.summary).toBe(
      [
        '### Salesforce login',
        '',
        '| | |',
        '| --- | --- |',
        '| Login | Keyless (GitHub OIDC token exchange) |',
        '| Repository | acme/app (id 123456789) |',
        '| Ref | refs/heads/main |',
        '| Environment | (none) |',
        `| User | ${user.userId} (chosen by the org's trust rules) |`,
        `| Org id | ${k.server.orgId} |`,
        '| Instance URL | https://acme.my.salesforce.com |',
        `| Login URL | ${k.server.url} |`,
        `| OIDC audience | ${k.server.url} |`,
        ''
      ].join('\n')
    )
  })

  it('sends token-handler, subject-token-type and oidc-audience as given', async () => {
    const audience = 'https://acme.my.salesforce.com/github'
    const rule = { ...k.rule, Audience__c: audience }
    k.handler.rules.push(rule)
    try {
      const {
        r,
        github,
        exchanges: sent
      } = await observed({
        'token-handler': 'GitHubActionsTokenExchangeHandler',
        'subject-token-type': 'jwt',
        'oidc-audience': audience
      })
      expect(r.errors).toEqual([])
      expect(github[0].audience).toBe(audience)
      expect(sent[0].form.token_handler).toBe('GitHubActionsTokenExchangeHandler')
      // JWT in upper case, as Auth.OAuth2TokenExchangeType spells it: the fake knows no other spelling.
      expect(sent[0].form.subject_token_type).toBe('urn:ietf:params:oauth:token-type:JWT')
    } finally {
      k.handler.rules.pop()
    }
  })

  it('exports the token for the CLI and revokes it at the My Domain in the post step', async () => {
    const r = await k.step({ 'export-env': 'true', 'revoke-token': 'true' })
    expect(r.code).toBe(0)
    expect(r.env).toEqual({ SF_ACCESS_TOKEN: r.outputs.access_token, SF_ORG_INSTANCE_URL: 'https://acme.my.salesforce.com' })
    const post = await k.post(r, { 'export-env': 'true', 'revoke-token': 'true' })
    expect(post.code).toBe(0)
    expect(k.server.revoked).toContain(r.outputs.access_token)
    expect(post.visible).toContain(`Revoked the access token at ${k.server.url}/services/oauth2/revoke.`)
    expect(post.env).toEqual({ SF_ACCESS_TOKEN: '', SF_ORG_INSTANCE_URL: '' })
  })

  it('revokes the token only where it came from, whatever login-url says by the post step', async () => {
    const r = await k.step({ 'revoke-token': 'true' })
    const before = k.server.revoked.length
    const post = await k.post(r, { 'revoke-token': 'true', 'login-url': 'https://elsewhere.my.salesforce.com' })
    expect(post.code).toBe(0)
    expect(k.server.revoked.slice(before)).toEqual([r.outputs.access_token])
  })

  it('revokes the token and sets no outputs when the org is not in allowed-org-ids', async () => {
    const r = await k.step({ 'allowed-org-ids': '00D000000000001' })
    const message = expectFailure(r)
    expect(message).toMatch(/^Logged in to org 00D\w+ at https:\/\/acme.my.salesforce.com, which is not in 'allowed-org-ids'/)
    expect(message).toContain("The token was revoked. No outputs were set. Check 'login-url' and the org's trust rules")
    expect(k.server.revoked).toContain(k.server.tokens.at(-1))
  })
})

describe('retries', () => {
  it('asks GitHub for a fresh ID token when the exchange must be tried again', async () => {
    k.server.fault({ status: 503, body: '<html>down</html>' })
    const { r, github, exchanges: sent } = await observed({ 'max-attempts': '2' })
    expect(r.code).toBe(0)
    expect(github).toHaveLength(2)
    expect(sent).toHaveLength(2)
    expect(sent[0].form.subject_token).not.toBe(sent[1].form.subject_token)
    expect(r.visible).toMatch(/Attempt 1 of 2 failed: HTTP 503; retrying in/)
  })

  it.each([
    ['a 503', { status: 503 }],
    ['a 429', { status: 429 }],
    ['a reset connection', { reset: true as const }]
  ])("tries GitHub's token service again after %s", async (_name, fault) => {
    k.github.fault(fault)
    const { r, github, exchanges: sent } = await observed({ 'max-attempts': '2' })
    expect(r.errors).toEqual([])
    expect(github).toHaveLength(2)
    expect(sent).toHaveLength(1)
  })

  it('bounds a GitHub token service that never answers by request-timeout-seconds and max-attempts', async () => {
    k.github.fault({ hang: true }, { hang: true })
    const { r, exchanges: sent } = await observed({ 'max-attempts': '2', 'request-timeout-seconds': '1' })
    const message = expectFailure(r)
    expect(message).toMatch(
      /^The token request failed after 2 attempts; the last one: The ID token request to http:\/\/127\.0\.0\.1:\d+ failed: timed out after 1 s\./
    )
    expect(sent).toHaveLength(0)
  })
})

it('logs the claims once, when the first ID token arrives, even after GitHub failed first', async () => {
  k.github.fault({ status: 503 })
  const { r } = await observed({ 'max-attempts': '2' })
  expect(r.code).toBe(0)
  expect(r.visible.match(/GitHub's OIDC token: issuer \S+, repository acme\/app/g)).toHaveLength(1)
})

it('refuses NODE_DEBUG=http, which would print the runner request token, before any request', async () => {
  const [g, s] = [k.github.requests.length, k.server.requests.length]
  const r = await k.step({}, { env: { NODE_DEBUG: 'net,http' } })
  expect(expectFailure(r)).toMatch(/^NODE_DEBUG names Node's HTTP module/)
  expect([k.github.requests.length, k.server.requests.length]).toEqual([g, s])
})

describe("GitHub's refusals", () => {
  it('names the permission, forks and Dependabot when the job may not ask for an ID token, and sends nothing', async () => {
    const [g, s] = [k.github.requests.length, k.server.requests.length]
    const r = await k.step({}, { env: { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' } })
    expect(expectFailure(r)).toBe(
      "'auth-flow: github-oidc' needs an OIDC ID token from GitHub, but this job may not ask for one " +
        '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ' +
        "Give the job 'permissions: id-token: write' (in the workflow or the job). Pull requests from forks and " +
        'Dependabot runs get no ID token from GitHub: deploy from push or workflow_dispatch runs instead.'
    )
    expect([k.github.requests.length, k.server.requests.length]).toEqual([g, s])
  })

  it('refuses a request token no runner would set (it could not go in a header), before any request', async () => {
    const [g, s] = [k.github.requests.length, k.server.requests.length]
    const r = await k.step({}, { env: { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'two words' } })
    expect(expectFailure(r)).toMatch(/^ACTIONS_ID_TOKEN_REQUEST_TOKEN holds characters no request token has/)
    expect([k.github.requests.length, k.server.requests.length]).toEqual([g, s])
  })

  it('does not retry a 4xx from GitHub, and says why it usually happens', async () => {
    k.github.fault({ status: 403, body: { message: 'Forbidden' } })
    const { r, github, exchanges: sent } = await observed({ 'max-attempts': '3' })
    const message = expectFailure(r)
    expect(message).toMatch(
      /^GitHub's token service answered HTTP 403: it refused to issue an ID token \(application\/json; charset=utf-8, \d+ bytes: "\{"message":"Forbidden"\}"\)\./
    )
    expect(message).toContain("'permissions: id-token: write'")
    expect(github).toHaveLength(1)
    expect(sent).toHaveLength(0)
  })

  it('refuses an answer without an ID token', async () => {
    k.github.fault({ status: 200, body: { count: 1 } })
    const { r, exchanges: sent } = await observed()
    expect(expectFailure(r)).toBe(
      "GitHub's token service answered HTTP 200 without an ID token in 'value' (fields present: count). Re-run the job; if it persists, GitHub's OIDC service is at fault."
    )
    expect(sent).toHaveLength(0)
  })
})

describe("the org's refusals, quoted with the fix and never retried", () => {
  async function refused(inputs: Record<string, string> = {}): Promise<string> {
    const { r, exchanges: sent } = await observed({ 'max-attempts': '3', ...inputs })
    expect(sent).toHaveLength(1)
    return expectFailure(r)
  }

  it('no trust rule matches: the handler says what was presented', async () => {
    k.github.claims.ref = 'refs/heads/feature'
    try {
      const message = await refused()
      expect(message).toContain(
        `error "invalid_request", error_description "No active GitHub trust rule matches repository 'acme/app' (id 123456789, owner id 987654), ` +
          `ref 'refs/heads/feature' (ref_protected 'true'), event 'push', job_workflow_ref 'acme/app/.github/workflows/deploy.yml@refs/heads/main', ` +
          `environment (none), runner_environment 'github-hosted', audience '${k.server.url}', issuer 'https://token.actions.githubusercontent.com'."`
      )
      expect(message).toContain('Compare the claims this step printed before the exchange')
    } finally {
      k.github.claims.ref = defaultClaims().ref
    }
  })

  it('a refusal prints the record of a rule that would trust exactly this job, and the command that deploys it alone', async () => {
    k.github.claims.ref = 'refs/heads/release/1.2'
    k.github.claims.event_name = 'workflow_dispatch'
    k.github.claims.ref_protected = 'false'
    k.github.claims.environment = 'production'
    try {
      const { r, exchanges: sent } = await observed({ 'max-attempts': '3' })
      expect(sent).toHaveLength(1)
      expectFailure(r)
      const name = 'acme_app_production'
      const file = `salesforce/org-setup/force-app/main/default/customMetadata/GitHub_Trust_Rule.${name}.md-meta.xml`
      const lines = r.stdout.split('\n')
      const from = lines.findIndex(l => l.startsWith('If this job should log in, an admin can review this trust rule record'))
      expect(from).toBeGreaterThan(0)
      expect(lines[from]).toContain(
        `set Username__c to the integration user (it holds REPLACE_WITH_INTEGRATION_USERNAME), and save it as ${file}:`
      )
      const to = lines.indexOf('</CustomMetadata>')
      const xml = lines.slice(from + 1, to + 1).join('\n')
      const value = (field: string): string | undefined =>
        new RegExp(`<field>${field}</field>\\s*<value xsi:type="xsd:\\w+">([^<]*)</value>`).exec(xml)?.[1]
      expect(xml).toMatch(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<CustomMetadata xmlns="http:\/\/soap\.sforce\.com\/2006\/04\/metadata"/
      )
      expect({
        active: value('Active__c'),
        audience: value('Audience__c'),
        environment: value('Environment__c'),
        events: value('Events__c'),
        issuer: value('Issuer__c'),
        ref: value('Ref__c'),
        repositoryId: value('Repository_Id__c'),
        ownerId: value('Repository_Owner_Id__c'),
        repository: value('Repository__c'),
        protectedRef: value('Require_Protected_Ref__c'),
        runner: value('Runner_Environment__c'),
        username: value('Username__c'),
        workflow: value('Workflow_Ref__c')
      }).toEqual({
        active: 'true',
        audience: k.server.url,
        environment: 'production',
        events: 'workflow_dispatch',
        issuer: undefined,
        ref: 'refs/heads/release/1.2',
        repositoryId: '123456789',
        ownerId: '987654',
        repository: 'acme/app',
        protectedRef: 'false',
        runner: 'github-hosted',
        username: 'REPLACE_WITH_INTEGRATION_USERNAME',
        workflow: 'acme/app/.github/workflows/deploy.yml@refs/heads/main'
      })
      expect(lines[to + 1]).toBe(
        `Then deploy only that record: (cd salesforce/org-setup && sf project deploy start --metadata "CustomMetadata:GitHub_Trust_Rule.${name}")`
      )
      // Printed before the one error line, and never the configured user's name.
      expect(to).toBeLessThan(lines.findIndex(l => l.startsWith('::error')))
      expect(r.visible).not.toContain(USERNAME)
    } finally {
      Object.assign(k.github.claims, { ...defaultClaims(), environment: undefined })
    }
  })

  it('a refusal from an enterprise issuer fills Issuer__c', async () => {
    k.github.issuer = 'https://token.actions.githubusercontent.com/acme'
    try {
      const { r } = await observed({ 'max-attempts': '1' })
      expectFailure(r)
      expect(r.visible).toContain(
        '<field>Issuer__c</field>\n        <value xsi:type="xsd:string">https://token.actions.githubusercontent.com/acme</value>'
      )
    } finally {
      k.github.issuer = 'https://token.actions.githubusercontent.com'
    }
  })

  it("no rule is printed when the failure is not the org's refusal (GitHub's, or the org unreachable)", async () => {
    k.github.fault({ status: 403, body: { message: 'Forbidden' } })
    expect((await observed({ 'max-attempts': '1' })).r.visible).not.toContain('CustomMetadata')
    k.server.fault({ status: 503, body: '<html>down</html>' })
    expect((await observed({ 'max-attempts': '1' })).r.visible).not.toContain('CustomMetadata')
  })

  it('a renamed repository with the same name but another id is not trusted', async () => {
    k.github.claims.repository_id = '5555'
    try {
      expect(await refused()).toContain("No active GitHub trust rule matches repository 'acme/app' (id 5555, owner id 987654)")
    } finally {
      k.github.claims.repository_id = defaultClaims().repository_id
    }
  })

  it('token handler not found', async () => {
    const message = await refused({ 'token-handler': 'SomeOtherHandler' })
    expect(message).toContain('error "invalid_request", error_description "token handler not found".')
    expect(message).toContain('Setup > Token Exchange Handlers')
  })

  it('token handler not found: a handler that exists but is not enabled for this app', async () => {
    const other = k.server.addTokenExchangeHandler({ developerName: 'OtherHandler', jwksUrl: k.github.jwksUrl, rules: [k.rule] })
    try {
      expect(await refused({ 'token-handler': 'OtherHandler' })).toContain('error_description "token handler not found".')
    } finally {
      k.server.handlers.splice(k.server.handlers.indexOf(other), 1)
    }
  })

  it('a subject token over 10,000 characters', async () => {
    const claims = {
      ...defaultClaims(),
      iss: 'https://token.actions.githubusercontent.com',
      aud: k.server.url,
      exp: 2e9,
      pad: 'x'.repeat(8_000)
    }
    k.github.fault({ status: 200, body: { value: k.github.sign(claims) } })
    expect(await refused()).toContain('error_description "subject_token is too long".')
  })

  it('token exchange not enabled on the app', async () => {
    k.server.apps.get(k.clientId)!.tokenExchange = false
    try {
      const message = await refused()
      expect(message).toContain('error "unsupported_grant_type", error_description "grant type not supported".')
      expect(message).toContain('enable the Token Exchange Flow')
    } finally {
      k.server.apps.get(k.clientId)!.tokenExchange = true
    }
  })

  it("user hasn't approved this consumer", async () => {
    k.server.users.get(USERNAME)!.approved = false
    try {
      const message = await refused()
      expect(message).toContain(`error "invalid_grant", error_description "user hasn't approved this consumer".`)
      expect(message).toContain('user named in the matching GitHub trust rule')
    } finally {
      k.server.users.get(USERNAME)!.approved = true
    }
  })

  it('a token GitHub did not sign', async () => {
    const forged = k.github.sign(
      { ...defaultClaims(), iss: 'https://token.actions.githubusercontent.com', aud: k.server.url, exp: 2e9 },
      { kid: 'other' }
    )
    k.github.fault({ status: 200, body: { value: forged } })
    const message = await refused()
    expect(message).toContain(
      `error_description "GitHub OIDC token rejected: its signature could not be verified with the keys at https://token.actions.githubusercontent.com/.well-known/jwks."`
    )
    expect(message).toContain('OauthTokenExchangeApexExec')
  })

  it('an expired ID token, and one from another issuer', async () => {
    k.github.shiftSeconds = -400
    try {
      expect(await refused()).toContain('error_description "GitHub OIDC token rejected: it has expired."')
    } finally {
      k.github.shiftSeconds = 0
    }
    k.github.issuer = 'https://token.actions.example.com'
    try {
      expect(await refused()).toContain(
        'error_description "GitHub OIDC token rejected: its issuer \'https://token.actions.example.com\' is not the issuer of any active GitHub trust rule."'
      )
    } finally {
      k.github.issuer = 'https://token.actions.githubusercontent.com'
    }
  })

  it('a handler that gives no reason: one that does not enable the type sent', async () => {
    k.handler.idToken = false
    try {
      expect(await refused()).toContain('error_description "token handler validation failed". The org\'s token exchange handler refused')
      k.handler.idToken = true
      k.handler.jwt = false
      expect(await refused({ 'subject-token-type': 'jwt' })).toContain('error_description "token handler validation failed".')
    } finally {
      k.handler.idToken = true
      k.handler.jwt = true
    }
  })
})

describe('inputs of the keyless flow', () => {
  it.each([
    [
      'username',
      'deploy@acme.example',
      "Input 'username' is not used with 'auth-flow: github-oidc'. In this flow the org's trust rules choose the user"
    ],
    [
      'private-key',
      '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
      "Input 'private-key' is not used with 'auth-flow: github-oidc'. In this flow no key is used"
    ],
    ['private-key-file', 'server.key', "Input 'private-key-file' is not used with 'auth-flow: github-oidc'."],
    ['private-key-passphrase', 'hunter2hunter2', "Input 'private-key-passphrase' is not used with 'auth-flow: github-oidc'."],
    ['certificate', '-----BEGIN CERTIFICATE-----', "Input 'certificate' is not used with 'auth-flow: github-oidc'."],
    [
      'audience',
      'sandbox',
      "Input 'audience' is not used with 'auth-flow: github-oidc'. In this flow GitHub's token carries the audience: set 'oidc-audience'"
    ],
    ['login-url', '', "Input 'login-url' is required but empty (the org's My Domain URL"],
    [
      'login-url',
      'https://login.salesforce.com',
      "Input 'login-url' must be a My Domain URL with 'auth-flow: github-oidc', not 'login.salesforce.com'."
    ],
    ['login-url', 'https://acme.my.salesforce.com/services', "Input 'login-url' must be the My Domain origin, without a path"],
    ['login-url', 'https://acme.my.sales\tforce.com', "Input 'login-url' holds a control character (\\t at character 22)"],
    ['oidc-audience', 'api://salesforce', "Input 'oidc-audience' must be an https URL, not api://"],
    ['subject-token-type', 'saml2', "Input 'subject-token-type' must be 'jwt' or 'id_token', not 'saml2'."],
    ['token-handler', 'a handler', "Input 'token-handler' must be the name of a token exchange handler"],
    ['auth-flow', 'oidc', "Input 'auth-flow' must be one of 'jwt-bearer', 'github-oidc', 'client-credentials', 'sfdx-url', not 'oidc'."]
  ])('refuses %s=%j before any request, by name', async (name, value, start) => {
    const [g, s] = [k.github.requests.length, k.server.requests.length]
    const r = await k.step({ [name]: value })
    const message = expectFailure(r)
    expect(message.startsWith(start)).toBe(true)
    expect(message).not.toContain('hunter2')
    expect([k.github.requests.length, k.server.requests.length]).toEqual([g, s])
  })

  it.each(['oidc-audience', 'token-handler', 'subject-token-type'])('the key-based flow refuses %s by name', async name => {
    const r = await k.step({ 'auth-flow': 'jwt-bearer', [name]: 'jwt' })
    expect(expectFailure(r)).toBe(
      `Input '${name}' is only used by the keyless flow. Remove it, or set 'auth-flow: github-oidc' to log in without a key.`
    )
  })
})
