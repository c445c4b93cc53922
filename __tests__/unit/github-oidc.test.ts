import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import type { TrustClaims } from '../../src/flows/github-oidc/claims.js'
import type { FlowIo } from '../../src/io.js'
import { describeClaims, trustClaims } from '../../src/flows/github-oidc/claims.js'
import { idTokenSource, idTokenUrl, interpretIdTokenResponse } from '../../src/flows/github-oidc/id-token.js'
import { githubOidc, type GithubOidcInputs } from '../../src/flows/github-oidc/index.js'
import { ADVICE } from '../../src/flows/github-oidc/refusals.js'
import type { HttpResponse } from '../../src/http.js'
import { AttemptError } from '../../src/attempt.js'
import { thrown } from './fixtures.js'

const PERMISSION_HINT =
  "Give the job 'permissions: id-token: write' (in the workflow or the job). Pull requests from forks and " +
  'Dependabot runs get no ID token from GitHub: deploy from push or workflow_dispatch runs instead.'

const NO_TOKEN =
  "'auth-flow: github-oidc' needs an OIDC ID token from GitHub, but this job may not ask for one " +
  `(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ${PERMISSION_HINT}`

const NOT_HTTPS =
  'ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL, so the runner request token will not be sent to it. ' +
  'It is set by the runner: do not set it in the workflow.'

