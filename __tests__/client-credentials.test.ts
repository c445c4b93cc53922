// The client credentials flow end to end: the bundled action, run as the runner runs it, sends the app's id and
// secret to a fake org that accepts the grant only at a My Domain host and issues a token for the app's Run-As user.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { clientCredentials } from '../fakes/fake-client-credentials.mjs'
import { failure, firstTextLine, maskLine, RUN_AS, setUpFlows, type FlowsFixture } from './support/flows.js'

let f: FlowsFixture
beforeAll(async () => {
  f = await setUpFlows()
})
afterAll(() => f.close())

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  'client-id': f.cc.clientId,
  'client-secret': f.cc.clientSecret,
  'login-url': f.server.url,
  ...extra
})

async function observed(extra: Record<string, string> = {}, env: Record<string, string> = {}) {
  const before = f.server.tokenRequests().length
  const r = await f.step(inputs(extra), { env })
  return { r, sent: f.server.tokenRequests().slice(before) }
}

describe('a client credentials login', () => {
  it('sends the id and secret in the form body only, masks the secret first, and sets every output', async () => {
    const { r, sent } = await observed({ 'auth-flow': 'client-credentials' }, { RUNNER_DEBUG: '1' })
    expect(r.errors).toEqual([])
    expect(sent).toHaveLength(1)
    expect(sent[0].url).toBe('/services/oauth2/token')
    expect(sent[0].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(sent[0].headers.authorization).toBeUndefined()
    expect(sent[0].form).toEqual({ grant_type: 'client_credentials', client_id: f.cc.clientId, client_secret: f.cc.clientSecret })

    const token = f.server.tokens.at(-1)!
    const runAs = f.server.users.get(RUN_AS)!
    expect(r.outputs).toEqual({
      access_token: token,
      instance_url: 'https://acme.my.salesforce.com',
      id: `https://login.salesforce.com/id/${f.server.orgId}/${runAs.userId}`,
      org_id: f.server.orgId,
      user_id: runAs.userId,
      scope: 'api web',
      token_type: 'Bearer'
    })
    expect(maskLine(r, f.cc.clientSecret)).toBeGreaterThanOrEqual(0)
    expect(maskLine(r, f.cc.clientSecret)).toBeLessThan(firstTextLine(r))
    expect(maskLine(r, token)).toBeLessThan(r.stdout.split('\n').findIndex(l => l.startsWith('Authenticated')))
  })

  it("is chosen by client-secret alone, and says the token is the Run-As user's in the log and the summary", async () => {
    const { r } = await observed()
    expect(r.code).toBe(0)
    const runAs = f.server.users.get(RUN_AS)!
    expect(r.visible).toContain(
      `Authenticated as user ${runAs.userId}, the app's Run-As user (client credentials flow), to org ${f.server.orgId} at https://acme.my.salesforce.com.`
    )
    expect(r.summary).toContain(`| User | ${runAs.userId} (the app's Run-As user (client credentials flow)) |`)
    expect(r.summary).not.toContain('Audience')
  })

  it.each([
    ['https://login.salesforce.com', 'login.salesforce.com'],
    ['https://test.salesforce.com', 'test.salesforce.com'],
    ['https://acme.lightning.force.com', 'acme.lightning.force.com']
  ])('refuses login-url %s before any request: only a My Domain takes this flow', async (url, host) => {
    const { r, sent } = await observed({ 'login-url': url })
    expect(sent).toHaveLength(0)
    expect(failure(r)).toMatch(/^Input 'login-url' /)
    if (host !== 'acme.lightning.force.com') {
      expect(failure(r)).toBe(
        `Input 'login-url' must be a My Domain URL with 'auth-flow: client-credentials', not '${host}'. ` +
          "Salesforce accepts the client credentials flow only at the org's My Domain. Use the org's My Domain URL (Setup > My Domain), e.g. https://acme.my.salesforce.com."
      )
    }
  })

  it.each([
    ['client-secret', '', "Input 'client-secret' is required but empty (the consumer secret of the app)."],
    ['client-secret', 'a\nb::warning::FORGED', "Input 'client-secret' holds a control character (\\n at character 2)"],
    ['client-id', '', "Input 'client-id' is required but empty"],
    ['login-url', '', "Input 'login-url' is required but empty"],
    [
      'username',
      'deploy@acme.example',
      "Input 'username' is only used by the key-based (JWT bearer) flow. Remove it, or set 'auth-flow: jwt-bearer' to log in with a private key."
    ],
    ['oidc-audience', 'https://a.example', "Input 'oidc-audience' is only used by the keyless flow."]
  ])('refuses %s=%j before any request, by name', async (name, value, start) => {
    const { r, sent } = await observed({ 'auth-flow': 'client-credentials', [name]: value })
    expect(sent).toHaveLength(0)
    expect(failure(r).startsWith(start)).toBe(true)
  })

  it('refuses inputs of two flows when auth-flow is omitted, naming them and never quoting them', async () => {
    const url = f.sfdxUrl()
    const { r, sent } = await observed({ 'sfdx-auth-url': url })
    expect(sent).toHaveLength(0)
    expect(failure(r)).toBe(
      "Inputs 'client-secret' and 'sfdx-auth-url' belong to different login flows (client-credentials, sfdx-url). Give the inputs of " +
        "one flow only, or set 'auth-flow' to the one you mean."
    )
  })
})

describe("Salesforce's refusals, quoted with the fix", () => {
  it('says to set a Run-As user when the app has none', async () => {
    const app = f.server.addClientCredentialsApp({})
    f.secrets.push(app.clientSecret)
    const { r } = await observed({ 'client-id': app.clientId, 'client-secret': app.clientSecret })
    expect(failure(r)).toMatch(
      /^Salesforce refused the login \(HTTP 400\): error "invalid_grant", error_description "no client credentials user enabled"\. The app names no Run-As user .*"API Only"/
    )
  })

  it('says the id and secret do not belong together, and does not retry', async () => {
    const { r, sent } = await observed({ 'client-secret': 'F'.repeat(64) })
    expect(sent).toHaveLength(1)
    expect(failure(r)).toMatch(
      /^Salesforce refused the login \(HTTP 400\): error "invalid_client", error_description "invalid client credentials"\. 'client-id' and 'client-secret' are not/
    )
  })

  it('says to enable the flow when the app does not', async () => {
    const { clientId, clientSecret } = f.server.addRefreshTokenApp()
    f.secrets.push(clientSecret)
    const { r } = await observed({ 'client-id': clientId, 'client-secret': clientSecret })
    expect(failure(r)).toMatch(
      /error "unsupported_grant_type", error_description "grant type not supported"\. The app does not accept the client credentials grant/
    )
  })

  it('redacts the secret when the server quotes it back, whether or not the runner masks it', async () => {
    f.server.fault({ status: 400, body: { error: 'invalid_request', error_description: `bad secret ${f.cc.clientSecret} given` } })
    const { r } = await observed()
    expect(failure(r)).toContain('error_description "bad secret *** given"')
  })
})

describe("the fake org's client credentials grant", () => {
  it.each([
    ['login.salesforce.com', 'request not supported on this domain'],
    ['test.salesforce.com', 'request not supported on this domain'],
    ['acme.my.salesforce.com', undefined],
    ['acme--uat.sandbox.my.salesforce.com', undefined]
  ])('at %s answers %s', (host, refusal) => {
    const said: string[] = []
    const form = { client_id: f.cc.clientId, client_secret: f.cc.clientSecret }
    clientCredentials(
      f.server,
      host,
      form,
      (_s: number, _e: string, d: string) => said.push(d),
      () => said.push('issued')
    )
    expect(said).toEqual([refusal ?? 'issued'])
  })
})

describe('the shared tail', () => {
  it('retries a 503 and then logs in, and never retries a refusal', async () => {
    f.server.fault({ status: 503 })
    const { r, sent } = await observed()
    expect(r.code).toBe(0)
    expect(sent).toHaveLength(2)
  })

  it("revokes a wrong org's token and sets no outputs (allowed-org-ids)", async () => {
    const { r } = await observed({ 'allowed-org-ids': '00D000000000001AAA' })
    expect(failure(r)).toContain(
      "which is not in 'allowed-org-ids' (00D000000000001AAA). The token was revoked. No outputs were set. Check 'login-url', or add"
    )
    expect(f.server.revoked).toContain(f.server.tokens.at(-1))
  })

  it('exports the token for the CLI and revokes it in the post step when asked', async () => {
    const extra = { 'export-env': 'true', 'revoke-token': 'true' }
    const { r } = await observed(extra)
    const token = f.server.tokens.at(-1)!
    expect(r.env).toEqual({ SF_ACCESS_TOKEN: token, SF_ORG_INSTANCE_URL: 'https://acme.my.salesforce.com' })
    const post = await f.post(r, inputs(extra))
    expect(post.code).toBe(0)
    expect(f.server.revoked).toContain(token)
    expect(post.env).toEqual({ SF_ACCESS_TOKEN: '', SF_ORG_INSTANCE_URL: '' })
  })
})
