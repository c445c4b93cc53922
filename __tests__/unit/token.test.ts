import { describe, expect, it } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import { ActionError } from '../../src/errors.js'
import type { HttpResponse } from '../../src/http.js'
import { explainOAuthError, type LoginContext } from '../../src/flows/salesforce-errors.js'
import { FLOWS } from '../../src/flows/index.js'
import { AttemptError, describeBody, MIN_TOKEN_LENGTH, parseRetryAfter } from '../../src/attempt.js'
import { interpretTokenResponse, parseIdentity } from '../../src/flows/token.js'

const ctx: LoginContext = {
  advice: FLOWS['jwt-bearer'].advice,
  loginUrl: 'https://acme.my.salesforce.com',
  audience: 'https://login.salesforce.com',
  username: 'ci-bot@acme.example'
}

// Made-up values in the shape Salesforce uses; none is a real credential.
const ORG = '00D5g000004ABCDEAA'
const USER = '0055g000003XYZWAA2'
const TOKEN = `${ORG.slice(0, 15)}!AQ4AQFakeSessionIdForUnitTestsOnly.x9ZrT2vLq8WmNpKs3DfGhJ`
const JWT_TOKEN = 'eyJ0bmsiOiJjb3JlL3Byb2QiLCJ2ZXIiOiIxLjAifQ.eyJzY3AiOiJhcGkiLCJzdWIiOiJ1aWQifQ.c2lnbmF0dXJlLW5vdC1yZWFs'
const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')

const SUCCESS = {
  access_token: TOKEN,
  scope: 'api web',
  instance_url: 'https://acme.my.salesforce.com/',
  id: `https://login.salesforce.com/id/${ORG}/${USER}`,
  token_type: 'Bearer',
  issued_at: '1445412480000',
  signature: 'c2lnbmF0dXJlLW5vdC1yZWFs'
}

const res = (status: number, body: string | object, headers: IncomingHttpHeaders = {}): HttpResponse => ({
  status,
  headers: typeof body === 'string' ? headers : { 'content-type': 'application/json;charset=UTF-8', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body)
})

/** Runs interpretTokenResponse, recording every mask() call and when it happened. */
function interpret(response: HttpResponse): { result?: ReturnType<typeof interpretTokenResponse>; error?: AttemptError; masks: string[] } {
  const masks: string[] = []
  try {
    return { result: interpretTokenResponse(response, ctx, s => masks.push(s), NOW), masks }
  } catch (e) {
    expect(e).toBeInstanceOf(AttemptError)
    expect(e).toBeInstanceOf(ActionError)
    return { error: e as AttemptError, masks }
  }
}

/** The failure, checked never to contain the token or its secret part. */
function failure(response: HttpResponse): { error: AttemptError; masks: string[] } {
  const { error, masks } = interpret(response)
  if (!error) throw new Error('expected an AttemptError, but the response was accepted')
  for (const secret of [TOKEN, TOKEN.split('!')[1].slice(0, 12), JWT_TOKEN, JWT_TOKEN.slice(0, 16)]) {
    expect(error.message).not.toContain(secret)
    expect(error.reason).not.toContain(secret)
  }
  return { error, masks }
}

describe('interpretTokenResponse: success', () => {
  it('returns the token with instance_url without its trailing slash, after masking the token', () => {
    const { result, masks } = interpret(res(200, SUCCESS))
    expect(result).toEqual({
      access_token: TOKEN,
      instance_url: 'https://acme.my.salesforce.com',
      id: `https://login.salesforce.com/id/${ORG}/${USER}`,
      scope: 'api web',
      token_type: 'Bearer'
    })
    expect(masks).toEqual([TOKEN])
  })

  it('treats a JWT-format access token as opaque', () => {
    const { result, masks } = interpret(res(200, { ...SUCCESS, access_token: JWT_TOKEN }))
    expect(result?.access_token).toBe(JWT_TOKEN)
    expect(masks).toEqual([JWT_TOKEN])
  })

  it('fills token_type, id and scope when Salesforce leaves them out', () => {
    const { result } = interpret(res(200, { access_token: TOKEN, instance_url: 'https://acme.my.salesforce.com' }))
    expect(result).toEqual({
      access_token: TOKEN,
      instance_url: 'https://acme.my.salesforce.com',
      id: '',
      scope: '',
      token_type: 'Bearer'
    })
  })
})