const RUNNER_URL = 'https://pipelinesghubeus1.actions.githubusercontent.com/abc123/_apis/oidc/token?api-version=2.0'
// Made-up values in the shape the runner uses; none is a real credential.
const REQUEST_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.cnVubmVyLXJlcXVlc3QtdG9rZW4.c2lnbmF0dXJl'

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
/** An unsigned token in the JWT shape: trustClaims only reads the payload. */
const jwt = (claims: unknown): string => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.${b64('not-a-real-signature')}`

const ID_TOKEN = jwt({ iss: 'https://token.actions.githubusercontent.com', repository: 'acme/app', aud: 'https://acme.my.salesforce.com' })

describe('idTokenSource', () => {
  it.each([
    ['neither variable set', {}],
    ['the URL missing', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN }],
    ['the token missing', { ACTIONS_ID_TOKEN_REQUEST_URL: RUNNER_URL }],
    ['the URL empty', { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN }],
    ['the token empty', { ACTIONS_ID_TOKEN_REQUEST_URL: RUNNER_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }]
  ])('with %s, names the permission, forks and Dependabot', (_name, env) => {
    expect(thrown(() => idTokenSource(env)).message).toBe(NO_TOKEN)
  })

  it.each([
    ['not a URL', 'pipelines.actions.githubusercontent.com/_apis/oidc/token'],
    ['plain http on a remote host', 'http://pipelines.actions.githubusercontent.com/_apis/oidc/token?api-version=2.0'],
    ['plain http on a look-alike of loopback', 'http://127.0.0.1.example.com/_apis/oidc/token'],
    ['another scheme', 'ftp://pipelines.actions.githubusercontent.com/token'],
    ['a WebSocket URL on loopback', 'ws://127.0.0.1:8080/token']
  ])('refuses a URL that is %s, without echoing the request token', (_name, url) => {
    const message = thrown(() =>
      idTokenSource({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN })
    ).message
    expect(message).toBe(NOT_HTTPS)
    expect(message).not.toContain(REQUEST_TOKEN)
  })

  it.each([
    ['https', RUNNER_URL],
    ['http on 127.0.0.1', 'http://127.0.0.1:41234/_apis/oidc/token?api-version=2.0'],
    ['http on localhost', 'http://localhost:41234/_apis/oidc/token?api-version=2.0'],
    ['https on loopback', 'https://127.0.0.1:41234/token']
  ])('accepts %s, returning the URL and token as given', (_name, url) => {
    expect(idTokenSource({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN, OTHER: 'x' })).toEqual({
      url,
      token: REQUEST_TOKEN
    })
  })

  it('checks the variables are set before checking the URL', () => {
    expect(thrown(() => idTokenSource({ ACTIONS_ID_TOKEN_REQUEST_URL: 'not a url' })).message).toBe(NO_TOKEN)
  })
})

describe('idTokenUrl', () => {
  it.each([
    [
      "adds the audience, keeping the runner's api-version",
      RUNNER_URL,
      'https://acme.my.salesforce.com',
      `${RUNNER_URL}&audience=https%3A%2F%2Facme.my.salesforce.com`
    ],
    [
      'replaces an audience already in the URL',
      `${RUNNER_URL}&audience=https%3A%2F%2Fgithub.com%2Facme`,
      'https://acme.my.salesforce.com',
      `${RUNNER_URL}&audience=https%3A%2F%2Facme.my.salesforce.com`
    ],
    [
      'replaces every audience already in the URL with one',
      'https://x.example/t?audience=a&api-version=2.0&audience=b',
      'https://c.example',
      'https://x.example/t?audience=https%3A%2F%2Fc.example&api-version=2.0'
    ],
    [
      'encodes the characters a query needs encoded',
      'https://x.example/t?api-version=2.0',
      'https://acme.example/a b?c=d&e#f',
      'https://x.example/t?api-version=2.0&audience=https%3A%2F%2Facme.example%2Fa+b%3Fc%3Dd%26e%23f'
    ],
    [
      'works on a URL without a query',
      'http://127.0.0.1:8080/token',
      'https://a.example',
      'http://127.0.0.1:8080/token?audience=https%3A%2F%2Fa.example'
    ]
  ])('%s', (_name, url, audience, expected) => {
    expect(idTokenUrl(url, audience)).toBe(expected)
    expect(new URL(idTokenUrl(url, audience)).searchParams.getAll('audience')).toEqual([audience])
  })
})

/** Runs interpretIdTokenResponse, recording each mask() call and whether it came before the outcome. */
function interpret(res: HttpResponse): { value?: string; error?: AttemptError; masks: string[] } {
  const masks: string[] = []
  try {
    return { value: interpretIdTokenResponse(res, s => masks.push(s)), masks }
  } catch (e) {
    expect(e).toBeInstanceOf(AttemptError)
    return { error: e as AttemptError, masks }
  }
}

const JSON_TYPE: IncomingHttpHeaders = { 'content-type': 'application/json; charset=utf-8' }
const json = (status: number, body: unknown): HttpResponse => ({ status, headers: JSON_TYPE, body: JSON.stringify(body) })

describe('interpretIdTokenResponse', () => {
  it('returns the ID token of a 200 answer, masked first', () => {
    expect(interpret(json(200, { count: 1, value: ID_TOKEN }))).toEqual({ value: ID_TOKEN, masks: [ID_TOKEN] })
  })

  it.each([429, 500, 502, 503, 504])('HTTP %s is transient, and masks a value it carries before throwing', status => {
    const body = JSON.stringify({ value: ID_TOKEN })
    const { error, masks } = interpret({ status, headers: JSON_TYPE, body })
    expect(masks).toEqual([ID_TOKEN])
    expect(error?.transient).toBe(true)
    expect(error?.reason).toBe(`GitHub HTTP ${status}`)
    expect(error?.message).toBe(
      `GitHub's token service answered HTTP ${status} (application/json; charset=utf-8, ${body.length} bytes: "{"value":"[…]"}").`
    )
    expect(error?.message).not.toContain(ID_TOKEN.split('.')[1])
  })

  it.each([301, 302, 307])('HTTP %s is a redirect, not followed with the request token, not retried', status => {
    const { error } = interpret(json(status, { message: 'Moved' }))
    expect(error?.transient).toBe(false)
    expect(error?.message).toBe(
      `GitHub's token service answered HTTP ${status}, a redirect, which the action does not follow with the runner's request token. ` +
        'ACTIONS_ID_TOKEN_REQUEST_URL is set by the runner: do not set it in the workflow.'
    )
  })

  it.each([501, 505])('HTTP %s is not one of the transient statuses, as for Salesforce', status => {
    expect(interpret(json(status, {})).error?.transient).toBe(false)
  })

  it('waits as a 429 says (Retry-After)', () => {
    const { error } = interpret({ status: 429, headers: { ...JSON_TYPE, 'retry-after': '7' }, body: '{}' })
    expect(error?.retryAfterSeconds).toBe(7)
  })

  it.each([400, 401, 403, 404])('HTTP %s is a refusal naming the permission, not retried', status => {
    const { error, masks } = interpret(json(status, { message: 'Unauthorized' }))
    expect(masks).toEqual([])
    expect(error?.transient).toBe(false)
    expect(error?.reason).toBe(`GitHub HTTP ${status}`)
    expect(error?.message).toBe(
      `GitHub's token service answered HTTP ${status}: it refused to issue an ID token ` +
        '(application/json; charset=utf-8, 26 bytes: "{"message":"Unauthorized"}"). It refuses when the job lacks the ' +
        `permission, or when the job's request token has expired. ${PERMISSION_HINT}`
    )
  })

  it('masks the value of a refusal too', () => {
    const { error, masks } = interpret(json(401, { value: ID_TOKEN }))
    expect(masks).toEqual([ID_TOKEN])
    expect(error?.message).not.toContain(ID_TOKEN.split('.')[1])
  })

  const NO_VALUE = (what: string): string =>
    `GitHub's token service answered HTTP 200 without an ID token in 'value' (${what}). ` +
    "Re-run the job; if it persists, GitHub's OIDC service is at fault."

  it.each([
    ['no value', json(200, { count: 1 }), [], 'fields present: count'],
    ['an empty object', json(200, {}), [], 'fields present: none'],
    ['an empty value', json(200, { value: '' }), [], 'fields present: value'],
    ['a numeric value', json(200, { value: 42 }), [], 'fields present: value'],
    [
      'a value of two parts',
      json(200, { count: 1, value: `${'a'.repeat(20)}.${'b'.repeat(20)}` }),
      [`${'a'.repeat(20)}.${'b'.repeat(20)}`],
      'fields present: count, value'
    ],
    ['a value with a space', json(200, { value: `abc.d ef.${'g'.repeat(30)}` }), [`abc.d ef.${'g'.repeat(30)}`], 'fields present: value'],
    ['a value with padding', json(200, { value: ` ${ID_TOKEN}` }), [` ${ID_TOKEN}`], 'fields present: value'],
    ['a JSON array', json(200, [ID_TOKEN]), [], `application/json; charset=utf-8, ${ID_TOKEN.length + 4} bytes: "["[…]"]"`],
    ['not JSON', { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }, [], 'text/plain, 2 bytes: "ok"'],
    [
      'an HTML page',
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Sign in</h1></body></html>' },
      [],
      'text/html, 42 bytes: "Sign in"'
    ],
    ['an empty body', { status: 200, headers: {}, body: '' }, [], 'no content type, 0 bytes']
  ])('a 200 with %s is a clear failure, not retried', (_name, res, masks, what) => {
    const result = interpret(res as HttpResponse)
    expect(result.masks).toEqual(masks)
    expect(result.error?.transient).toBe(false)
    expect(result.error?.reason).toBe('no ID token')
    expect(result.error?.message).toBe(NO_VALUE(what))
  })

  it.each(['a.b.c', 'x', `${'a'.repeat(10)}.${'b'.repeat(10)}.${'c'.repeat(9)}`])(
    'a 200 with a value of %j, too short to be an ID token, is refused by its length and never masked',
    value => {
      const result = interpret(json(200, { value }) as HttpResponse)
      expect(result.masks).toEqual([])
      expect(result.error?.reason).toBe('short ID token')
      expect(result.error?.message).toMatch(
        new RegExp(`without an ID token in 'value' \\(a value of ${value.length} characters, too short to be one; not shown\\)`)
      )
    }
  )

  it('never echoes a long token-like value whatever the status', () => {
    const secret = 'ghs_' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(5)
    for (const status of [200, 400, 403, 500, 503]) {
      for (const body of [
        secret,
        `token=${secret}`,
        `<p>${secret}</p>`,
        JSON.stringify({ value: secret }),
        JSON.stringify({ token: secret })
      ]) {
        const { error } = interpret({ status, headers: {}, body })
        expect(error?.message).not.toContain(secret.slice(0, 24))
        expect(error?.message).not.toContain(secret.slice(-24))
      }
    }
  })
})

