import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SANDBOX_AUDIENCE } from '../fakes/fake-salesforce.mjs'
import { appFor, rememberSecret, setUp, USERNAME, type Fixture, type StepResult } from './support/harness.js'
import { opensslEncryptedKey, rsaKeyPair } from '../fakes/keys.mjs'

let f: Fixture
beforeAll(async () => {
  f = await setUp()
})
afterAll(() => f.close())

function expectSuccess(r: StepResult): void {
  expect(r.errors).toEqual([])
  expect(r.code).toBe(0)
  const token = f.server.tokens.at(-1)!
  expect(r.outputs.access_token).toBe(token)
  expect(r.masks).toContain(token)
}

describe('a successful login', () => {
  it('signs a correct assertion, masks first, and sets every output', async () => {
    const before = f.server.tokenRequests().length
    const r = await f.step()
    expectSuccess(r)
    const requests = f.server.tokenRequests().slice(before)
    expect(requests).toHaveLength(1)
    const [req] = requests
    // Only a form body with exactly the two parameters; nothing in the URL or headers.
    expect(req.method).toBe('POST')
    expect(req.url).toBe('/services/oauth2/token')
    expect(Object.keys(req.form).sort()).toEqual(['assertion', 'grant_type'])
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(req.headers.authorization).toBeUndefined()
    expect(req.header).toEqual({ alg: 'RS256', typ: 'JWT' })
    const claims = req.claims!
    expect(claims.iss).toBe(f.clientId)
    expect(claims.sub).toBe(USERNAME)
    expect(claims.aud).toBe('https://login.salesforce.com')
    const ahead = claims.exp - Date.now() / 1000
    expect(ahead).toBeGreaterThan(60)
    expect(ahead).toBeLessThanOrEqual(300)
    expect(typeof claims.jti).toBe('string')

    const assertion = req.form.assertion
    const lines = r.stdout.split('\n')
    const at = (pred: (l: string) => boolean): number => lines.findIndex(pred)
    expect(at(l => l === `::add-mask::${assertion}`)).toBeGreaterThanOrEqual(0)
    expect(at(l => l === `::add-mask::${assertion}`)).toBeLessThan(at(l => l.startsWith('Requesting a token')))
    expect(at(l => l === `::add-mask::${r.outputs.access_token}`)).toBeLessThan(at(l => l.startsWith('Authenticated as')))

    const user = f.server.users.get(USERNAME)!
    expect(r.outputs).toEqual({
      access_token: f.server.tokens.at(-1),
      instance_url: 'https://acme.my.salesforce.com',
      id: `https://login.salesforce.com/id/${f.server.orgId}/${user.userId}`,
      org_id: f.server.orgId,
      user_id: user.userId,
      scope: 'api web',
      token_type: 'Bearer'
    })
    expect(r.visible).toContain(
      `Requesting a token from ${f.server.url}/services/oauth2/token for ${USERNAME} (audience https://login.salesforce.com)`
    )
    expect(r.visible).toContain(
      `Authenticated as ${USERNAME} (user ${user.userId}) to org ${f.server.orgId} at https://acme.my.salesforce.com.`
    )
  })

  it('uses a fresh jti every time', async () => {
    await f.step()
    await f.step()
    const jtis = f.server.tokenRequests().map(r => r.claims?.jti)
    expect(new Set(jtis).size).toBe(jtis.length)
  })

  it('debug-logs the non-secret claims, and nothing more (the runner shows debug lines only with step debugging)', async () => {
    const r = await f.step()
    expectSuccess(r)
    const jti = f.server.tokenRequests().at(-1)!.claims!.jti
    const debug = r.stdout.split('\n').filter(l => l.startsWith('::debug::'))
    expect(debug).toEqual([
      expect.stringMatching(
        new RegExp(`^::debug::Assertion claims: iss=${f.clientId} sub=${USERNAME} aud=https://login.salesforce.com exp=\\d+ jti=${jti}$`)
      )
    ])
  })

  const pkcs1 = (): string => f.identity.pkcs1
  const pkcs8 = (): string => f.identity.pkcs8
  it.each([
    ['PKCS#1', () => pkcs1()],
    ['PKCS#8', () => pkcs8()],
    ['base64 of the whole PEM', () => Buffer.from(pkcs8()).toString('base64')],
    [
      'base64 of a PKCS#1 PEM with line breaks',
      () =>
        Buffer.from(pkcs1())
          .toString('base64')
          .replace(/(.{76})/g, '$1\n')
    ],
    ['one line with literal \\n', () => pkcs1().trim().replace(/\n/g, '\\n')],
    ['CRLF line ends', () => pkcs8().replace(/\n/g, '\r\n')],
    ['surrounding whitespace and blank lines', () => `\n\n   ${pkcs1()}   \n\n`],
    ['spaces instead of line breaks', () => pkcs8().trim().replace(/\n/g, ' ')],
    ['a key followed by its certificate', () => pkcs8() + f.identity.certificate]
  ])('accepts the key as %s', async (_shape, key) => {
    const text = key()
    rememberSecret(text)
    expectSuccess(await f.step({ 'private-key': text }))
  })

  it.each([
    ['the openssl genrsa -des3 recipe (encrypted PKCS#8)', 'pass phrase 1', () => opensslEncryptedKey('pass phrase 1')],
    ['a traditional DES-EDE3 PKCS#1 key', 'x-legacy-pass', () => opensslEncryptedKey('x-legacy-pass', { traditional: true })],
    [
      'an AES-256 encrypted PKCS#8 key',
      'aes%pass',
      () => rsaKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'aes%pass' }) as string
    ]
  ])('accepts %s with its passphrase, and masks the passphrase', async (_shape, passphrase, make) => {
    const pem = make()
    const clientId = appFor(f.server, pem, passphrase)
    const r = await f.step({ 'client-id': clientId, 'private-key': pem, 'private-key-passphrase': passphrase })
    expectSuccess(r)
    expect(r.masks).toContain(passphrase)
  })

  it('reads private-key-file relative to the workspace, and masks the key lines it read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-ws-'))
    try {
      writeFileSync(join(dir, 'server.key'), f.identity.pkcs1)
      const r = await f.step({ 'private-key': '', 'private-key-file': 'server.key' }, { dir })
      expectSuccess(r)
      const bodyLine = f.identity.pkcs1.split('\n')[1]
      expect(r.masks).toContain(bodyLine)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('resolves a relative private-key-file from GITHUB_WORKSPACE, not the working directory', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'sf-jwt-ws-'))
    try {
      writeFileSync(join(ws, 'server.key'), f.identity.pkcs1)
      const r = await f.step({ 'private-key': '', 'private-key-file': 'server.key' }, { env: { GITHUB_WORKSPACE: ws } })
      expect(r.errors).toEqual([])
      expect(r.code).toBe(0)
    } finally {
      rmSync(ws, { recursive: true, force: true })
    }
  })

  it('never writes the key to disk (workspace, RUNNER_TEMP, TMPDIR)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sf-jwt-tmpdir-'))
    try {
      const r = await f.step({}, { env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp } })
      expect(r.code).toBe(0)
      const keyLines = f.identity.pkcs8.trim().split('\n').slice(1, -1)
      for (const dir of [r.dir, tmp]) {
        for (const path of (readdirSync(dir, { recursive: true }) as string[]).map(p => join(dir, p))) {
          if (!statSync(path).isFile()) continue
          const text = readFileSync(path, 'latin1')
          expect(`${path}: ${keyLines.some(line => text.includes(line))}`).toBe(`${path}: false`)
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })

  it('masks every decoded line of a key that arrived base64-encoded', async () => {
    const r = await f.step({ 'private-key': Buffer.from(f.identity.pkcs8).toString('base64') })
    expectSuccess(r)
    for (const line of f.identity.pkcs8.trim().split('\n').slice(1, -1)) expect(r.masks).toContain(line)
  })

  it('warns when a passphrase is given for a key that is not encrypted', async () => {
    rememberSecret('unused-passphrase')
    const r = await f.step({ 'private-key-passphrase': 'unused-passphrase' })
    expectSuccess(r)
    expect(r.warnings.join()).toMatch(/'private-key-passphrase' is set but the key is not encrypted/)
  })

  it('logs in to a sandbox with audience: sandbox', async () => {
    f.server.audiences = [SANDBOX_AUDIENCE]
    try {
      const r = await f.step({ audience: 'sandbox' })
      expectSuccess(r)
      expect(f.server.tokenRequests().at(-1)!.claims!.aud).toBe(SANDBOX_AUDIENCE)
      expect(r.visible).toContain('(audience https://test.salesforce.com)')
    } finally {
      f.server.audiences = ['https://login.salesforce.com']
    }
  })

  it('takes an explicit audience URL (a My Domain) as given', async () => {
    f.server.audiences = ['https://acme.my.salesforce.com']
    try {
      expectSuccess(await f.step({ audience: 'https://acme.my.salesforce.com/' }))
      expect(f.server.tokenRequests().at(-1)!.claims!.aud).toBe('https://acme.my.salesforce.com')
    } finally {
      f.server.audiences = ['https://login.salesforce.com']
    }
  })
})

