// The main step in-process, through the edge main.ts is given (a recording @actions/core and network):
// the shared tail every flow ends in, and the one error line of any failure.
import { describe, expect, it } from '@jest/globals'
import { TransportError } from '../../src/http.js'
import { runStep } from '../../src/main.js'
import { rsaKey } from './fixtures.js'
import { firstShowing, json, recordingEdge, type EdgeOptions } from './step-edge.js'

const LOGIN_URL = 'https://acme.my.salesforce.com'
const TOKEN_URL = `${LOGIN_URL}/services/oauth2/token`
const REVOKE_URL = `${LOGIN_URL}/services/oauth2/revoke`
const ORG = '00D5g000004ABCDEAA'
const OTHER_ORG = '00D000000000001AAA'
const USER = '0055g000003XYZWAA2'
// Made-up values in the shapes Salesforce uses; none is a real credential.
const SECRET = 'F3E2D1C0B9A8F3E2D1C0B9A8F3E2D1C0B9A8F3E2D1C0B9A8F3E2D1C0B9A8F3E2'
const TOKEN = `${ORG.slice(0, 15)}!AR8AQO.fake.access.token.${'x'.repeat(40)}`
const ANSWER = {
  access_token: TOKEN,
  instance_url: LOGIN_URL,
  id: `https://login.salesforce.com/id/${ORG}/${USER}`,
  token_type: 'Bearer',
  scope: 'api refresh_token'
}

/** The client credentials flow: the simplest one, so these tests are about the tail, not the flow. */
const CC = { 'client-id': '3MVG9placeholderConsumerKey', 'client-secret': SECRET, 'login-url': LOGIN_URL }

/** Runs the main step with the inputs given; the token endpoint answers ANSWER, the revoke endpoint 200. */
async function main(inputs: Record<string, string>, options: EdgeOptions = {}) {
  const r = recordingEdge({
    inputs,
    answer: url => (url === TOKEN_URL ? json(200, ANSWER) : json(200, {})),
    ...options
  })
  await runStep(r.edge)
  return r
}

const OUTPUTS = [
  `output access_token=${TOKEN}`,
  `output instance_url=${LOGIN_URL}`,
  `output id=${ANSWER.id}`,
  `output org_id=${ORG}`,
  `output user_id=${USER}`,
  'output scope=api refresh_token',
  'output token_type=Bearer'
]

const AUTHENTICATED = `info Authenticated as user ${USER}, the app's Run-As user (client credentials flow), to org ${ORG} at ${LOGIN_URL}.`

describe('the main step: the shared tail', () => {
  it('marks the post step, masks, logs in, sets the outputs, and ends with who is logged in where', async () => {
    const r = await main(CC)
    expect(r.events).toEqual([
      'state isPost=true',
      `mask ${SECRET}`,
      `info Requesting a token from ${TOKEN_URL} with the app's client credentials.`,
      `post ${TOKEN_URL} grant_type=client_credentials&client_id=3MVG9placeholderConsumerKey&client_secret=${SECRET}`,
      `mask ${TOKEN}`,
      ...OUTPUTS,
      AUTHENTICATED
    ])
    expect(r.failures).toEqual([])
    expect(r.posts[0].timeoutMs).toBe(30_000)
  })

  it('exports the variables, then leaves the token and its login URL for the post step', async () => {
    const r = await main({ ...CC, 'export-env': 'true', 'revoke-token': 'true' })
    expect(r.events.slice(r.events.indexOf(OUTPUTS.at(-1)!) + 1)).toEqual([
      `export SF_ACCESS_TOKEN=${TOKEN}`,
      `export SF_ORG_INSTANCE_URL=${LOGIN_URL}`,
      'state exported=true',
      `state token=${TOKEN}`,
      `state loginUrl=${LOGIN_URL}`,
      AUTHENTICATED
    ])
  })

  it('sets certificate_expires_at only when the flow checked a certificate', async () => {
    expect(Object.keys((await main(CC)).outputs)).not.toContain('certificate_expires_at')
  })

  it('writes the step summary when job-summary is on and the runner gave a summary file', async () => {
    const r = await main(CC, { env: { GITHUB_STEP_SUMMARY: '/runner/summary.md' } })
    expect(r.summaries).toEqual([
      [
        '### Salesforce login',
        '',
        '| | |',
        '| --- | --- |',
        `| User | ${USER} (the app's Run-As user (client credentials flow)) |`,
        `| Org id | ${ORG} |`,
        `| Instance URL | ${LOGIN_URL} |`,
        `| Login URL | ${LOGIN_URL} |`,
        ''
      ].join('\n')
    ])
    expect(r.events.slice(-2)).toEqual(['summary', AUTHENTICATED])
    expect(r.summaries[0]).not.toContain(TOKEN)
  })

  it.each([
    ['job-summary is false', { 'job-summary': 'false' }, { GITHUB_STEP_SUMMARY: '/runner/summary.md' }],
    ['the runner gave no summary file', {}, {}]
  ])('writes no summary when %s', async (_name, inputs, env) => {
    const r = await main({ ...CC, ...inputs }, { env })
    expect(r.summaries).toEqual([])
    expect(r.events.at(-1)).toBe(AUTHENTICATED)
  })

  it('accepts an allowed org by its 15-character id', async () => {
    const r = await main({ ...CC, 'allowed-org-ids': `${OTHER_ORG}, ${ORG.slice(0, 15)}` })
    expect(r.failures).toEqual([])
    expect(r.outputs.org_id).toBe(ORG)
  })
})