describe('interpretTokenResponse: redirects', () => {
  it.each([
    [302, 'https://login.salesforce.com/services/oauth2/token', 'login.salesforce.com'],
    [301, '/services/oauth2/token', 'acme.my.salesforce.com'],
    [303, 'https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp', 'acme.my.salesforce.com'],
    [307, 'https://evil.example:8443/collect', 'evil.example:8443'],
    [308, 'https://user:hunter2-secret@other.example/', 'other.example'],
    [302, undefined, 'no Location header'],
    [302, 'http://[::1', 'an unreadable Location']
  ])('HTTP %s to %s: names %s, not transient', (status, location, host) => {
    const { error, masks } = failure(res(status, '', location === undefined ? {} : { location }))
    expect(error.message).toBe(
      `https://acme.my.salesforce.com answered HTTP ${status} redirecting to ${host}. The action never follows a redirect ` +
        "with a credential in the request. Set 'login-url' to the org's final login host (its My Domain URL)."
    )
    expect(error.message).not.toContain('hunter2')
    expect(error.reason).toBe(`HTTP ${status}`)
    expect(error.transient).toBe(false)
    expect(error.retryAfterSeconds).toBeUndefined()
    expect(masks).toEqual([])
  })

  it('masks a token that came with a redirect before refusing it', () => {
    const { error, masks } = failure(res(302, SUCCESS, { location: 'https://login.salesforce.com/' }))
    expect(error.transient).toBe(false)
    expect(masks).toEqual([TOKEN])
  })
})

describe('interpretTokenResponse: OAuth refusals', () => {
  it.each([
    [400, 'invalid_grant', 'audience is invalid'],
    [400, 'invalid_grant', "user hasn't approved this consumer"],
    [400, 'invalid_client_id', 'client identifier invalid'],
    [400, 'unsupported_grant_type', 'grant type not supported'],
    [401, 'invalid_client', 'invalid client credentials'],
    [403, 'invalid_app_access', 'user is not admin approved to access this app'],
    [404, 'app_not_found', 'External client app is not installed in this org']
  ])('HTTP %s %s "%s": explained with the catalogue, not transient', (status, code, description) => {
    const { error } = failure(res(status, { error: code, error_description: description }))
    expect(error.message).toBe(explainOAuthError(status, code, description, ctx))
    expect(error.message).toContain(`error "${code}", error_description "${description}"`)
    expect(error.reason).toBe(`HTTP ${status} ${code}`)
    expect(error.transient).toBe(false)
    expect(error.retryAfterSeconds).toBeUndefined()
  })

  it('quotes an empty error_description when Salesforce sends none', () => {
    const { error } = failure(res(400, { error: 'invalid_grant' }))
    expect(error.message).toBe(explainOAuthError(400, 'invalid_grant', '', ctx))
    expect(error.message).toContain('error "invalid_grant", error_description ""')
  })
})

