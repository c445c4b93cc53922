import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeSalesforce, type FakeSalesforce } from '../fakes/fake-salesforce.mjs'
import { rememberSecret, setUp, type Fixture, type StepResult } from './support/harness.js'

let f: Fixture
let other: FakeSalesforce
beforeAll(async () => {
  f = await setUp()
  other = await startFakeSalesforce()
})
afterAll(async () => {
  await f.close()
  await other.close()
})

/** Runs the step and returns it with the token requests it made. */
async function attempt(inputs: Record<string, string> = {}): Promise<{ r: StepResult; requests: number }> {
  const before = f.server.tokenRequests().length
  const r = await f.step(inputs)
  return { r, requests: f.server.tokenRequests().length - before }
}
const retryLines = (r: StepResult): string[] => r.visible.split('\n').filter(l => /^Attempt \d+ of \d+ failed/.test(l))

describe('transient faults are retried, each time with a fresh assertion', () => {
  it('succeeds after HTTP 503 twice', async () => {
    f.server.fault({ status: 503 }, { status: 503 })
    const { r, requests } = await attempt()
    expect(r.code).toBe(0)
    expect(requests).toBe(3)
    expect(r.outputs.access_token).toBe(f.server.tokens.at(-1))
    const lines = retryLines(r)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^Attempt 1 of 3 failed: HTTP 503; retrying in \d+\.\d s\.$/)
    expect(lines[1]).toMatch(/^Attempt 2 of 3 failed: HTTP 503; retrying in \d+\.\d s\.$/)
    const assertions = f.server
      .tokenRequests()
      .slice(-3)
      .map(q => q.form.assertion)
    expect(new Set(assertions).size).toBe(3)
    for (const a of assertions) expect(r.masks).toContain(a)
  })

  it('succeeds after a connection reset', async () => {
    f.server.fault({ reset: true })
    const { r, requests } = await attempt()
    expect(r.code).toBe(0)
    expect(requests).toBe(2)
    expect(retryLines(r)[0]).toMatch(/^Attempt 1 of 3 failed: ECONNRESET; retrying in/)
  })

  it('retries a connection dropped in the middle of the answer', async () => {
    const body = JSON.stringify({
      access_token: '00Dxx0000001gPL!ARdroppedmidway0123456789abcdef',
      instance_url: 'https://acme.my.salesforce.com'
    })
    rememberSecret('ARdroppedmidway0123456789abcdef')
    f.server.fault({ raw: { status: 200, headers: { 'content-type': 'application/json' }, body, truncateAfter: 40 } })
    const { r, requests } = await attempt()
    expect(r.code).toBe(0)
    expect(requests).toBe(2)
    expect(retryLines(r)[0]).toMatch(/^Attempt 1 of 3 failed: ECONNRESET; retrying in/)
  })

  it.each([429, 500, 502, 504])('retries HTTP %i', async status => {
    f.server.fault({ status })
    const { r, requests } = await attempt()
    expect(r.code).toBe(0)
    expect(requests).toBe(2)
    expect(retryLines(r)[0]).toContain(`failed: HTTP ${status};`)
  })

  it("retries a 429 that carries an OAuth error, then quotes Salesforce's words and the fix", async () => {
    const body = { error: 'invalid_grant', error_description: 'login rate exceeded' }
    f.server.fault({ status: 429, body }, { status: 429, body })
    const { r, requests } = await attempt({ 'max-attempts': '2' })
    expect(r.code).toBe(1)
    expect(requests).toBe(2)
    expect(r.errors[0]).toContain(
      'failed after 2 attempts; the last one: Salesforce refused the login (HTTP 429): error "invalid_grant", error_description "login rate exceeded".'
    )
    expect(r.errors[0]).toContain('once per job')
  })

  it('honours Retry-After on a 429', async () => {
    f.server.fault({ status: 429, headers: { 'retry-after': '2' }, body: { message: 'slow down' } })
    const { r, requests } = await attempt()
    expect(r.code).toBe(0)
    expect(requests).toBe(2)
    expect(retryLines(r)[0]).toBe('Attempt 1 of 3 failed: HTTP 429; retrying in 2.0 s (Retry-After).')
    expect(r.durationMs).toBeGreaterThanOrEqual(2000)
  })

  it('gives up after max-attempts, naming the last cause and the count', async () => {
    f.server.fault({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 })
    const { r, requests } = await attempt({ 'max-attempts': '3' })
    f.server.faults.length = 0
    expect(r.code).toBe(1)
    expect(requests).toBe(3)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(
      /^The token request failed after 3 attempts; the last one: Salesforce answered HTTP 503 \(application\/json/
    )
    expect(r.outputs).toEqual({})
  })

  it('makes exactly one attempt with max-attempts: 1', async () => {
    f.server.fault({ status: 503 })
    const { r, requests } = await attempt({ 'max-attempts': '1' })
    expect(r.code).toBe(1)
    expect(requests).toBe(1)
    expect(r.errors[0]).toMatch(/failed after 1 attempt;/)
  })

  it('never hangs: a server that never answers times out per attempt, and the step is bounded', async () => {
    f.server.fault({ hang: true }, { hang: true })
    const { r, requests } = await attempt({ 'max-attempts': '2', 'request-timeout-seconds': '1' })
    expect(r.code).toBe(1)
    expect(requests).toBe(2)
    expect(retryLines(r)[0]).toMatch(/^Attempt 1 of 2 failed: timed out after 1 s; retrying in/)
    expect(r.errors[0]).toMatch(/failed after 2 attempts; the last one: .*timed out after 1 s/)
    // 2 attempts x 1 s + at most 1 s of backoff, plus process start-up.
    expect(r.durationMs).toBeLessThan(2 * 1000 + 1000 + 2500)
  })

  it('signs each retry afresh: a new jti and a later exp', async () => {
    f.server.fault({ status: 429, headers: { 'retry-after': '2' }, body: { message: 'slow down' } })
    const r = await f.step()
    expect(r.code).toBe(0)
    const [first, second] = f.server
      .tokenRequests()
      .slice(-2)
      .map(q => JSON.parse(Buffer.from(q.form.assertion.split('.')[1], 'base64url').toString()) as { exp: number; jti: string })
    expect(second.jti).not.toBe(first.jti)
    expect(second.exp - first.exp).toBeGreaterThanOrEqual(2)
  })

  it('bounds each attempt from connect to last byte: a server that trickles forever still times out', async () => {
    f.server.fault({ drip: 200 }, { drip: 200 })
    const { r, requests } = await attempt({ 'max-attempts': '2', 'request-timeout-seconds': '1' })
    expect(r.code).toBe(1)
    expect(requests).toBe(2)
    expect(r.errors[0]).toMatch(/failed after 2 attempts; the last one: .*timed out after 1 s/)
    expect(r.durationMs).toBeLessThan(2 * 1000 + 1000 + 2500)
  })

  it('retries a refused connection, then names it', async () => {
    const closed = await startFakeSalesforce()
    const url = closed.url
    await closed.close()
    const r = await f.step({ 'login-url': url, 'max-attempts': '2' })
    expect(r.code).toBe(1)
    expect(retryLines(r)[0]).toMatch(/^Attempt 1 of 2 failed: ECONNREFUSED/)
    expect(r.errors[0]).toMatch(/failed after 2 attempts; the last one: The token request to .* failed: ECONNREFUSED/)
  })
})