describe('the main step: the org guard (allowed-org-ids)', () => {
  const refusal = (revoked: string, check = "'login-url'") =>
    `Logged in to org ${ORG} at ${LOGIN_URL}, which is not in 'allowed-org-ids' (${OTHER_ORG}). ${revoked}` +
    `No outputs were set. Check ${check}, or add the org to 'allowed-org-ids'.`

  it('revokes the token at once, sets no output, exports nothing, leaves nothing to revoke', async () => {
    const r = await main({ ...CC, 'allowed-org-ids': OTHER_ORG, 'export-env': 'true', 'revoke-token': 'true' })
    expect(r.failures).toEqual([refusal('The token was revoked. ')])
    expect(r.posts.map(p => [p.url, p.form, p.timeoutMs])).toEqual([
      [TOKEN_URL, expect.anything(), 30_000],
      [REVOKE_URL, { token: TOKEN }, 30_000]
    ])
    expect(r.outputs).toEqual({})
    expect(r.exported).toEqual({})
    expect(r.state).toEqual({ isPost: 'true' })
    expect(r.logs().some(line => line.startsWith('info Authenticated'))).toBe(false)
  })

  it('revokes with the time limit of the inputs', async () => {
    const r = await main({ ...CC, 'allowed-org-ids': OTHER_ORG, 'request-timeout-seconds': '7' })
    expect(r.posts.map(p => p.timeoutMs)).toEqual([7_000, 7_000])
  })

  it('leaves a token it could not revoke for the post step when revoke-token is on', async () => {
    const r = await main(
      { ...CC, 'allowed-org-ids': OTHER_ORG, 'revoke-token': 'true' },
      { answer: url => (url === TOKEN_URL ? json(200, ANSWER) : json(503, {})) }
    )
    expect(r.failures).toEqual([refusal('Revoking that token failed (HTTP 503); the post step tries again. ')])
    expect(r.state).toEqual({ isPost: 'true', token: TOKEN, loginUrl: LOGIN_URL })
    expect(r.outputs).toEqual({})
  })

  it('says a token it could not revoke expires with the session when revoke-token is off', async () => {
    const r = await main(
      { ...CC, 'allowed-org-ids': OTHER_ORG },
      {
        answer: url => {
          if (url === TOKEN_URL) return json(200, ANSWER)
          throw new TransportError('ECONNRESET', 'ECONNRESET: socket hang up')
        }
      }
    )
    expect(r.failures).toEqual([refusal('Revoking that token failed (ECONNRESET: socket hang up); it expires with the session. ')])
    expect(r.state).toEqual({ isPost: 'true' })
  })

  it('refuses an answer without an identity URL when a list is given', async () => {
    const r = await main(
      { ...CC, 'allowed-org-ids': OTHER_ORG },
      { answer: url => (url === TOKEN_URL ? json(200, { ...ANSWER, id: undefined }) : json(200, {})) }
    )
    expect(r.failures).toEqual([
      `Logged in to org (unknown: no identity URL in the answer) at ${LOGIN_URL}, which is not in 'allowed-org-ids' ` +
        `(${OTHER_ORG}). The token was revoked. No outputs were set. Check 'login-url', or add the org to 'allowed-org-ids'.`
    ])
  })

  it("names 'username' too for the key-based flow", async () => {
    const key = rsaKey()
    const r = await main({
      'client-id': '3MVG9placeholderConsumerKey',
      username: 'ci@acme.example',
      'private-key': key.pkcs8,
      'login-url': LOGIN_URL,
      'allowed-org-ids': OTHER_ORG
    })
    expect(r.failures).toEqual([refusal('The token was revoked. ', "'login-url' and 'username'")])
  })

  it("names the SFDX auth URL's host for the sfdx-url flow", async () => {
    const r = await main({
      'sfdx-auth-url': `force://PlatformCLI::5Aep861placeholder.refresh@acme.my.salesforce.com`,
      'allowed-org-ids': OTHER_ORG
    })
    expect(r.failures).toEqual([refusal('The token was revoked. ', "the host in 'sfdx-auth-url'")])
  })

  it("names the org's trust rules too for the keyless flow", async () => {
    const claims = Buffer.from(JSON.stringify({ repository: 'acme/app', ref: 'refs/heads/main' })).toString('base64url')
    const r = await main(
      { 'auth-flow': 'github-oidc', 'client-id': '3MVG9placeholderConsumerKey', 'login-url': LOGIN_URL, 'allowed-org-ids': OTHER_ORG },
      {
        env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/t?api-version=2.0', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'rt' },
        get: async () => json(200, { value: `eyJhbGciOiJSUzI1NiJ9.${claims}.c2ln` })
      }
    )
    expect(r.failures).toEqual([refusal('The token was revoked. ', "'login-url' and the org's trust rules")])
  })
})

