// The SFDX auth URL flow end to end: the bundled action, run as the runner runs it, exchanges the URL's refresh
// token at its host (a fake org that issues, rotates and revokes refresh tokens as Salesforce documents), masks
// the secret and every refresh token, and outputs only the access token.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { USERNAME } from './support/harness.js'
import { failure, firstTextLine, maskLine, setUpFlows, type FlowsFixture } from './support/flows.js'

let f: FlowsFixture
beforeAll(async () => {
  f = await setUpFlows()
})
afterAll(() => f.close())

async function observed(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const before = f.server.tokenRequests().length
  const r = await f.step(inputs, { env })
  return { r, sent: f.server.tokenRequests().slice(before) }
}

const parts = (url: string): { clientId: string; secret: string; token: string } => {
  const [, clientId, secret, token] = /^force:\/\/([^:]*):([^:]*):([^@]*)@/.exec(url)!
  return { clientId, secret, token }
}

describe('an SFDX auth URL login', () => {
  it('exchanges the refresh token at the URL host, masks secret and refresh token first, and sets every output', async () => {
    const url = f.sfdxUrl()
    const { clientId, secret, token } = parts(url)
    const { r, sent } = await observed({ 'sfdx-auth-url': url }, { RUNNER_DEBUG: '1' })
    expect(r.errors).toEqual([])
    expect(sent).toHaveLength(1)
    expect(sent[0].url).toBe('/services/oauth2/token')
    expect(sent[0].form).toEqual({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId, client_secret: secret })
    const access = f.server.tokens.at(-1)!
    const user = f.server.users.get(USERNAME)!
    expect(r.outputs).toEqual({
      access_token: access,
      instance_url: 'https://acme.my.salesforce.com',
      id: `https://login.salesforce.com/id/${f.server.orgId}/${user.userId}`,
      org_id: f.server.orgId,
      user_id: user.userId,
      scope: 'api web',
      token_type: 'Bearer'
    })
    for (const secretText of [secret, token]) {
      expect(maskLine(r, secretText)).toBeGreaterThanOrEqual(0)
      expect(maskLine(r, secretText)).toBeLessThan(firstTextLine(r))
    }
    expect(r.visible).toContain(`Authenticated as user ${user.userId}, the user the SFDX auth URL was issued to, to org ${f.server.orgId}`)
    expect(r.summary).toContain(`| User | ${user.userId} (the user the SFDX auth URL was issued to) |`)
  })

  it('sends no client_secret for an app without one, such as the CLI default (PlatformCLI)', async () => {
    const cli = f.server.addRefreshTokenApp({ secret: false, clientId: 'PlatformCLI' })
    const url = f.sfdxUrl(cli)
    const { r, sent } = await observed({ 'auth-flow': 'sfdx-url', 'sfdx-auth-url': url })
    expect(r.code).toBe(0)
    expect(sent[0].form).toEqual({ grant_type: 'refresh_token', refresh_token: parts(url).token, client_id: 'PlatformCLI' })
  })

  it('revokes only the access token in the post step: the refresh token still works', async () => {
    const url = f.sfdxUrl()
    const inputs = { 'sfdx-auth-url': url, 'revoke-token': 'true' }
    const { r } = await observed(inputs)
    const access = f.server.tokens.at(-1)!
    const post = await f.post(r, inputs)
    expect(post.code).toBe(0)
    expect(f.server.revoked).toContain(access)
    // The fake revokes a refresh token when asked (and everything issued from it): the action must never ask.
    const revokes = f.server.requests.filter(q => q.path === '/services/oauth2/revoke').map(q => q.form.token)
    expect(revokes).not.toContain(parts(url).token)
    expect(f.server.revoked).not.toContain(parts(url).token)
    expect(f.server.refreshTokens.get(parts(url).token)!.state).toBe('current')
    expect((await observed({ 'sfdx-auth-url': url })).r.code).toBe(0)
  })
})