describe('permanent failures are not retried', () => {
  it('a Salesforce OAuth refusal: one request', async () => {
    f.server.fault({ status: 400, body: { error: 'invalid_grant', error_description: 'inactive user' } })
    const { r, requests } = await attempt({ 'max-attempts': '5' })
    expect(r.code).toBe(1)
    expect(requests).toBe(1)
    expect(retryLines(r)).toEqual([])
  })

  it('an HTML page with status 200: says what came back', async () => {
    f.server.fault({
      raw: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1></body></html>'
      }
    })
    const { r, requests } = await attempt()
    expect(r.code).toBe(1)
    expect(requests).toBe(1)
    expect(r.errors[0]).toMatch(
      /^The token endpoint answered HTTP 200 with a body that is not a token response: text\/html, \d+ bytes: "Maintenance Down for maintenance"\.$/
    )
    expect(r.outputs).toEqual({})
  })

  it('truncated JSON: a clear failure that does not echo the partial token', async () => {
    const partial = '00Dxx0000001gPL!ARtruncatedtokenvalue0123456789'
    rememberSecret(partial)
    const body = JSON.stringify({ access_token: `${partial}rest-of-token`, instance_url: 'https://acme.my.salesforce.com' }).slice(0, 70)
    f.server.fault({ raw: { status: 200, headers: { 'content-type': 'application/json' }, body } })
    const { r, requests } = await attempt()
    expect(r.code).toBe(1)
    expect(requests).toBe(1)
    expect(r.errors[0]).toBe(
      'The token endpoint answered HTTP 200 with a body that is not a token response: malformed or truncated JSON (70 bytes).'
    )
    expect(r.visible).not.toContain('truncatedtoken')
    expect(r.outputs).toEqual({})
  })

  it('an HTML error page with a non-retryable status', async () => {
    f.server.fault({ raw: { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Page not found</body></html>' } })
    const { r, requests } = await attempt()
    expect(r.code).toBe(1)
    expect(requests).toBe(1)
    expect(r.errors[0]).toBe('The token endpoint answered HTTP 404 (text/html, 40 bytes: "Page not found").')
  })

  it('JSON without access_token or instance_url', async () => {
    f.server.fault({ raw: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"x","token_type":"Bearer"}' } })
    const { r } = await attempt()
    expect(r.code).toBe(1)
    expect(r.errors[0]).toBe('The token endpoint answered HTTP 200 without access_token and instance_url (fields present: id, token_type).')
    expect(r.outputs).toEqual({})
  })

  it('a redirect is not followed: the assertion goes to no other host', async () => {
    const otherBefore = other.requests.length
    f.server.fault({ raw: { status: 302, headers: { location: `${other.url}/services/oauth2/token` }, body: '' } })
    const { r, requests } = await attempt()
    expect(r.code).toBe(1)
    expect(requests).toBe(1)
    expect(other.requests.length).toBe(otherBefore)
    expect(r.errors[0]).toBe(
      `${f.server.url} answered HTTP 302 redirecting to 127.0.0.1:${other.port}. The action never follows a redirect with a credential in the request. Set 'login-url' to the org's final login host (its My Domain URL).`
    )
  })
})

describe('retry inputs are validated before any request', () => {
  it.each([
    ['max-attempts', '0', /^Input 'max-attempts' must be a whole number from 1 to 10, not '0'/],
    ['max-attempts', '11', /^Input 'max-attempts' must be a whole number from 1 to 10, not '11'/],
    ['max-attempts', 'three', /^Input 'max-attempts' must be a whole number from 1 to 10, not 'three'/],
    ['request-timeout-seconds', '0', /^Input 'request-timeout-seconds' must be a whole number from 1 to 300, not '0'/],
    ['request-timeout-seconds', '301', /^Input 'request-timeout-seconds' must be a whole number from 1 to 300/],
    ['request-timeout-seconds', '1.5', /^Input 'request-timeout-seconds' must be a whole number from 1 to 300, not '1.5'/]
  ])('%s: %s', async (input, value, message) => {
    const before = f.server.requests.length
    const r = await f.step({ [input]: value })
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(message)
    expect(f.server.requests.length).toBe(before)
  })
})