describe('the main step: one error line', () => {
  it('fails with the input refusal alone, before any request', async () => {
    const r = await main({})
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0]).toMatch(/^No login flow is chosen: 'auth-flow' is empty and no flow's inputs are set\./)
    expect(r.events).toEqual(['state isPost=true', `failed ${r.failures[0]}`])
  })

  it("fails with Salesforce's refusal, redacted of every secret the step masked", async () => {
    const r = await main(CC, {
      answer: () => json(400, { error: 'invalid_client', error_description: `client secret ${SECRET} is wrong` })
    })
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0]).toContain('invalid_client')
    expect(r.failures[0]).toContain('client secret *** is wrong')
    expect(firstShowing(r.events, SECRET)).toBe(-1)
    expect(r.outputs).toEqual({})
  })

  it('calls anything else unexpected, on one line, redacted and without a stack trace', async () => {
    const r = await main(CC, {
      answer: () => {
        throw new Error(`the socket said ${SECRET}\n::error::forged`)
      }
    })
    expect(r.failures).toEqual(['Unexpected error: the socket said ***\\n::error::forged'])
  })

  it('reads a thrown value that is not an Error', async () => {
    const r = await main(CC, {
      answer: () => {
        throw 'a bare string'
      }
    })
    expect(r.failures).toEqual(['Unexpected error: a bare string'])
  })

  it.each([
    ['the main step', {}, ['state isPost=true']],
    ['the post step', { isPost: 'true', token: TOKEN, loginUrl: LOGIN_URL }, []]
  ])('refuses an environment that would leak a credential in %s, before any input is read or request made', async (_name, state, first) => {
    const r = await main(CC, { state, env: { NODE_DEBUG: 'http' } })
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0]).toMatch(/^NODE_DEBUG names Node's HTTP module/)
    expect(r.events).toEqual([...first, `failed ${r.failures[0]}`])
  })

  it('runs the post step instead when the main step has marked it', async () => {
    const r = await main(CC, { state: { isPost: 'true' } })
    expect(r.events).toEqual(['debug No token to revoke: revoke-token is off, or the login step did not get one.'])
  })

  it('hands the post step what it needs: the post step clears the export and revokes the token where it came from', async () => {
    const first = await main({ ...CC, 'export-env': 'true', 'revoke-token': 'true' })
    const then = await main({ ...CC, 'export-env': 'true', 'revoke-token': 'true' }, { state: first.state })
    expect(then.failures).toEqual([])
    expect(then.exported).toEqual({ SF_ACCESS_TOKEN: '', SF_ORG_INSTANCE_URL: '' })
    expect(then.posts).toEqual([{ url: REVOKE_URL, form: { token: TOKEN }, timeoutMs: 30_000 }])
    expect(then.logs()).toEqual([`info Revoked the access token at ${REVOKE_URL}.`])
  })

  it('still revokes in the post step when the inputs no longer name a login: only the main step reads them all', async () => {
    const r = await main({}, { state: { isPost: 'true', token: TOKEN, loginUrl: LOGIN_URL } })
    expect(r.failures).toEqual([])
    expect(r.posts.map(p => [p.url, p.timeoutMs])).toEqual([[`${LOGIN_URL}/services/oauth2/revoke`, 30_000]])
  })
})