const CLAIMS = {
  iss: 'https://token.actions.githubusercontent.com',
  sub: 'repo:acme/app:environment:production',
  repository: 'acme/app',
  repository_id: '123456789',
  repository_owner_id: '987654',
  ref: 'refs/heads/main',
  ref_protected: 'true',
  job_workflow_ref: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
  event_name: 'push',
  runner_environment: 'github-hosted',
  environment: 'production',
  aud: 'https://acme.my.salesforce.com',
  exp: 1893456000
}

const READ: TrustClaims = {
  issuer: 'https://token.actions.githubusercontent.com',
  repository: 'acme/app',
  repositoryId: '123456789',
  repositoryOwnerId: '987654',
  ref: 'refs/heads/main',
  refProtected: 'true',
  jobWorkflowRef: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
  eventName: 'push',
  runnerEnvironment: 'github-hosted',
  environment: 'production',
  audience: 'https://acme.my.salesforce.com'
}

const NONE: TrustClaims = {
  issuer: '',
  repository: '',
  repositoryId: '',
  repositoryOwnerId: '',
  ref: '',
  refProtected: '',
  jobWorkflowRef: '',
  eventName: '',
  runnerEnvironment: '',
  environment: '',
  audience: ''
}

describe('trustClaims', () => {
  it.each<[string, unknown, TrustClaims]>([
    ['string claims', CLAIMS, READ],
    ['numeric ids (a JSON integer as its digits)', { ...CLAIMS, repository_id: 123456789, repository_owner_id: 987654 }, READ],
    ['a number that is not an integer, as the rules read it', { ...CLAIMS, repository_id: 1.5 }, { ...READ, repositoryId: '' }],
    ['no environment', { ...CLAIMS, environment: undefined }, { ...READ, environment: '' }],
    ['a ref_protected that is the boolean true, not the string', { ...CLAIMS, ref_protected: true }, { ...READ, refProtected: '' }],
    ['no claims at all', {}, NONE],
    [
      'claims of other types (array aud, null, boolean, object)',
      { repository: null, repository_id: true, ref: { a: 1 }, environment: ['prod'], aud: ['a', 'b'], iss: 7.5 },
      NONE
    ],
    [
      'a claim longer than any rule field, cut',
      { ...CLAIMS, environment: 'e'.repeat(300) },
      { ...READ, environment: `${'e'.repeat(255)}…` }
    ],
    ['a payload that is a JSON array', ['acme/app'], NONE]
  ])('reads %s', (_name, claims, expected) => {
    expect(trustClaims(jwt(claims))).toEqual(expected)
  })

  it.each([
    ['empty', ''],
    ['one part', 'garbage'],
    ['a payload that is not base64 JSON', 'a.!!!not-json!!!.c'],
    ['a payload of plain text', `a.${b64('repository=acme/app')}.c`]
  ])('reads every claim as empty from a token that is %s', (_name, token) => {
    expect(trustClaims(token)).toEqual(NONE)
  })
})