describe('interpretTokenResponse: transient failures', () => {
  const maintenance = '<html><body><h1>Down for maintenance</h1></body></html>'
  it.each([
    [503, { 'retry-after': '120' }, 120],
    [503, { 'retry-after': ' 7 ' }, 7],
    [429, { 'retry-after': '0' }, 0],
    [429, {}, undefined],
    [500, {}, undefined],
    [502, { 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' }, 30],
    [504, { 'retry-after': 'Wed, 21 Oct 2015 07:20:00 GMT' }, 0],
    [503, { 'retry-after': 'soon' }, undefined]
  ])('HTTP %s with %j: transient, Retry-After %s s', (status, headers, seconds) => {
    const { error } = failure(res(status, maintenance, { 'content-type': 'text/html', ...headers }))
    expect(error.message).toBe(`Salesforce answered HTTP ${status} (text/html, ${maintenance.length} bytes: "Down for maintenance").`)
    expect(error.reason).toBe(`HTTP ${status}`)
    expect(error.transient).toBe(true)
    expect(error.retryAfterSeconds).toBe(seconds)
  })

  it.each([
    [429, { error: 'rate_limited', error_description: 'too many requests' }],
    [500, { error: 'server_error', error_description: 'internal' }],
    [503, { error: 'temporarily_unavailable', error_description: 'try later' }]
  ])('HTTP %s with an OAuth-style JSON error body is still transient, Retry-After kept', (status, body) => {
    const { error } = failure(res(status, body, { 'retry-after': '5' }))
    expect(error.message).toBe(
      `Salesforce answered HTTP ${status} (application/json;charset=UTF-8, ${JSON.stringify(body).length} bytes: "${JSON.stringify(body)}").`
    )
    expect(error.reason).toBe(`HTTP ${status}`)
    expect(error.transient).toBe(true)
    expect(error.retryAfterSeconds).toBe(5)
  })

  it('masks a token in a transient answer before reporting it, and does not echo it', () => {
    const { error, masks } = failure(res(503, SUCCESS))
    expect(error.transient).toBe(true)
    expect(masks).toEqual([TOKEN])
    expect(error.message).toContain('[…]')
  })
})

describe('interpretTokenResponse: other statuses', () => {
  it.each([
    [404, 'text/html', '<html><title>Not Found</title></html>', 'text/html, 37 bytes: "Not Found"'],
    [400, 'text/plain', 'Bad Request', 'text/plain, 11 bytes: "Bad Request"'],
    [401, undefined, '', 'no content type, 0 bytes'],
    [418, 'application/json', '{"message":"teapot"}', 'application/json, 20 bytes: "{"message":"teapot"}"'],
    [501, 'text/plain', 'Not Implemented', 'text/plain, 15 bytes: "Not Implemented"'],
    [505, 'text/plain', 'nope', 'text/plain, 4 bytes: "nope"'],
    [204, undefined, '', 'no content type, 0 bytes']
  ])('HTTP %s (%s): not transient, body described', (status, type, body, described) => {
    const { error } = failure(res(status, body, type ? { 'content-type': type } : {}))
    expect(error.message).toBe(`The token endpoint answered HTTP ${status} (${described}).`)
    expect(error.reason).toBe(`HTTP ${status}`)
    expect(error.transient).toBe(false)
  })

  it('masks a token sent with a non-200 success status and does not echo it', () => {
    const { error, masks } = failure(res(201, SUCCESS))
    expect(error.message).toMatch(/^The token endpoint answered HTTP 201 \(application\/json;charset=UTF-8, \d+ bytes: /)
    expect(masks).toEqual([TOKEN])
  })
})

describe('interpretTokenResponse: unusable 200 answers', () => {
  it('an HTML page: recognisable, tags, scripts and styles removed', () => {
    const page =
      '<!DOCTYPE html><html><head><title>Salesforce</title><style>body { color: red }</style>' +
      '<script>var session = "abc"; window.location = "/x"</script></head>' +
      '<body><h1>Scheduled   maintenance</h1>\n<p>Back soon.</p></body></html>'
    const { error } = failure(res(200, page, { 'content-type': 'text/html;charset=UTF-8' }))
    expect(error.message).toBe(
      'The token endpoint answered HTTP 200 with a body that is not a token response: ' +
        `text/html;charset=UTF-8, ${page.length} bytes: "Salesforce Scheduled maintenance Back soon.".`
    )
    expect(error.reason).toBe('not JSON')
    expect(error.transient).toBe(false)
  })

  it.each([
    ['cut after the token', JSON.stringify(SUCCESS).slice(0, JSON.stringify(SUCCESS).indexOf(TOKEN) + TOKEN.length + 3)],
    ['cut inside the token', JSON.stringify(SUCCESS).slice(0, JSON.stringify(SUCCESS).indexOf(TOKEN) + 30)],
    ['with leading whitespace', `  \n${JSON.stringify({ access_token: JWT_TOKEN }).slice(0, -1)}`],
    ['a JSON array', `[${JSON.stringify(SUCCESS)}]`]
  ])('truncated or malformed JSON %s: its length only, no token-like text', (_name, body) => {
    const { error, masks } = failure(res(200, body, { 'content-type': 'application/json' }))
    expect(error.message).toBe(
      `The token endpoint answered HTTP 200 with a body that is not a token response: malformed or truncated JSON (${body.length} bytes).`
    )
    expect(error.reason).toBe('not JSON')
    expect(error.transient).toBe(false)
    expect(masks).toEqual([])
  })

  it('a JSON null: described', () => {
    const { error } = failure(res(200, 'null', { 'content-type': 'application/json' }))
    expect(error.message).toBe(
      'The token endpoint answered HTTP 200 with a body that is not a token response: application/json, 4 bytes: "null".'
    )
  })

  it.each([
    ['no access_token', { instance_url: 'https://acme.my.salesforce.com', id: 'x' }, 'access_token', 'instance_url, id', []],
    [
      'an empty access_token',
      { access_token: '', instance_url: 'https://acme.my.salesforce.com' },
      'access_token',
      'access_token, instance_url',
      []
    ],
    [
      'a numeric access_token',
      { access_token: 42, instance_url: 'https://acme.my.salesforce.com' },
      'access_token',
      'access_token, instance_url',
      []
    ],
    ['no instance_url', { access_token: TOKEN, token_type: 'Bearer' }, 'instance_url', 'access_token, token_type', [TOKEN]],
    ['neither', { token_type: 'Bearer' }, 'access_token and instance_url', 'token_type', []],
    ['an empty object', {}, 'access_token and instance_url', 'none', []]
  ])('%s: names what is missing and what is there, masking any token first', (_name, body, missing, present, masked) => {
    const { error, masks } = failure(res(200, body))
    expect(error.message).toBe(`The token endpoint answered HTTP 200 without ${missing} (fields present: ${present}).`)
    expect(error.reason).toBe('incomplete answer')
    expect(error.transient).toBe(false)
    expect(masks).toEqual(masked)
  })

  it.each([
    ['http', 'http://acme.my.salesforce.com'],
    ['not a URL', 'acme.my.salesforce.com'],
    ['another scheme', 'javascript:alert(1)'],
    ['an overly long value (cut at 100 characters)', `http://${'a'.repeat(200)}.example`]
  ])('instance_url %s: refused after the token is masked', (_name, instanceUrl) => {
    const { error, masks } = failure(res(200, { ...SUCCESS, instance_url: instanceUrl }))
    expect(error.message).toBe(
      `The token endpoint returned an instance_url that is not https ('${instanceUrl.slice(0, 100)}${instanceUrl.length > 100 ? '…' : ''}'); ` +
        'the token would be sent in clear text, so the step fails.'
    )
    expect(error.reason).toBe('instance_url not https')
    expect(error.transient).toBe(false)
    expect(masks).toEqual([TOKEN])
  })
})

describe('parseRetryAfter', () => {
  it.each([
    ['', undefined],
    ['   ', undefined],
    ['0', 0],
    ['120', 120],
    [' 30 ', 30],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 30],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['Wed, 21 Oct 2015 08:28:00 GMT', 3600],
    ['Wednesday, 21-Oct-15 07:28:30 GMT', 30],
    ['soon', undefined],
    ['120 seconds', undefined]
  ])('%j -> %s', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds)
  })

  it('rounds a date part of a second away up to a whole second', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', NOW + 500)).toBe(30)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', NOW + 29_001)).toBe(1)
  })

  // RFC 9110: Retry-After is an HTTP-date or delta-seconds (1*DIGIT). V8's Date.parse reads '1.5' as
  // 5 January 2001 and '-1' as the year 2001: these must not come back as 0 ("retry now").
  it.each([['1.5'], ['-1'], ['+2'], ['2.5 minutes'], ['2015-10-21'], ['1e3']])(
    'an unreadable value %j is undefined, not a date in 2001',
    value => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined()
    }
  )
})