describe('bad input is refused before any request', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const ecSec1 = createPrivateKey(ec).export({ type: 'sec1', format: 'pem' }) as string
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string
  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const openssh =
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n'
  const encrypted = (): string =>
    f.identity.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right-one' }) as string
  rememberSecret(ec, ecSec1, small, ed, 'right-one', 'wrong-one')

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an empty client-id',
      { 'client-id': '' },
      /^Input 'client-id' is required but empty.*secrets are not passed to workflows triggered from forks/
    ],
    ['an empty username', { username: '  ' }, /^Input 'username' is required but empty.*Dependabot/],
    ['both key inputs', { 'private-key-file': 'server.key' }, /^Inputs 'private-key' and 'private-key-file' are both set/],
    ['neither key input', { 'private-key': '' }, /^Input 'private-key' is empty and 'private-key-file' is not set.*forks/],
    [
      'key text given as private-key-file (not echoed)',
      { 'private-key': '', 'private-key-file': 'KEYTEXT' },
      /^Input 'private-key-file' holds what looks like key text, not a path \(not shown here\)\. Pass the key from a secret through 'private-key'/
    ],
    [
      'a Lightning page as login-url',
      { 'login-url': 'https://acme.lightning.force.com/lightning/page/home' },
      /^Input 'login-url' is a Lightning Experience address \('acme.lightning.force.com'\), not a login host\. Use the My Domain URL, https:\/\/acme\.my\.salesforce\.com\./
    ],
    [
      'a missing key file',
      { 'private-key': '', 'private-key-file': 'nope/server.key' },
      /^Input 'private-key-file' names 'nope\/server.key', which could not be read \(ENOENT/
    ],
    ['text that is not a key', { 'private-key': 'hunter2-not-a-key' }, /^Input 'private-key' is not a PEM private key/],
    ['a certificate', { 'private-key': 'CERT' }, /^Input 'private-key' holds a certificate, not a private key/],
    ['a public key', { 'private-key': 'PUBLIC' }, /^Input 'private-key' holds a public key/],
    ['an OpenSSH key', { 'private-key': openssh }, /^Input 'private-key' holds an OpenSSH private key.*ssh-keygen -p -m PEM/],
    [
      'an EC key (PKCS#8)',
      { 'private-key': ec },
      /^Input 'private-key' holds an EC key; Salesforce signs JWT bearer assertions with RS256 only/
    ],
    ['an EC key (SEC1)', { 'private-key': ecSec1 }, /^Input 'private-key' holds an EC key/],
    ['an Ed25519 key', { 'private-key': ed }, /^Input 'private-key' holds an ED25519 key/],
    [
      'a 1024-bit RSA key',
      { 'private-key': small },
      /^Input 'private-key' holds a 1024-bit RSA key; RS256 signing needs at least 2048 bits/
    ],
    [
      'an encrypted key without passphrase',
      { 'private-key': 'ENCRYPTED' },
      /^Input 'private-key' is an encrypted private key and no passphrase was given.*'private-key-passphrase'/
    ],
    [
      'an encrypted key with a wrong passphrase',
      { 'private-key': 'ENCRYPTED', 'private-key-passphrase': 'wrong-one' },
      /^Input 'private-key' could not be decrypted with the given passphrase/
    ],
    ['an http login-url', { 'login-url': 'http://login.salesforce.com' }, /^Input 'login-url' must be an https URL, not http:/],
    [
      'a login-url off Salesforce',
      { 'login-url': 'https://login.salesforce.com.evil.example' },
      /^Input 'login-url' is not a Salesforce host \('login.salesforce.com.evil.example'\)/
    ],
    ['a login-url that is not a URL', { 'login-url': 'login.salesforce.com' }, /^Input 'login-url' is not a URL/],
    [
      'an audience that is neither word nor URL',
      { audience: 'prod' },
      /^Input 'audience' is neither 'production', 'sandbox' nor a URL \('prod'\)/
    ],
    ['an http audience', { audience: 'http://login.salesforce.com' }, /^Input 'audience' must be an https URL/]
  ])('%s', async (_name, inputs, message) => {
    const placeholders: Record<string, () => string> = {
      CERT: () => f.identity.certificate,
      PUBLIC: () => f.identity.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      ENCRYPTED: encrypted,
      KEYTEXT: () => f.identity.pkcs8
    }
    const resolved = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, placeholders[v]?.() ?? v]))
    const before = f.server.requests.length
    const r = await f.step(resolved)
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(message)
    expect(r.stderr).toBe('')
    expect(f.server.requests.length).toBe(before)
    expect(r.outputs).toEqual({})
  })
})