describe('describeClaims', () => {
  it('prints every claim the rules match on, in one line', () => {
    expect(describeClaims({ ...READ, ref: 'refs/tags/v1.2.0' })).toBe(
      "GitHub's OIDC token: issuer https://token.actions.githubusercontent.com, repository acme/app, repository id 123456789, " +
        'owner id 987654, ref refs/tags/v1.2.0 (protected: true), workflow acme/app/.github/workflows/deploy.yml@refs/heads/main, ' +
        'event push, runner github-hosted, environment production, audience https://acme.my.salesforce.com.'
    )
  })

  it('prints (none) for each empty claim', () => {
    expect(describeClaims(NONE)).toBe(
      "GitHub's OIDC token: issuer (none), repository (none), repository id (none), owner id (none), ref (none) (protected: (none)), " +
        'workflow (none), event (none), runner (none), environment (none), audience (none).'
    )
  })
})

/** Checked keyless inputs: one attempt of one second. */
const INPUTS: GithubOidcInputs = {
  flow: 'github-oidc',
  clientId: '3MVG9placeholderConsumerKey',
  loginUrl: 'https://acme.my.salesforce.com',
  tokenUrl: 'https://acme.my.salesforce.com/services/oauth2/token',
  orgChosenBy: "'login-url'",

  oidcAudience: 'https://acme.my.salesforce.com',
  tokenHandler: '',
  subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
  maxAttempts: 1,
  requestTimeoutSeconds: 1,
  revokeToken: false,
  allowedOrgIds: [],
  exportEnv: false,
  jobSummary: false
}
const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/t?api-version=2.0', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'rt' }