describe('describeBody', () => {
  const describe_ = (body: string, type?: string): string => describeBody(res(0, body, type ? { 'content-type': type } : {}))

  it.each([
    ['an empty body without a content type', '', undefined, 'no content type, 0 bytes'],
    ['plain text', 'Service Unavailable', 'text/plain', 'text/plain, 19 bytes: "Service Unavailable"'],
    ['whitespace collapsed', '  a \n\n\t b  ', 'text/plain', 'text/plain, 11 bytes: "a b"'],
    ['tags removed', '<p>Hello <b>there</b></p>', 'text/html', 'text/html, 25 bytes: "Hello there"'],
    [
      'script and style removed with their content',
      '<script>steal()</script>x<STYLE>p{}</STYLE>y',
      'text/html',
      'text/html, 44 bytes: "x y"'
    ],
    ['only tags', '<html><body></body></html>', 'text/html', 'text/html, 26 bytes'],
    ['a 23-character run kept', 'a'.repeat(23), 'text/plain', `text/plain, 23 bytes: "${'a'.repeat(23)}"`],
    ['a 24-character run redacted', 'a'.repeat(24), 'text/plain', 'text/plain, 24 bytes: "[…]"'],
    ['a session id redacted', `token ${TOKEN} end`, 'text/plain', `text/plain, ${TOKEN.length + 10} bytes: "token […] end"`],
    ['a JWT redacted', `Bearer ${JWT_TOKEN}`, 'text/plain', `text/plain, ${JWT_TOKEN.length + 7} bytes: "Bearer […]"`],
    [
      'a token inside JSON redacted',
      JSON.stringify({ access_token: TOKEN }),
      'application/json',
      `application/json, ${JSON.stringify({ access_token: TOKEN }).length} bytes: "{"access_token":"[…]"}"`
    ],
    [
      'a form-encoded token redacted',
      `access_token=${TOKEN}&x=1`,
      'application/x-www-form-urlencoded',
      `application/x-www-form-urlencoded, ${TOKEN.length + 17} bytes: "[…]&x=1"`
    ]
  ])('%s', (_name, body, type, described) => {
    expect(describe_(body, type)).toBe(described)
  })

  it('cuts the excerpt at 120 characters', () => {
    const body = 'word '.repeat(50)
    expect(describe_(body, 'text/plain')).toBe(`text/plain, 250 bytes: "${'word '.repeat(24)}…"`)
  })

  it('never shows any part of a long token, even at the cut', () => {
    const body = `${'x '.repeat(55)}${TOKEN} ${JWT_TOKEN}`
    const described = describe_(body, 'text/plain')
    expect(described).not.toMatch(/AQ4AQ|FakeSession|eyJ0/)
  })
})

