import { describe, expect, it } from '@jest/globals'
import { TransportError, type HttpResponse, type PostForm } from '../../src/http.js'
import { revokeToken } from '../../src/revoke.js'

// A made-up session id in the shape Salesforce uses; not a real credential.
const TOKEN = '00D5g000004ABCD!AQ4AQFakeSessionIdForUnitTestsOnly.x9ZrT2vLq8WmNpKs3DfGhJ'
const LOGIN = 'https://acme.my.salesforce.com'

interface Call {
  url: string
  form: Record<string, string>
  timeoutMs: number
}

/** A PostForm that records its calls and answers with `answer` (a response, or something to throw). */
function fakePost(answer: HttpResponse | { throws: unknown }): { post: PostForm; calls: Call[] } {
  const calls: Call[] = []
  const post: PostForm = async (url, form, timeoutMs) => {
    calls.push({ url, form, timeoutMs })
    if ('throws' in answer) throw answer.throws
    return answer
  }
  return { post, calls }
}

const res = (status: number, body = '', contentType?: string): HttpResponse => ({
  status,
  headers: contentType ? { 'content-type': contentType } : {},
  body
})
const json = (status: number, body: unknown): HttpResponse => res(status, JSON.stringify(body), 'application/json;charset=UTF-8')

/** Revokes TOKEN at LOGIN with a 5 s limit; the outcome and the one request made. */
async function revoke(answer: HttpResponse | { throws: unknown }, loginUrl = LOGIN): Promise<{ outcome: string | undefined; call: Call }> {
  const { post, calls } = fakePost(answer)
  const outcome = await revokeToken(post, loginUrl, TOKEN, 5_000)
  expect(calls).toHaveLength(1)
  if (outcome !== undefined) expect(outcome).not.toContain(TOKEN)
  return { outcome, call: calls[0] }
}

describe('revokeToken: the request', () => {
  it.each([
    [LOGIN],
    ['https://login.salesforce.com'],
    ['https://test.salesforce.com'],
    ['https://acme.my.site.com/partners'],
    ['http://localhost:8080']
  ])('POSTs exactly { token } to %s/services/oauth2/revoke with the time limit given', async loginUrl => {
    const { call } = await revoke(res(200), loginUrl)
    expect(call.url).toBe(`${loginUrl}/services/oauth2/revoke`)
    expect(call.form).toStrictEqual({ token: TOKEN })
    expect(call.timeoutMs).toBe(5_000)
  })
})

describe('revokeToken: the outcome', () => {
  it.each([
    ['an empty 200', res(200)],
    ['a 200 with a body', res(200, 'OK', 'text/plain')],
    ['a 200 even with an error-shaped JSON body', json(200, { error: 'invalid_token' })]
  ])('undefined (revoked) for %s', async (_name, response) => {
    expect((await revoke(response)).outcome).toBeUndefined()
  })

  it.each([
    [
      'an OAuth error with a description',
      json(400, { error: 'invalid_token', error_description: 'the token was invalid' }),
      'HTTP 400 invalid_token: the token was invalid'
    ],
    ['an OAuth error without a description', json(400, { error: 'unsupported_token_type' }), 'HTTP 400 unsupported_token_type'],
    ['a non-string description', json(400, { error: 'invalid_token', error_description: 42 }), 'HTTP 400 invalid_token'],
    ['a non-string error', json(400, { error: { code: 1 }, error_description: 'ignored' }), 'HTTP 400'],
    ['a JSON body without error', json(401, { message: 'nope' }), 'HTTP 401'],
    ['a 5xx OAuth error', json(503, { error: 'server_error', error_description: 'try later' }), 'HTTP 503 server_error: try later'],
    ['an HTML maintenance page', res(503, '<html><body>Down for maintenance</body></html>', 'text/html'), 'HTTP 503'],
    ['an empty body', res(500), 'HTTP 500'],
    ['JSON null', res(400, 'null', 'application/json'), 'HTTP 400'],
    ['a JSON array', res(400, '[{"error":"invalid_token"}]', 'application/json'), 'HTTP 400'],
    ['a JSON string', res(400, '"invalid_token"', 'application/json'), 'HTTP 400'],
    ['truncated JSON', res(400, '{"error":"invalid_tok', 'application/json'), 'HTTP 400'],
    ['a redirect', res(302, '', 'text/html'), 'HTTP 302']
  ])('a short reason for %s', async (_name, response, reason) => {
    expect((await revoke(response)).outcome).toBe(reason)
  })

  it.each([
    ['a time-out', new TransportError('ETIMEDOUT', 'timed out after 5 s')],
    ['a reset connection', new TransportError('ECONNRESET', 'ECONNRESET: socket hang up')],
    ['a proxy refusal', new TransportError('EPROXY', 'the proxy refused the connection (HTTP 407)')]
  ])("a transport error's own message for %s, without its code prefixed", async (_name, error) => {
    expect((await revoke({ throws: error })).outcome).toBe(error.message)
  })

  it.each([
    ['an Error', new Error('boom'), 'Error: boom'],
    ['a TypeError', new TypeError('fetch failed'), 'TypeError: fetch failed'],
    ['a string', 'socket closed', 'socket closed']
  ])('resolves, never rejects, when the request throws %s', async (_name, thrownValue, reason) => {
    expect((await revoke({ throws: thrownValue })).outcome).toBe(reason)
  })
})

describe('revokeToken: a failure quoted at a bounded length', () => {
  it.each([
    ['a huge error_description', res(400, JSON.stringify({ error: 'invalid_request', error_description: 'd'.repeat(100_000) }))],
    ['a huge error', res(400, JSON.stringify({ error: 'e'.repeat(100_000) }))]
  ])('%s', async (_, answer) => {
    const reason = (await revokeToken(fakePost(answer).post, LOGIN, TOKEN, 1000)) ?? ''
    expect(reason.length).toBeLessThan(400)
    expect(reason).toMatch(/^HTTP 400 .*…$/)
  })

  it.each([7, 16, 23, 24, 40])('a token the cut would split after %i characters shows no piece of it', async kept => {
    // Placed so that a cut at a fixed length keeps exactly `kept` characters of the token: fewer than 24 are too
    // few for the log's redaction to recognise, so the cut must drop the whole run, not show its start.
    const prefix = 'invalid_token: '
    const description = `${' '.repeat(280 - prefix.length - kept)}${TOKEN}`
    const answer = json(400, { error: 'invalid_token', error_description: description })
    const reason = (await revokeToken(fakePost(answer).post, LOGIN, TOKEN, 1000)) ?? ''
    expect(reason).toMatch(/^HTTP 400 invalid_token: +…$/)
    expect(reason).not.toContain(TOKEN.slice(0, 7))
  })

  it('a transport failure with a huge message', async () => {
    const { post } = fakePost({ throws: new TransportError('ECONNRESET', `ECONNRESET: ${'m'.repeat(10_000)}`) })
    expect(((await revokeToken(post, LOGIN, TOKEN, 1000)) ?? '').length).toBeLessThan(400)
  })
})