describe('githubOidcLogin: one time limit for the whole attempt', () => {
  const inputs = INPUTS

  const answer = {
    access_token: `00D5g000004ABCD!AR${'x'.repeat(40)}`,
    instance_url: 'https://acme.my.salesforce.com',
    id: 'https://login.salesforce.com/id/00D5g000004ABCDEAA/0055g000003XYZWAA2',
    token_type: 'Bearer',
    scope: 'api'
  }
  // A clock the fake GitHub moves forward, so the time the ID token request takes is exact, not waited for.
  let clock = 1_700_000_000_000
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => clock)
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })

  /** A FlowIo whose GitHub answers `delayMs` later; records the time limit each exchange POST was given. */
  const io = (delayMs: number, limits: number[]): FlowIo => ({
    mask: () => undefined,
    info: () => undefined,
    warning: () => undefined,
    debug: () => undefined,
    get: async () => {
      clock += delayMs
      return { status: 200, headers: {}, body: JSON.stringify({ value: ID_TOKEN }) }
    },
    post: async (_url, _form, timeoutMs) => {
      limits.push(timeoutMs)
      return { status: 200, headers: {}, body: JSON.stringify(answer) }
    },
    retry: { sleep: async () => undefined, random: () => 0, log: () => undefined }
  })

  it('gives the exchange only what the ID token request left of the limit', async () => {
    const limits: number[] = []
    await githubOidc.login(inputs, { workspace: '', env }, io(300, limits))
    expect(limits).toEqual([700])
  })

  it('does not send the exchange when the ID token request used the whole limit', async () => {
    const limits: number[] = []
    const error = await githubOidc.login(inputs, { workspace: '', env }, io(1_000, limits)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AttemptError)
    expect((error as AttemptError).message).toContain(
      "The attempt spent its whole time limit (request-timeout-seconds: 1) getting GitHub's ID token."
    )
    expect(limits).toEqual([])
  })
})

describe('the keyless flow in the registry', () => {
  it('carries its own refusals, read against its own audience input', () => {
    expect(githubOidc.advice).toBe(ADVICE)
    expect(ADVICE.audienceInput).toBe('oidc-audience')
  })
})

describe('githubOidc.login: the ready trust rule record, only where a rule could fix the refusal', () => {
  const inputs: GithubOidcInputs = { ...INPUTS, requestTimeoutSeconds: 5 }

  /** The lines logged when the org refuses the exchange with these words. */
  async function logged(error: string, description: string): Promise<string[]> {
    const lines: string[] = []
    const io: FlowIo = {
      mask: () => undefined,
      info: line => lines.push(line),
      warning: () => undefined,
      debug: () => undefined,
      get: async () => ({ status: 200, headers: {}, body: JSON.stringify({ value: ID_TOKEN }) }),
      post: async () => ({ status: 400, headers: {}, body: JSON.stringify({ error, error_description: description }) }),
      retry: { sleep: async () => undefined, random: () => 0, log: () => undefined }
    }
    await expect(githubOidc.login(inputs, { workspace: '', env }, io)).rejects.toThrow(AttemptError)
    return lines
  }
  const printsRecord = (lines: string[]): boolean => lines.some(l => l.startsWith('If this job should log in, an admin can review'))

  it.each([
    ['invalid_request', "No active GitHub trust rule matches repository 'acme/app' (id 1)."],
    ['invalid_request', 'GitHub OIDC token rejected: its issuer https://ghe.example/_services/token is not the issuer of any active rule.']
  ])('prints it for %s "%s"', async (error, description) => {
    expect(printsRecord(await logged(error, description))).toBe(true)
  })

  it.each([
    ['invalid_grant', "user hasn't approved this consumer"],
    ['invalid_request', 'token handler not found'],
    ['invalid_client_id', 'client identifier invalid'],
    ['invalid_request', 'No keyless login permission for GitHub trust rule Acme_Main.'],
    ['invalid_request', 'No active user for GitHub trust rule Acme_Main.']
  ])('prints none for %s "%s", which another rule would not fix', async (error, description) => {
    expect(printsRecord(await logged(error, description))).toBe(false)
  })
})
