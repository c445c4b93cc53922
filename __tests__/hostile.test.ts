// Hostile and malformed input (issue 8), run through the bundled action as the runner runs it. Every
// step here also goes through the harness's leak check and forged-command check.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assertNoLeaks, rememberSecret, setUp, type Fixture, type StepResult } from './support/harness.js'
import { certificateWithBadNotAfter, certificateWithUnknownKeyAlgorithm, damagedCrtKey, testTlsIdentity } from '../fakes/keys.mjs'
import { defaultClaims, GITHUB_ISSUER } from '../fakes/fake-github-oidc.mjs'
import { setUpGithubOidc, type GithubOidcFixture } from './support/github-oidc.js'
import { ROOT } from '../fakes/runner.mjs'
import { PRODUCTION_AUDIENCE } from '../fakes/fake-salesforce.mjs'
import { setUpFlows } from './support/flows.js'
import { startConnectProxy, type ConnectProxy } from '../fakes/proxy.mjs'

const LOOPBACK_IMPORT = `--import=${join(ROOT, 'fakes/resolve-to-loopback.mjs')}`

let f: Fixture
beforeAll(async () => {
  f = await setUp()
})
afterAll(() => f.close())

/** Runs a step that must be refused before any request, with one error line matching `message`. */
async function refusedBeforeAnyRequest(inputs: Record<string, string>, message: RegExp, dir?: string): Promise<StepResult> {
  const before = f.server.requests.length
  const r = await f.step({ 'max-attempts': '1', 'request-timeout-seconds': '5', ...inputs }, { dir, timeoutMs: 15_000 })
  expect(r.code).toBe(1)
  expect(r.errors).toEqual([expect.stringMatching(message)])
  expect(f.server.requests.length).toBe(before)
  expect(r.outputs).toEqual({})
  return r
}

describe('values from inputs cannot forge a workflow command', () => {
  it.each([
    ['username', 'ci@acme.com\n::warning::FORGED', 'username'],
    ['username', 'ci@acme.com\r::stop-commands::FORGED', 'username'],
    ['client-id', '3MVG9abc\n::error::FORGED', 'client-id'],
    ['client-id', '3MVG9abc\u001bdef', 'client-id'],
    ['login-url', 'https://acme.my.salesforce.com/\n::warning::FORGED', 'login-url'],
    ['audience', 'https://login.salesforce.com/\r\n::warning::FORGED', 'audience']
  ])('%s %j is refused before any request, naming it', async (name, value, input) => {
    const r = await refusedBeforeAnyRequest({ [name]: value }, new RegExp(`^Input '${input}' holds a control character`))
    expect(r.visible).not.toContain('FORGED')
  })

  it('a username with the legacy ##[ form is logged defused', async () => {
    const r = await f.step({ username: 'ci##[warning]FORGED@acme.com', 'max-attempts': '1' })
    expect(r.code).toBe(1)
    expect(r.visible).toContain('for ci##\\[warning]FORGED@acme.com (audience')
    expect(r.errors[0]).toMatch(/^Salesforce refused the login/)
  })

  it.each([
    ['client-id', 256, 255],
    ['username', 81, 80]
  ])('%s of %i characters is refused before any request', async (name, length, max) => {
    await refusedBeforeAnyRequest(
      { [name]: `${'a'.repeat(length - 9)}@acme.com` },
      new RegExp(`^Input '${name}' is ${length} characters long; at most ${max} are allowed`)
    )
  })
})

