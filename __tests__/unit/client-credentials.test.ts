// The client credentials flow's login through the FlowIo seam: what it masks, sends, retries and returns.
import { describe, expect, it } from '@jest/globals'
import { AttemptError } from '../../src/attempt.js'
import { clientCredentials } from '../../src/flows/client-credentials/index.js'
import { TransportError } from '../../src/http.js'
import type { Login } from '../../src/flows/flow.js'
import { json, recordingIo, type EdgeOptions } from './step-edge.js'

const LOGIN_URL = 'https://acme.my.salesforce.com'
const TOKEN_URL = `${LOGIN_URL}/services/oauth2/token`
const CLIENT_ID = '3MVG9placeholderConsumerKey'
// Made-up values in the shapes Salesforce uses; none is a real credential.
const SECRET = 'A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4E5F6A1B2'
const ANSWER = {
  access_token: `00D5g000004ABCD!AR8AQO.fake.cc.token.${'z'.repeat(40)}`,
  instance_url: LOGIN_URL,
  id: 'https://login.salesforce.com/id/00D5g000004ABCDEAA/0055g000003XYZWAA2',
  token_type: 'Bearer',
  scope: 'api'
}
const FORM = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET }

const inputs = (more: Record<string, string> = {}) => {
  const values: Record<string, string> = { 'client-secret': SECRET, 'login-url': LOGIN_URL, ...more }
  return clientCredentials.read(name => values[name] ?? '', CLIENT_ID)
}

async function login(options: EdgeOptions & { more?: Record<string, string> } = {}) {
  const r = recordingIo({ answer: () => json(200, ANSWER), ...options })
  const result = await clientCredentials.login(inputs(options.more), { workspace: '/nowhere', env: {} }, r.io).catch((e: unknown) => e)
  return { ...r, result }
}

describe('the client credentials login', () => {
  it('masks the secret first, sends the form once, masks the token, and says whose token it is', async () => {
    const r = await login()
    expect(r.events).toEqual([
      `mask ${SECRET}`,
      `info Requesting a token from ${TOKEN_URL} with the app's client credentials.`,
      `post ${TOKEN_URL} ${new URLSearchParams(FORM)}`,
      `mask ${ANSWER.access_token}`
    ])
    expect(r.posts).toEqual([{ url: TOKEN_URL, form: FORM, timeoutMs: 30_000 }])
    expect(r.result).toEqual({
      token: ANSWER,
      actsAs: "the app's Run-As user (client credentials flow)"
    } satisfies Login)
  })

  it('gives each attempt the time limit of the inputs', async () => {
    const r = await login({ more: { 'request-timeout-seconds': '4' } })
    expect(r.posts.map(p => p.timeoutMs)).toEqual([4_000])
  })

  it('tries a transient failure again with the same form, after a logged back-off', async () => {
    const r = await login({
      answer: (_url, _form, n) => (n === 1 ? json(503, {}) : json(200, ANSWER))
    })
    expect(r.posts.map(p => p.form)).toEqual([FORM, FORM])
    expect(r.events).toContain('info Attempt 1 of 3 failed: HTTP 503; retrying in 0.5 s.')
    expect(r.events).toContain('sleep 500')
    expect((r.result as { token: unknown }).token).toEqual(ANSWER)
  })

  it.each([
    ['a connection reset', 'ECONNRESET', 3],
    ['a host that does not exist', 'ENOTFOUND', 1],
    ['a certificate that does not verify', 'CERT_HAS_EXPIRED', 1]
  ])('tries %s as often as it may help', async (_name, code, posts) => {
    const r = await login({
      answer: () => {
        throw new TransportError(code, `${code}: simulated`)
      }
    })
    expect(r.result).toBeInstanceOf(AttemptError)
    expect(r.posts).toHaveLength(posts)
  })

  it('stops at max-attempts and says what to raise', async () => {
    const r = await login({ more: { 'max-attempts': '2' }, answer: () => json(502, {}) })
    expect(r.posts).toHaveLength(2)
    expect((r.result as Error).message).toMatch(/^The token request failed after 2 attempts; the last one: Salesforce answered HTTP 502/)
  })

  it("does not try Salesforce's refusal again, and explains it", async () => {
    const r = await login({ answer: () => json(400, { error: 'invalid_client', error_description: 'invalid client credentials' }) })
    expect(r.posts).toHaveLength(1)
    expect(r.result).toBeInstanceOf(AttemptError)
    expect((r.result as AttemptError).message).toContain(
      "'client-id' and 'client-secret' are not the consumer key and secret of one app in this org."
    )
    expect(r.logs()).toEqual([`info Requesting a token from ${TOKEN_URL} with the app's client credentials.`])
  })
})
