// The SFDX auth URL flow's login through the FlowIo seam: what it masks, sends, retries, warns and returns.
import { describe, expect, it } from '@jest/globals'
import { AttemptError } from '../../src/attempt.js'
import { ROTATION_WARNING, sfdxUrl } from '../../src/flows/sfdx-url/index.js'
import type { Login } from '../../src/flows/flow.js'
import { json, recordingIo, type EdgeOptions } from './step-edge.js'

const HOST = 'acme--uat.sandbox.my.salesforce.com'
const TOKEN_URL = `https://${HOST}/services/oauth2/token`
// Made-up values in the shapes the Salesforce CLI prints; none is a real credential.
const REFRESH = '5Aep861placeholder.Refresh.Token.For.Unit.Tests.Only.000000000000000000000'
const SECRET = 'C0FFEE0123456789C0FFEE0123456789C0FFEE0123456789C0FFEE0123456789'
const ROTATED = '5Aep861placeholder.Rotated.Refresh.Token.For.Unit.Tests.00000000000000000'
const ANSWER = {
  access_token: `00D5g000004ABCD!AR8AQO.fake.refresh.token.${'r'.repeat(40)}`,
  instance_url: `https://${HOST}`,
  id: 'https://test.salesforce.com/id/00D5g000004ABCDEAA/0055g000003XYZWAA2',
  token_type: 'Bearer',
  scope: 'api refresh_token'
}

const inputs = (url: string, more: Record<string, string> = {}) => {
  const values: Record<string, string> = { 'sfdx-auth-url': url, ...more }
  return sfdxUrl.read(name => values[name] ?? '', '')
}

async function login(options: EdgeOptions & { url?: string; more?: Record<string, string> } = {}) {
  const r = recordingIo({ answer: () => json(200, ANSWER), ...options })
  const given = inputs(options.url ?? `force://3MVG9placeholderConsumerKey:${SECRET}:${REFRESH}@${HOST}`, options.more)
  const result = await sfdxUrl.login(given, { workspace: '/nowhere', env: {} }, r.io).catch((e: unknown) => e)
  return { ...r, result }
}

const REQUESTING = `info Requesting a token from ${TOKEN_URL} with the refresh token of the SFDX auth URL.`

describe('the SFDX auth URL login', () => {
  it('masks the refresh token and the secret first, sends them in the form, and says whose token it is', async () => {
    const r = await login()
    const form = { grant_type: 'refresh_token', refresh_token: REFRESH, client_id: '3MVG9placeholderConsumerKey', client_secret: SECRET }
    expect(r.events).toEqual([
      `mask ${REFRESH}`,
      `mask ${SECRET}`,
      REQUESTING,
      `post ${TOKEN_URL} ${new URLSearchParams(form)}`,
      `mask ${ANSWER.access_token}`
    ])
    expect(r.posts).toEqual([{ url: TOKEN_URL, form, timeoutMs: 30_000 }])
    expect(r.result).toEqual({ token: ANSWER, actsAs: 'the user the SFDX auth URL was issued to' } satisfies Login)
  })

  it('sends no client secret for an app without one (the Salesforce CLI)', async () => {
    const r = await login({ url: `force://PlatformCLI::${REFRESH}@${HOST}` })
    expect(r.events.slice(0, 2)).toEqual([`mask ${REFRESH}`, REQUESTING])
    expect(r.posts[0].form).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH, client_id: 'PlatformCLI' })
  })

  it('warns when Salesforce rotated the refresh token, which it masks before the warning and never returns as output', async () => {
    const r = await login({ answer: () => json(200, { ...ANSWER, refresh_token: ROTATED }) })
    expect(r.events.slice(-3)).toEqual([`mask ${ANSWER.access_token}`, `mask ${ROTATED}`, `warning ${ROTATION_WARNING}`])
    expect(r.result).toEqual({
      token: { ...ANSWER, refreshToken: ROTATED },
      actsAs: 'the user the SFDX auth URL was issued to'
    } satisfies Login)
  })

  it.each([
    ['the same refresh token back', { refresh_token: REFRESH }],
    ['no refresh token', {}]
  ])('does not warn for %s', async (_name, more) => {
    const r = await login({ answer: () => json(200, { ...ANSWER, ...more }) })
    expect(r.logs()).toEqual([REQUESTING])
  })

  it('tries a transient failure again with the same refresh token, and a refusal never', async () => {
    const retried = await login({ answer: (_u, _f, n) => (n < 3 ? json(429, {}, { 'retry-after': '2' }) : json(200, ANSWER)) })
    expect(retried.posts.map(p => p.form.refresh_token)).toEqual([REFRESH, REFRESH, REFRESH])
    expect(retried.events.filter(e => e.startsWith('sleep'))).toEqual(['sleep 2000', 'sleep 2000'])

    const refused = await login({ answer: () => json(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' }) })
    expect(refused.posts).toHaveLength(1)
    expect((refused.result as AttemptError).message).toContain("The refresh token in 'sfdx-auth-url' is no longer valid")
  })

  it("names the SFDX auth URL's host as what to fix when the host redirects", async () => {
    const r = await login({ answer: () => ({ status: 302, headers: { location: 'https://login.salesforce.com/' }, body: '' }) })
    expect(r.posts).toHaveLength(1)
    expect((r.result as AttemptError).message).toContain("Set the host in 'sfdx-auth-url' to the org's final login host")
  })
})