describe('a long refused value is named, not echoed', () => {
  // A long value in the wrong input may be a secret pasted there: it is refused without quoting it.
  it.each([
    ['login-url', `https://${'x'.repeat(86)}:99999`, /^Input 'login-url' is not a URL \(a value of 100 characters \(not shown\)\)/],
    ['audience', 'production'.repeat(10), /^Input 'audience' is neither 'production', 'sandbox' nor a URL \(a value of 100 characters/]
  ])('%s', async (name, value, message) => {
    const r = await refusedBeforeAnyRequest({ [name]: value }, message)
    expect(r.visible).not.toContain(value.slice(0, 65))
  })

  it('oidc-audience, in the keyless flow', async () => {
    const k = await setUpGithubOidc()
    try {
      const value = `${'s3cr3t'.repeat(500)}`
      const r = await k.step({ 'oidc-audience': value })
      expect(r.errors).toEqual([expect.stringMatching(/^Input 'oidc-audience' is not a URL \(a value of 3000 characters \(not shown\)\)/)])
      expect(r.visible).not.toContain(value.slice(0, 65))
      expect(k.github.requests).toEqual([])
    } finally {
      await k.close()
    }
  })
})

describe('token answers are data: checked before any of it is logged or output', () => {
  const token = (): string => {
    const t = `${f.server.orgId.slice(0, 15)}!ARhostile${Math.random().toString(36).slice(2)}0123456789abcdef`
    rememberSecret(t)
    return t
  }
  const identity = (): string => `https://login.salesforce.com/id/${f.server.orgId}/005000000000001AAA`
  const answer = (fields: Record<string, unknown>): void =>
    f.server.fault({
      status: 200,
      body: {
        access_token: token(),
        instance_url: 'https://acme.my.salesforce.com',
        id: identity(),
        scope: 'api',
        token_type: 'Bearer',
        ...fields
      }
    })

  it.each([
    [
      'instance_url',
      { instance_url: 'https://acme.my.salesforce.com/\n::warning::FORGED' },
      /malformed instance_url \(it holds control characters/
    ],
    ['instance_url', { instance_url: 'https://user:pw@acme.my.salesforce.com' }, /malformed instance_url \(it carries user info/],
    ['id', { id: 'https://login.salesforce.com/id/x\r::stop-commands::FORGED' }, /malformed id \(it holds control characters/],
    ['id', { id: 'https://evil.example/services/data' }, /malformed id \(not an identity URL/],
    ['scope', { scope: 'api\n::warning::FORGED' }, /malformed scope \(it holds control characters: 'api\\n::warning::FORGED'\)/],
    ['token_type', { token_type: 'Bearer\u0000' }, /malformed token_type/]
  ])('a malformed %s is refused, naming it, and nothing is output', async (_, fields, message) => {
    answer(fields)
    const r = await f.step({ 'max-attempts': '1', 'export-env': 'true' })
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([expect.stringMatching(message)])
    expect(r.outputs).toEqual({})
    expect(r.env).toEqual({})
  })

  it('instance_url is used only as its origin: outputs, exported variable and log', async () => {
    answer({ instance_url: 'https://acme.my.salesforce.com/secret/path?' })
    const r = await f.step({ 'export-env': 'true' })
    expect(r.code).toBe(0)
    expect(r.outputs.instance_url).toBe('https://acme.my.salesforce.com')
    expect(r.env.SF_ORG_INSTANCE_URL).toBe('https://acme.my.salesforce.com')
    expect(r.visible).not.toContain('/secret/path')
  })

  it("Salesforce's words are quoted defused, and at a sane length", async () => {
    f.server.fault({
      status: 400,
      body: {
        error: 'invalid_grant\n::warning::FORGED',
        error_description: `##[error]FORGED\r::stop-commands::FORGED ${'x'.repeat(100_000)}`
      }
    })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain(
      'error "invalid_grant\\n::warning::FORGED", error_description "##\\[error]FORGED\\r::stop-commands::FORGED'
    )
    expect(r.errors[0].length).toBeLessThan(2000)
  })

  it('an answer over 1 MiB is not read into memory', async () => {
    f.server.fault({
      raw: { status: 200, headers: { 'content-type': 'application/json' }, body: `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}` }
    })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([expect.stringMatching(/the answer is larger than 1 MiB, which no token answer is/)])
  })
})

describe('keys and certificates that parse but cannot be used name their input', () => {
  it('a key with damaged CRT parameters: private-key, export it again', async () => {
    const damaged = damagedCrtKey(f.identity.privateKey)
    rememberSecret(damaged)
    await refusedBeforeAnyRequest(
      { 'private-key': damaged },
      /^Input 'private-key' holds an RSA key that parses but cannot sign \(its parameters are damaged\)\. Export the key again/
    )
  })

  it('the same key from private-key-file names private-key-file', async () => {
    const damaged = damagedCrtKey(f.identity.privateKey)
    rememberSecret(damaged)
    const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-hostile-'))
    try {
      writeFileSync(join(dir, 'server.key'), damaged)
      await refusedBeforeAnyRequest(
        { 'private-key': '', 'private-key-file': 'server.key' },
        /^Input 'private-key-file' holds an RSA key that parses but cannot sign/,
        dir
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([
    [
      'a notAfter that is not a valid time',
      certificateWithBadNotAfter,
      /^Input 'certificate' has an expiry date \(notAfter\) that is not a valid time/
    ],
    [
      'an unknown public key algorithm',
      certificateWithUnknownKeyAlgorithm,
      /^Input 'certificate' holds a public key of an unknown or damaged algorithm/
    ]
  ])('a certificate with %s', async (_, damage, message) => {
    await refusedBeforeAnyRequest({ certificate: damage(f.identity.certificate) }, message)
  })
})

describe('Lightning Experience hosts are refused with the matching My Domain URL', () => {
  it.each([
    ['acme--uat.sandbox.lightning.force.com', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['acme-dev-ed.develop.lightning.force.com', 'https://acme-dev-ed.develop.my.salesforce.com'],
    ['site-ability-1234.scratch.lightning.force.com', 'https://site-ability-1234.scratch.my.salesforce.com']
  ])('%s', async (host, myDomain) => {
    await refusedBeforeAnyRequest(
      { 'login-url': `https://${host}` },
      new RegExp(
        `^Input 'login-url' is a Lightning Experience address \\('${host}'\\), not a login host\\. Use the My Domain URL, ${myDomain}\\.`
      )
    )
  })
})

describe('private-key-file must be a regular file of a sane size, checked before it is read', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-jwt-hostile-'))
    execFileSync('mkfifo', [join(dir, 'pipe')])
    mkdirSync(join(dir, 'keys'))
    writeFileSync(join(dir, 'huge.key'), Buffer.alloc(2 * 1024 * 1024, 'A'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    ['a FIFO, which would block the read forever', 'pipe', /names 'pipe', which is a named pipe \(FIFO\), not a key file/],
    ['/dev/zero, which would read until memory runs out', '/dev/zero', /names '\/dev\/zero', which is a device, not a key file/],
    ['a directory', 'keys', /names 'keys', which is a directory, not a key file/],
    ['a 2 MiB file', 'huge.key', /names 'huge.key', which is 2097152 bytes; a key file is a few KiB/]
  ])('%s', async (_, path, message) => {
    await refusedBeforeAnyRequest(
      { 'private-key': '', 'private-key-file': path },
      new RegExp(`^Input 'private-key-file' ${message.source}`),
      dir
    )
  })
})

describe("the keyless flow: GitHub's claims are data too", () => {
  let k: GithubOidcFixture
  beforeAll(async () => {
    k = await setUpGithubOidc()
  })
  afterAll(() => k.close())

  it('a claim with a line break and ##[ is logged defused', async () => {
    const environment = k.github.claims.environment
    k.github.claims.environment = `prod\n::warning::FORGED ##[error]FORGED`
    try {
      const r = await k.step({ 'max-attempts': '1' })
      expect(r.visible).toContain('environment prod\\n::warning::FORGED ##\\[error]FORGED')
    } finally {
      k.github.claims.environment = environment
    }
  })
})

describe('outside values an error quotes are bounded in length (issue 14)', () => {
  it('a redirect to a huge host', async () => {
    const host = `${'a'.repeat(60)}.`.repeat(80) + 'example'
    f.server.fault({ raw: { status: 302, headers: { location: `https://${host}/x` }, body: '' } })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.errors).toEqual([
      expect.stringMatching(/answered HTTP 302 redirecting to a{60}\.a{39}… \(\d+ characters in all\)\. The action never/)
    ])
    expect(r.errors[0].length).toBeLessThan(800)
  })

  it('a huge content type', async () => {
    f.server.fault({ raw: { status: 404, headers: { 'content-type': `text/html; ${'p'.repeat(8000)}` }, body: 'nope' } })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.errors).toEqual([
      expect.stringMatching(/^The token endpoint answered HTTP 404 \(text\/html; p+… \(8011 characters in all\), 4 bytes: "nope"\)\.$/)
    ])
    expect(r.errors[0].length).toBeLessThan(400)
  })

  it('a huge ID token request URL that cannot be reached', async () => {
    const k = await setUpGithubOidc()
    try {
      const url = `https://${`${'h'.repeat(50)}.`.repeat(60)}example/_apis/oidc/token?api-version=2.0`
      const loopback = `--import=${join(ROOT, 'fakes/resolve-to-loopback.mjs')}`
      const r = await k.step({ 'max-attempts': '1' }, { env: { ACTIONS_ID_TOKEN_REQUEST_URL: url, NODE_OPTIONS: loopback } })
      expect(r.errors).toEqual([
        expect.stringMatching(/The ID token request to https:\/\/(h{50}\.)+h*… \(\d+ characters in all\) failed: ECONNREFUSED/)
      ])
      expect(r.errors[0].length).toBeLessThan(800)
    } finally {
      await k.close()
    }
  })
})

describe('a host that only begins with 127. is not this machine (issue 14)', () => {
  it('login-url http://127.0.0.1.evil.example is refused as plain http, before any request', async () => {
    await refusedBeforeAnyRequest(
      { 'login-url': `http://127.0.0.1.evil.example:${f.server.port}` },
      /^Input 'login-url' must be an https URL, not http:\/\//
    )
  })

  it('login-url http://127.0.0.1 is still this machine', async () => {
    const r = await f.step({ 'login-url': f.server.url })
    expect(r.code).toBe(0)
  })

  it('an ID token request URL on http://127.0.0.1.evil.example is refused, and the request token never sent', async () => {
    const k = await setUpGithubOidc()
    try {
      const port = new URL(k.github.url).port
      const r = await k.step(
        {},
        { env: { ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1.evil.example:${port}/_apis/oidc/token?api-version=2.0` } }
      )
      expect(r.errors).toEqual([expect.stringMatching(/^ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL/)])
      expect(k.github.requests).toEqual([])
    } finally {
      await k.close()
    }
  })
})

describe('a server message that quotes a secret the action holds is redacted (issue 14)', () => {
  it('the access token, quoted in a refusal of the same answer', async () => {
    const token = `${f.server.orgId.slice(0, 15)}!ARquoted${Math.random().toString(36).slice(2)}0123456789abcdefXYZ`
    rememberSecret(token)
    f.server.fault({
      status: 400,
      body: { access_token: token, error: 'invalid_grant', error_description: `session ${token} is not valid` }
    })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.errors).toEqual([expect.stringContaining('error_description "session *** is not valid"')])
  })

  it('the access token, quoted in a refusal to revoke it where the cut would split it', async () => {
    const main = await f.step({ 'revoke-token': 'true' })
    const token = main.outputs.access_token
    // Placed so that the quote's cut keeps 7 characters of the token (18 before the fix): too few for the log's
    // redaction to recognise as a piece of it, and the runner masks only the whole token.
    const description = `${' '.repeat(280 - 'invalid_token: '.length - 7)}${token}`
    f.server.revokeAnswer = { status: 400, body: { error: 'invalid_token', error_description: description } }
    try {
      const r = await f.post(main)
      expect(r.warnings).toEqual([expect.stringMatching(/\(HTTP 400 invalid_token: +…\); it stays valid/)])
      expect(r.visible).not.toContain(token.slice(0, 7))
    } finally {
      f.server.revokeAnswer = undefined
    }
  })

  it('a line of the private key, and a cut-short piece of one', async () => {
    const line = f.identity.pkcs8.split('\n')[2]
    f.server.fault({ status: 400, body: { error: 'invalid_grant', error_description: `key ${line} and ${line.slice(5, 35)}` } })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.errors).toEqual([expect.stringContaining('error_description "key *** and ***"')])
  })

  describe('in the keyless flow', () => {
    let k: GithubOidcFixture
    beforeAll(async () => {
      k = await setUpGithubOidc()
    })
    afterAll(() => k.close())

    /** An ID token GitHub could have issued for this org, handed out by the fake GitHub's next answer. */
    const nextIdToken = (): string => {
      const now = Math.floor(Date.now() / 1000)
      const token = k.github.sign({ ...defaultClaims(), iss: GITHUB_ISSUER, aud: k.server.url, nbf: now - 5, iat: now - 5, exp: now + 300 })
      k.github.fault({ status: 200, body: { count: 1, value: token } })
      return token
    }

    it.each([
      ['whole', (t: string) => t],
      ['its signature alone', (t: string) => t.split('.')[2]],
      ['cut short', (t: string) => t.slice(10, 60)]
    ])("the ID token (%s), quoted by the org's refusal", async (_, quote) => {
      const token = nextIdToken()
      k.server.fault({ status: 400, body: { error: 'invalid_request', error_description: `token ${quote(token)} refused` } })
      const r = await k.step({ 'max-attempts': '1' })
      // Salesforce's words are quoted up to 500 characters: a whole ID token runs past that, and a run the cut would
      // split is dropped whole, so the message shows the cut instead of a piece of the token.
      expect(r.errors).toEqual([expect.stringMatching(/error_description "token (\*\*\*( refused)?|…)"/)])
      assertNoLeaks(k.server, r, [token])
    })

    it("the runner's request token, quoted by the org and by GitHub", async () => {
      k.server.fault({ status: 400, body: { error: 'invalid_request', error_description: `Bearer ${k.github.requestToken}` } })
      const r = await k.step({ 'max-attempts': '1' })
      expect(r.errors).toEqual([expect.stringContaining('error_description "Bearer ***"')])
      k.github.fault({ status: 401, body: { message: `bad credentials: ${k.github.requestToken.slice(0, 30)}` } })
      const g = await k.step({ 'max-attempts': '1' })
      expect(g.code).toBe(1)
      expect(g.errors[0]).not.toContain(k.github.requestToken.slice(0, 24))
    })
  })
})

// Issue 20: secrets and deadlines hold against every input, proxy and answer. Each case below failed on the
// bundle before the fix it proves.

/** The log as a reader sees it once the runner has masked `given` (it masks a secret only exactly as given). */
const maskedAsTheRunnerDoes = (visible: string, given: string): string => visible.split(given).join('***')

describe('no input value is shown in a transformed form (issue 20)', () => {
  it.each([
    // An SFDX auth URL pasted into the wrong input: resolving it as a path collapsed '//' and folded '/./'.
    ['an SFDX auth URL', 'force://PlatformCLI:Cl1entSecretPart0123456789//x:5Aep861Refresh/./TokenPart0123456789/@acme.my.salesforce.com/'],
    // A short value is quoted as given (so the runner masks it), but never resolved, joined or cut.
    ['a short secret-like path', 'S3cretPartOne//S3cretPartTwo/./'],
    ['a value with a trailing slash', 'K3yMaterialThatIsSecret0123/']
  ])('%s in private-key-file is refused, and no piece of it is printed past the runner mask', async (_, value) => {
    const r = await refusedBeforeAnyRequest(
      { 'private-key': '', 'private-key-file': value },
      /^Input 'private-key-file' names .+, which could not be read \(ENOENT\)\. Give the path/
    )
    const log = maskedAsTheRunnerDoes(r.visible, value)
    for (const piece of value.split(/[/:@.]+/).filter(p => p.length >= 8)) expect(log).not.toContain(piece)
  })
})

describe('outside text is transformed in linear time: a 1 MiB hostile answer ends within its deadline + 1 s (issue 20)', () => {
  const MIB = 1024 * 1024 - 64
  const fill = (unit: string): string => unit.repeat(Math.floor(MIB / unit.length))
  // Each shape once, at a status that describes the body (a non-JSON 200 and a 503 both go through describeBody).
  const bodies: [string, number, string][] = [
    ["repeated '<'", 200, fill('<')],
    ["repeated '<script'", 503, fill('<script')],
    ["repeated '<style><'", 200, fill('<style><')],
    ['nested brackets', 200, fill('[')],
    ['nested objects', 503, fill('{"a":')],
    ['one long line of token characters', 503, fill('A')],
    ['tags that never close', 503, fill('<a href="')]
  ]
  it.each(bodies)('%s from the token endpoint (HTTP %i)', async (_, status, body) => {
    f.server.fault({ raw: { status, headers: { 'content-type': 'text/html' }, body } })
    const r = await f.step({ 'max-attempts': '1', 'request-timeout-seconds': '2' }, { timeoutMs: 6000 })
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.durationMs).toBeLessThan(2000 + 1000)
  })

  it("repeated '<' from GitHub's ID token service", async () => {
    const k = await setUpGithubOidc()
    try {
      k.github.fault({ raw: { status: 503, headers: { 'content-type': 'text/html' }, body: fill('<') } })
      const r = await k.step({ 'max-attempts': '1', 'request-timeout-seconds': '2' }, { timeoutMs: 6000 })
      expect(r.errors).toEqual([expect.stringMatching(/the last one: GitHub's token service answered HTTP 503/)])
      expect(r.durationMs).toBeLessThan(2000 + 1000)
    } finally {
      await k.close()
    }
  })

  it.each([
    ['BEGIN lines without an END', fill('-----BEGIN A-----\n')],
    ['BEGIN lines of many labels', Array.from({ length: 40_000 }, (_, i) => `-----BEGIN ${i.toString(36).toUpperCase()}-----\n`).join('')]
  ])('a 1 MiB private-key-file of %s is refused in time', async (_, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-hostile-'))
    try {
      writeFileSync(join(dir, 'server.key'), text.slice(0, MIB))
      const r = await f.step(
        { 'private-key': '', 'private-key-file': 'server.key', 'max-attempts': '1', 'request-timeout-seconds': '1' },
        { dir, timeoutMs: 6000 }
      )
      expect(r.errors).toEqual([expect.stringMatching(/^Input 'private-key-file' (is not a PEM private key|holds a PEM block)/)])
      expect(r.durationMs).toBeLessThan(1000 + 1000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('token answers name only Salesforce hosts, and carry secrets of a real length (issue 20)', () => {
  const goodToken = (): string => {
    const t = `${f.server.orgId.slice(0, 15)}!ARhostile${Math.random().toString(36).slice(2)}0123456789abcdef`
    rememberSecret(t)
    return t
  }
  const answer = (fields: Record<string, unknown>): void =>
    f.server.fault({
      status: 200,
      body: {
        access_token: goodToken(),
        instance_url: 'https://acme.my.salesforce.com',
        id: `https://login.salesforce.com/id/${f.server.orgId}/005000000000001AAA`,
        scope: 'api',
        token_type: 'Bearer',
        ...fields
      }
    })

  it.each([
    ['instance_url', 'https://evil.example', 'evil.example'],
    ['instance_url', 'https://acme.my.salesforce.com.evil.example', 'acme.my.salesforce.com.evil.example'],
    ['instance_url', 'https://salesforce.com-evil.example:8443', 'salesforce.com-evil.example'],
    ['id', 'https://evil.example/id/00D000000000001AAA/005000000000001AAA', 'evil.example']
  ])('an %s on %s is refused, naming the host, and nothing is output', async (field, value, host) => {
    answer({ [field]: value })
    const r = await f.step({ 'max-attempts': '1', 'export-env': 'true' })
    expect(r.errors).toEqual([expect.stringContaining(`${field} on ${host}, which is neither a Salesforce host`)])
    expect(r.outputs).toEqual({})
    expect(r.env).toEqual({})
  })

  it.each([
    ['a Salesforce My Domain', 'https://acme.my.salesforce.com'],
    ['an Experience Cloud site', 'https://acme.my.site.com'],
    ['the login host itself', () => f.server.url.replace('http:', 'https:')]
  ])('an instance_url on %s is accepted', async (_, value) => {
    const url = typeof value === 'function' ? value() : value
    answer({ instance_url: url })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.errors).toEqual([])
    expect(r.outputs.instance_url).toBe(url)
  })

  it.each([
    ['access_token', 'x'],
    ['access_token', 'ab12'],
    ['access_token', '0123456789abcdef0123456789abcde'],
    ['refresh_token', 'r']
  ])('an %s of %j is refused by name, never masked or shown', async (field, value) => {
    answer({ [field]: value })
    const r = await f.step({ 'max-attempts': '1' })
    expect(r.errors).toEqual([expect.stringMatching(new RegExp(`with an? ${field} of ${value.length} characters?, too short`))])
    expect(r.masks).not.toContain(value)
    expect(r.outputs).toEqual({})
  })

  it('a GitHub ID token of five characters is refused by name, never masked or sent', async () => {
    const k = await setUpGithubOidc()
    try {
      k.github.fault({ status: 200, body: { count: 1, value: 'a.b.c' } })
      const r = await k.step({ 'max-attempts': '1' })
      expect(r.errors).toEqual([expect.stringMatching(/without an ID token in 'value' \(a value of 5 characters, too short/)])
      expect(r.masks).not.toContain('a.b.c')
      expect(k.server.tokenRequests()).toEqual([])
    } finally {
      await k.close()
    }
  })
})

describe('the environment cannot turn a login into a leak or an unverified one (issue 20)', () => {
  // A TLS fake org for acme.my.salesforce.com (resolved to 127.0.0.1 in the action's process), its CA trusted
  // through NODE_EXTRA_CA_CERTS, and a CONNECT proxy that wants credentials in front of it.
  const HOST = 'acme.my.salesforce.com'
  const PASSWORD = 'Pr0xy-Passw0rd-for-tests'
  let t: Fixture
  let proxy: ConnectProxy
  let caDir: string
  beforeAll(async () => {
    const tls = testTlsIdentity([HOST])
    t = await setUp({ tls: { key: tls.key, cert: tls.cert }, audiencesByHost: { [HOST]: [PRODUCTION_AUDIENCE] } })
    proxy = await startConnectProxy(t.server.port)
    caDir = mkdtempSync(join(tmpdir(), 'sf-jwt-ca-'))
    writeFileSync(join(caDir, 'ca.crt'), tls.ca)
  })
  afterAll(async () => {
    await proxy.close()
    await t.close()
    rmSync(caDir, { recursive: true, force: true })
  })

  const proxyWithCredentials = (): string => proxy.url.replace('http://', `http://ci-user:${PASSWORD}@`)
  /** One login at the fake org, directly (its port in the URL) or through the proxy; what it sent, and its result. */
  async function login(env: Record<string, string>, direct = false) {
    const [c0, q0] = [proxy.connects.length, t.server.requests.length]
    const r = await t.step(
      { 'login-url': direct ? `https://${HOST}:${t.server.port}` : `https://${HOST}`, 'max-attempts': '1' },
      { env: { NODE_EXTRA_CA_CERTS: join(caDir, 'ca.crt'), NODE_OPTIONS: LOOPBACK_IMPORT, ...env } }
    )
    const out = `${r.stdout}\n${r.stderr}`
    expect(out).not.toContain(PASSWORD)
    expect(out).not.toContain(Buffer.from(`ci-user:${PASSWORD}`).toString('base64'))
    return { r, sent: proxy.connects.length - c0 + t.server.requests.length - q0 }
  }

  it('a working proxy with credentials still logs in (the control case)', async () => {
    const { r } = await login({ HTTPS_PROXY: proxyWithCredentials() })
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
  })

  it.each(['http', 'net', 'tls', '*', 'HTTP', 'fs,net', 'tunnel', 'htt*'])(
    "NODE_DEBUG=%s (Node's network debugging prints request headers, proxy credentials among them) is refused before any request",
    async value => {
      const { r, sent } = await login({ HTTPS_PROXY: proxyWithCredentials(), NODE_DEBUG: value })
      expect(r.errors).toEqual([expect.stringMatching(/^NODE_DEBUG names Node's HTTP module or the network modules under it/)])
      expect(sent).toBe(0)
    }
  )

  it('NODE_DEBUG of a module that never sees a request is left alone', async () => {
    const { r } = await login({ HTTPS_PROXY: proxyWithCredentials(), NODE_DEBUG: 'module' })
    expect(r.code).toBe(0)
  })

  it.each([
    ['HTTPS_PROXY', `http://ci-user:${PASSWORD}@@[bad:1`],
    ['https_proxy', `http://ci-user:${PASSWORD}@[::1`],
    ['HTTPS_PROXY', `socks5://ci-user:${PASSWORD}@127.0.0.1:1080`],
    ['HTTPS_PROXY', `${PASSWORD}:8080`],
    ['HTTP_PROXY', `http://ci-user:${PASSWORD}@@[bad:1`]
  ])('a %s that cannot be used is refused in one line naming it, before any request', async (name, value) => {
    const { r, sent } = await login({ [name]: value }, true)
    expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^${name} is set but is not a proxy URL`))])
    expect(sent).toBe(0)
  })

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 is refused before any request, pointing to NODE_EXTRA_CA_CERTS', async () => {
    const { r, sent } = await login({ NODE_EXTRA_CA_CERTS: '', NODE_TLS_REJECT_UNAUTHORIZED: '0' }, true)
    expect(r.errors).toEqual([expect.stringMatching(/^NODE_TLS_REJECT_UNAUTHORIZED=0 turns off.*NODE_EXTRA_CA_CERTS/)])
    expect(sent).toBe(0)
  })

  it.each(['client-credentials', 'sfdx-url'])('the same refusals hold in the %s flow', async flow => {
    const flows = await setUpFlows()
    try {
      const inputs: Record<string, string> =
        flow === 'client-credentials'
          ? { 'client-id': flows.cc.clientId, 'client-secret': flows.cc.clientSecret, 'login-url': flows.server.url }
          : { 'sfdx-auth-url': flows.sfdxUrl() }
      const envs: Record<string, string>[] = [
        { NODE_DEBUG: 'http' },
        { HTTPS_PROXY: 'http://u:p@@[bad:1' },
        { NODE_TLS_REJECT_UNAUTHORIZED: '0' }
      ]
      for (const env of envs) {
        const before = flows.server.requests.length
        const r = await flows.step(inputs, { env })
        expect(r.errors).toEqual([expect.stringMatching(/^(NODE_DEBUG|HTTPS_PROXY|NODE_TLS_REJECT_UNAUTHORIZED)/)])
        expect(flows.server.requests.length).toBe(before)
      }
    } finally {
      await flows.close()
    }
  })
})

describe('hosts are normalized once, before every host rule (issue 20)', () => {
  it.each([
    ['https://acme.lightning.force.com..', "has a host with an empty label \\('https://acme\\.lightning\\.force\\.com\\.\\.'\\)"],
    ['https://acme..my.salesforce.com', 'has a host with an empty label'],
    [
      'https://ACME--UAT.Sandbox.Lightning.Force.Com.',
      'is a Lightning Experience address .* Use the My Domain URL, https://acme--uat\\.sandbox\\.my\\.salesforce\\.com\\.'
    ]
  ])('login-url %s is refused before any request', async (url, message) => {
    await refusedBeforeAnyRequest({ 'login-url': url }, new RegExp(`^Input 'login-url' ${message}`))
  })

  it.each(['acme.lightning.force.com..', 'acme.lightning.force.com.', 'ACME.LIGHTNING.FORCE.COM', 'acme..my.salesforce.com'])(
    'an SFDX auth URL on %s is refused before its refresh token goes anywhere',
    async host => {
      const flows = await setUpFlows()
      try {
        const before = flows.server.requests.length
        const r = await flows.step(
          { 'sfdx-auth-url': flows.sfdxUrl(undefined, host), 'max-attempts': '1', 'request-timeout-seconds': '2' },
          { env: { NODE_OPTIONS: LOOPBACK_IMPORT } }
        )
        expect(r.errors).toEqual([
          expect.stringMatching(/^Input 'sfdx-auth-url' has a host (with an empty label|that is not a Salesforce login)/)
        ])
        expect(flows.server.requests.length).toBe(before)
      } finally {
        await flows.close()
      }
    }
  )
})