describe("Salesforce's refusals are quoted verbatim, with the fix", () => {
  const otherKey = rsaKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  rememberSecret(otherKey)

  async function refused(inputs: Record<string, string> = {}): Promise<string> {
    const before = f.server.tokenRequests().length
    const r = await f.step(inputs)
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.outputs).toEqual({})
    expect(f.server.tokenRequests().length - before).toBe(1)
    return r.errors[0]
  }
  const withUser = async (extra: Record<string, unknown>, fn: (username: string) => Promise<void>): Promise<void> => {
    const username = `user-${Math.random().toString(36).slice(2)}@acme.example`
    f.server.addUser(username, extra)
    await fn(username)
  }

  it("user hasn't approved this consumer", () =>
    withUser({ approved: false }, async username => {
      const msg = await refused({ username })
      expect(msg).toContain(
        `Salesforce refused the login (HTTP 400): error "invalid_grant", error_description "user hasn't approved this consumer".`
      )
      expect(msg).toContain('Admin approved users are pre-authorized')
      expect(msg).toContain(`(login-url ${f.server.url}, audience https://login.salesforce.com)`)
    }))

  it('invalid assertion (the certificate does not match the key)', async () => {
    const clientId = appFor(f.server, otherKey)
    const msg = await refused({ 'client-id': clientId })
    expect(msg).toContain('error "invalid_grant", error_description "invalid assertion".')
    expect(msg).toContain('does not belong to this private key')
  })

  it('client identifier invalid', async () => {
    const msg = await refused({ 'client-id': '3MVG9unknownconsumerkey' })
    expect(msg).toContain('error "invalid_client_id", error_description "client identifier invalid".')
    expect(msg).toContain('2 to 10 minutes')
  })

  it('audience is invalid (production audience sent to a sandbox)', async () => {
    f.server.audiences = [SANDBOX_AUDIENCE]
    try {
      const msg = await refused({ audience: 'production' })
      expect(msg).toContain('error "invalid_grant", error_description "audience is invalid".')
      expect(msg).toContain(`(login-url ${f.server.url}, audience https://login.salesforce.com)`)
      expect(msg).toContain("audience 'sandbox'")
    } finally {
      f.server.audiences = ['https://login.salesforce.com']
    }
  })

  it("expired authorization code (the runner's clock is behind)", async () => {
    f.server.clockAheadSeconds = 600
    try {
      const msg = await refused()
      expect(msg).toContain('error "invalid_grant", error_description "expired authorization code".')
      expect(msg).toContain("runner's clock")
    } finally {
      f.server.clockAheadSeconds = 0
    }
  })

  it('user is not admin approved to access this app', () =>
    withUser({ appAccess: false }, async username => {
      const msg = await refused({ username })
      expect(msg).toContain('error "invalid_app_access", error_description "user is not admin approved to access this app".')
      expect(msg).toContain('permission set')
    }))

  it('External client app is not installed in this org', async () => {
    const clientId = appFor(f.server, otherKey)
    f.server.apps.get(clientId)!.installed = false
    const msg = await refused({ 'client-id': clientId, 'private-key': otherKey })
    expect(msg).toContain('error "app_not_found", error_description "External client app is not installed in this org".')
    expect(msg).toContain('My Domain URL')
  })

  it('login rate exceeded', () =>
    withUser({}, async username => {
      f.server.logins.set(username, f.server.loginRateLimit)
      const msg = await refused({ username })
      expect(msg).toContain('error "invalid_grant", error_description "login rate exceeded".')
      expect(msg).toContain('once per job')
    }))

  it('inactive user', () =>
    withUser({ active: false }, async username => {
      const msg = await refused({ username })
      expect(msg).toContain('error "invalid_grant", error_description "inactive user".')
      expect(msg).toContain('deactivated or frozen')
    }))

  it('ip restricted', () =>
    withUser({ ipRestricted: true }, async username => {
      const msg = await refused({ username })
      expect(msg).toContain('error "invalid_grant", error_description "ip restricted".')
      expect(msg).toContain('IP Relaxation')
    }))

  it('grant type not supported', async () => {
    f.server.fault({ status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } })
    const msg = await refused()
    expect(msg).toContain('error "unsupported_grant_type", error_description "grant type not supported".')
    expect(msg).toContain('redirect or a proxy')
  })

  it('an error not in the catalogue still gets its words and a sensible fix', async () => {
    f.server.fault({ status: 400, body: { error: 'invalid_request', error_description: 'something new went wrong' } })
    const msg = await refused()
    expect(msg).toContain('error "invalid_request", error_description "something new went wrong".')
    expect(msg).toContain("Check 'client-id', 'username'")
  })

  it('fails, with no outputs, when instance_url is not https', async () => {
    f.server.instanceUrl = 'http://acme.my.salesforce.com'
    try {
      const r = await f.step()
      expect(r.code).toBe(1)
      expect(r.errors[0]).toMatch(/instance_url that is not https \('http:\/\/acme.my.salesforce.com'\)/)
      expect(r.outputs).toEqual({})
      expect(r.masks).toContain(f.server.tokens.at(-1))
    } finally {
      f.server.instanceUrl = 'https://acme.my.salesforce.com'
    }
  })
})