describe('parseIdentity', () => {
  const ORG15 = ORG.slice(0, 15)
  const USER15 = USER.slice(0, 15)
  it.each([
    ['18-character ids', `https://login.salesforce.com/id/${ORG}/${USER}`, ORG, USER],
    ['15-character ids', `https://login.salesforce.com/id/${ORG15}/${USER15}`, ORG15, USER15],
    ['a trailing slash', `https://test.salesforce.com/id/${ORG}/${USER}/`, ORG, USER],
    ['a My Domain host', `https://acme.my.salesforce.com/id/${ORG}/${USER}`, ORG, USER],
    ['mixed lengths', `https://login.salesforce.com/id/${ORG}/${USER15}`, ORG, USER15]
  ])('reads %s', (_name, id, orgId, userId) => {
    expect(parseIdentity(id)).toEqual({ orgId, userId })
  })

  it.each([
    ['empty', ''],
    ['garbage', 'not an identity'],
    ['ids in the wrong order', `https://login.salesforce.com/id/${USER}/${ORG}`],
    ['a 16-character org id', `https://login.salesforce.com/id/${ORG.slice(0, 16)}/${USER}`],
    ['a 17-character user id', `https://login.salesforce.com/id/${ORG}/${USER.slice(0, 17)}`],
    ['a 19-character user id', `https://login.salesforce.com/id/${ORG}/${USER}A`],
    ['a query string', `https://login.salesforce.com/id/${ORG}/${USER}?version=latest`],
    ['something after the user id', `https://login.salesforce.com/id/${ORG}/${USER}/extra`],
    ['no /id/ segment', `https://login.salesforce.com/${ORG}/${USER}`],
    ['non-alphanumeric ids', `https://login.salesforce.com/id/00D5g000004AB-D/0055g000003XY_W`]
  ])('gives empty ids for %s', (_name, id) => {
    expect(parseIdentity(id)).toEqual({ orgId: '', userId: '' })
  })
})