describe('refresh token rotation', () => {
  it('does not warn when the answer carries the same refresh token back', async () => {
    const url = f.sfdxUrl()
    const user = f.server.users.get(USERNAME)!
    const body = {
      access_token: `${f.server.orgId.slice(0, 15)}!AR${'x'.repeat(60)}`,
      instance_url: 'https://acme.my.salesforce.com',
      id: `https://login.salesforce.com/id/${f.server.orgId}/${user.userId}`,
      token_type: 'Bearer',
      scope: 'api',
      refresh_token: parts(url).token
    }
    f.secrets.push(body.access_token)
    f.server.fault({ status: 200, body })
    const { r } = await observed({ 'sfdx-auth-url': url })
    expect(r.code).toBe(0)
    expect(r.warnings).toEqual([])
  })

  it('masks the new refresh token, never outputs it, and warns that the stored URL is spent', async () => {
    const rotating = f.server.addRefreshTokenApp({ rotate: true })
    const url = f.sfdxUrl(rotating)
    const { r } = await observed({ 'sfdx-auth-url': url })
    expect(r.code).toBe(0)
    const { successor } = f.server.refreshTokens.get(parts(url).token)!
    expect(successor).toBeDefined()
    expect(r.masks).toContain(successor)
    expect(JSON.stringify(r.outputs)).not.toContain(successor)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(
      /^Salesforce answered with a new refresh token: refresh token rotation is on for this app, so the refresh token in 'sfdx-auth-url' is now spent\./
    )
    expect(r.warnings[0]).toContain("the next run, or a parallel job, that uses this URL fails and also ends this run's session")
    expect(r.warnings[0]).toContain('Turn refresh token rotation off for this app')

    // The next run with the same URL: refused, and Salesforce revokes the first run's session.
    const access = f.server.tokens.at(-1)!
    const again = await observed({ 'sfdx-auth-url': url })
    expect(failure(again.r)).toMatch(
      /^Salesforce refused the login \(HTTP 400\): error "invalid_grant", error_description "expired access\/refresh token"\. The refresh token in 'sfdx-auth-url' is no longer valid/
    )
    expect(f.server.revoked).toContain(access)
  })
})

describe('refusals', () => {
  it('names the wrong part of a malformed URL, never quoting it, before any request', async () => {
    const url = f.sfdxUrl()
    const { token } = parts(url)
    const broken = url.replace('@', '/services@')
    const { r, sent } = await observed({ 'sfdx-auth-url': broken })
    expect(sent).toHaveLength(0)
    expect(failure(r)).toMatch(
      /^Input 'sfdx-auth-url' has a refresh token \(the third part\) with characters a refresh token does not have \(the URL is not shown\)\./
    )
    expect(r.stdout + r.stderr).not.toContain(token.slice(0, 12))
  })

  it('refuses a host that is not Salesforce before any request', async () => {
    const url = f.sfdxUrl(undefined, 'salesforce.evil.example')
    const { r, sent } = await observed({ 'sfdx-auth-url': url })
    expect(sent).toHaveLength(0)
    expect(failure(r)).toMatch(/^Input 'sfdx-auth-url' has a host that is not a Salesforce login or My Domain host/)
  })

  it.each([
    [
      'client-id',
      'x',
      "Input 'client-id' is not used with 'auth-flow: sfdx-url'. In this flow the SFDX auth URL holds the client id: remove it."
    ],
    [
      'login-url',
      'https://acme.my.salesforce.com',
      "Input 'login-url' is not used with 'auth-flow: sfdx-url'. In this flow the SFDX auth URL holds the host to log in at: remove it."
    ],
    [
      'private-key-file',
      'server.key',
      "Input 'private-key-file' is only used by the key-based (JWT bearer) flow. Remove it, or set 'auth-flow: jwt-bearer' to log in with a private key."
    ]
  ])('refuses %s before any request, by name', async (name, value, message) => {
    const { r, sent } = await observed({ 'auth-flow': 'sfdx-url', 'sfdx-auth-url': f.sfdxUrl(), [name]: value })
    expect(sent).toHaveLength(0)
    expect(failure(r)).toBe(message)
  })

  it('says how to get a new URL when the refresh token is dead', async () => {
    const url = f.sfdxUrl()
    f.server.refreshTokens.get(parts(url).token)!.state = 'revoked'
    const { r, sent } = await observed({ 'sfdx-auth-url': url })
    expect(sent).toHaveLength(1)
    expect(failure(r)).toContain('sf org auth show-sfdx-auth-url --target-org ALIAS')
  })

  it("leaves no piece of the refresh token where Salesforce's words are cut at 500 characters", async () => {
    const url = f.sfdxUrl()
    const { token } = parts(url)
    f.server.fault({ status: 400, body: { error: 'invalid_grant', error_description: `${'x'.repeat(480)}${token}` } })
    const { r } = await observed({ 'sfdx-auth-url': url })
    const message = failure(r)
    for (let i = 0; i + 8 <= token.length; i++) expect(message).not.toContain(token.slice(i, i + 8))
  })

  it('redacts the refresh token when the server quotes it back', async () => {
    const url = f.sfdxUrl()
    f.server.fault({ status: 400, body: { error: 'invalid_grant', error_description: `token ${parts(url).token} is odd` } })
    const { r } = await observed({ 'sfdx-auth-url': url })
    expect(failure(r)).toContain('error_description "token *** is odd"')
  })

  it('retries a 503 and then logs in; guards the org like every flow', async () => {
    f.server.fault({ status: 503 })
    const { r, sent } = await observed({ 'sfdx-auth-url': f.sfdxUrl() })
    expect(r.code).toBe(0)
    expect(sent).toHaveLength(2)
    const wrong = await observed({ 'sfdx-auth-url': f.sfdxUrl(), 'allowed-org-ids': '00D000000000001AAA' })
    expect(failure(wrong.r)).toContain("No outputs were set. Check the host in 'sfdx-auth-url', or add the org to 'allowed-org-ids'.")
  })
})