describe('interpretTokenResponse: answer fields are data, checked before any of it is used', () => {
  it.each([
    ['a path', 'https://acme.my.salesforce.com/some/path', 'https://acme.my.salesforce.com'],
    ['a port', 'https://acme.my.salesforce.com:8443/', 'https://acme.my.salesforce.com:8443'],
    ['the default port', 'https://ACME.my.salesforce.com:443', 'https://acme.my.salesforce.com']
  ])('instance_url with %s is reduced to its origin', (_, instanceUrl, expected) => {
    expect(interpret(res(200, { ...SUCCESS, instance_url: instanceUrl })).result?.instance_url).toBe(expected)
  })

  it.each([
    [
      'instance_url',
      'a LF and a command',
      { instance_url: 'https://acme.my.salesforce.com/\n::warning::FORGED' },
      /malformed instance_url \(it holds control characters: 'https:\/\/acme\.my\.salesforce\.com\/\\n::warning::FORGED'\)/
    ],
    ['instance_url', 'a tab', { instance_url: 'https://acme.my.sales\tforce.com' }, /malformed instance_url \(it holds control characters/],
    [
      'instance_url',
      'user info',
      { instance_url: 'https://user:pw@acme.my.salesforce.com' },
      /malformed instance_url \(it carries user info, a query or a fragment/
    ],
    ['instance_url', 'a query', { instance_url: 'https://acme.my.salesforce.com/?x=1' }, /malformed instance_url \(it carries user info/],
    [
      'id',
      'a CR and a command',
      { id: `https://login.salesforce.com/id/${ORG}/${USER}\r::stop-commands::x` },
      /malformed id \(it holds control characters/
    ],
    [
      'id',
      'not an identity URL',
      { id: 'https://login.salesforce.com/services/data' },
      /malformed id \(not an identity URL https:\/\/host\/id\/<org id>\/<user id>: 'https:\/\/login\.salesforce\.com\/services\/data'\)/
    ],
    ['id', 'http', { id: `http://login.salesforce.com/id/${ORG}/${USER}` }, /malformed id \(not an identity URL/],
    ['id', 'user info', { id: `https://u:p@login.salesforce.com/id/${ORG}/${USER}` }, /malformed id \(not an identity URL/],
    ['id', 'a fragment', { id: `https://login.salesforce.com/id/${ORG}/${USER}#x` }, /malformed id \(not an identity URL/],
    ['id', 'a path before /id/', { id: `https://login.salesforce.com/evil/id/${ORG}/${USER}` }, /malformed id \(not an identity URL/],
    ['id', 'the legacy command form', { id: `https://login.salesforce.com/id/##[warning]FORGED` }, /malformed id/],
    ['scope', 'a LF', { scope: 'api\n::warning::FORGED' }, /malformed scope \(it holds control characters: 'api\\n::warning::FORGED'\)/],
    ['scope', 'a NUL', { scope: 'api\u0000web' }, /malformed scope \(it holds control characters: 'api\\u\{0\}web'\)/],
    ['scope', 'too much', { scope: 'api '.repeat(1000) }, /malformed scope \(it is 4000 characters long/],
    ['token_type', 'a LF', { token_type: 'Bearer\n::error::FORGED' }, /malformed token_type \(it holds control characters/],
    [
      'access_token',
      'a LF',
      { access_token: `${TOKEN}\n::warning::FORGED` },
      /malformed access_token \(it holds control characters: not shown\)/
    ],
    ['access_token', 'a space', { access_token: `${TOKEN} x` }, /malformed access_token \(it holds white space: not shown\)/]
  ])('%s with %s is refused, naming the field', (field, _, fields, message) => {
    const { result, error } = interpret(res(200, { ...SUCCESS, ...fields }))
    expect(result).toBeUndefined()
    expect(error?.message).toMatch(message)
    expect(error?.reason).toMatch(
      field === 'instance_url' || field === 'id' ? new RegExp(`malformed ${field}|${field}`) : `malformed ${field}`
    )
    expect(error?.transient).toBe(false)
    expect(error?.message).not.toContain(TOKEN.split('!')[1])
  })

  // The host rule: Salesforce's own domains, or the login host itself (ctx.loginUrl is acme.my.salesforce.com).
  it.each([
    ['instance_url', 'https://evil.example', 'evil.example'],
    ['instance_url', 'https://salesforce.com.evil.example', 'salesforce.com.evil.example'],
    ['instance_url', 'https://evilsalesforce.com', 'evilsalesforce.com'],
    ['id', `https://evil.example/id/${ORG}/${USER}`, 'evil.example']
  ])('an %s on %s is refused, naming the host', (field, value, host) => {
    const { error, masks } = interpret(res(200, { ...SUCCESS, [field]: value }))
    expect(error?.message).toContain(`returned an ${field} on ${host}, which is neither a Salesforce host nor the login host`)
    expect(error?.reason).toBe(`${field} not Salesforce`)
    expect(masks).toEqual([TOKEN])
  })

  it.each(['https://acme.my.site.com', 'https://ACME.MY.SALESFORCE.COM', 'https://acme.my.salesforce.mil', 'https://x.sfcrmproducts.cn'])(
    'an instance_url on %s is used',
    url => {
      expect(interpret(res(200, { ...SUCCESS, instance_url: url })).result?.instance_url).toBe(new URL(url).origin)
    }
  )

  it.each([
    ['access_token', 'x'],
    ['access_token', 'A'.repeat(31)],
    ['refresh_token', 'r']
  ])('an %s of %j is too short to be real: refused by name, never masked', (field, value) => {
    const { error, masks } = interpret(res(200, { ...SUCCESS, [field]: value }))
    expect(error?.message).toMatch(new RegExp(`with an? ${field} of ${value.length} characters?, too short to be a real token`))
    expect(error?.message).not.toContain(`${value}'`)
    expect(masks).not.toContain(value)
  })

  it('a token of exactly the floor is used', () => {
    const token = 'A'.repeat(MIN_TOKEN_LENGTH)
    expect(interpret(res(200, { ...SUCCESS, access_token: token })).result?.access_token).toBe(token)
  })

  it('redacts token-like runs in an excerpt', () => {
    const { error } = interpret(res(200, { ...SUCCESS, scope: `api\n${TOKEN}` }))
    expect(error?.message).toContain("'api\\n[…]'")
    expect(error?.message).not.toContain('FakeSessionId')
  })

  it('an answer without id is still used (the org is then unknown)', () => {
    const { result } = interpret(res(200, { ...SUCCESS, id: undefined }))
    expect(result?.id).toBe('')
  })

  it('quotes at most 500 characters of an error and its description', () => {
    const { error } = interpret(res(400, { error: 'invalid_grant', error_description: `x${'y'.repeat(100_000)}` }))
    expect(error?.message.length).toBeLessThan(1000)
  })
})

describe('interpretTokenResponse: a 5xx is reported as one, whatever its body says', () => {
  it.each([500, 502, 503, 504])('HTTP %s with a catalogued refusal in its body', status => {
    const { error } = failure(res(status, { error: 'invalid_grant', error_description: 'ip restricted' }))
    expect(error.transient).toBe(true)
    expect(error.message).toMatch(new RegExp(`^Salesforce answered HTTP ${status} \\(`))
  })
})
