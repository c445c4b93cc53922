import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, createPublicKey, X509Certificate } from 'node:crypto'
import { appFor, rememberSecret, setUp, USERNAME, type Fixture, type StepResult } from './support/harness.js'
import { certificateWithDates, rsaKeyPair, selfSignedCertificate } from '../fakes/keys.mjs'

let f: Fixture
beforeAll(async () => {
  f = await setUp()
})
afterAll(() => f.close())

const revokeRequests = (): number => f.server.requests.filter(r => r.path === '/services/oauth2/revoke').length

describe('revoke-token', () => {
  it('revokes the token in the post step when on', async () => {
    const main = await f.step({ 'revoke-token': 'true' })
    expect(main.code).toBe(0)
    const token = main.outputs.access_token
    expect(main.state).toEqual({ isPost: 'true', token, loginUrl: f.server.url })
    const post = await f.post(main, { 'revoke-token': 'true' })
    expect(post.code).toBe(0)
    expect(f.server.revoked).toContain(token)
    expect(post.masks).toContain(token)
    expect(post.visible).toContain(`Revoked the access token at ${f.server.url}/services/oauth2/revoke.`)
  })

  it('leaves the token alone by default: no state, no request', async () => {
    const main = await f.step()
    expect(main.code).toBe(0)
    expect(main.state.token).toBeUndefined()
    const before = revokeRequests()
    const post = await f.post(main)
    expect(post.code).toBe(0)
    expect(revokeRequests()).toBe(before)
    expect(post.errors).toEqual([])
    expect(post.warnings).toEqual([])
  })

  it('does nothing after a failed main step', async () => {
    const username = 'unapproved@acme.example'
    f.server.addUser(username, { approved: false })
    const main = await f.step({ 'revoke-token': 'true', username })
    expect(main.code).toBe(1)
    const before = f.server.requests.length
    const post = await f.post(main, { 'revoke-token': 'true', username })
    expect(post.code).toBe(0)
    expect(f.server.requests.length).toBe(before)
    expect(post.errors).toEqual([])
  })

  it('does nothing after a main step that stopped at its inputs', async () => {
    const main = await f.step({ 'revoke-token': 'true', 'client-id': '' })
    expect(main.code).toBe(1)
    expect(main.state).toEqual({ isPost: 'true' })
    const before = f.server.requests.length
    const post = await f.post(main, { 'revoke-token': 'true', 'client-id': '' })
    expect(post.code).toBe(0)
    expect(f.server.requests.length).toBe(before)
  })

  it('only warns when revocation fails', async () => {
    const main = await f.step({ 'revoke-token': 'true' })
    f.server.revokeFails = true
    try {
      const post = await f.post(main, { 'revoke-token': 'true' })
      expect(post.code).toBe(0)
      expect(post.errors).toEqual([])
      expect(post.warnings).toHaveLength(1)
      expect(post.warnings[0]).toMatch(
        /^Could not revoke the access token at .*\/services\/oauth2\/revoke \(HTTP 503 server_error: scripted revoke failure\)/
      )
      expect(f.server.revoked).not.toContain(main.outputs.access_token)
    } finally {
      f.server.revokeFails = false
    }
  })

  it('refuses a revoke-token that is not a boolean', async () => {
    const before = f.server.requests.length
    const r = await f.step({ 'revoke-token': 'yes' })
    expect(r.code).toBe(1)
    expect(r.errors[0]).toMatch(/^Input 'revoke-token' must be true or false, not 'yes'/)
    expect(f.server.requests.length).toBe(before)
  })
})

describe('certificate pre-flight', () => {
  const fingerprint = (pem: string): string =>
    createHash('sha256')
      .update(createPublicKey(pem).export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .replace(/(..)(?!$)/g, '$1:')
      .toUpperCase()

  it('accepts the matching certificate and outputs its expiry', async () => {
    const r = await f.step({ certificate: f.identity.certificate })
    expect(r.code).toBe(0)
    expect(r.warnings).toEqual([])
    expect(r.outputs.certificate_expires_at).toBe(new Date(new X509Certificate(f.identity.certificate).validTo).toISOString())
  })

  it('refuses a certificate of another key before any request, showing both fingerprints', async () => {
    const other = rsaKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    rememberSecret(other)
    const otherCert = selfSignedCertificate(other)
    const before = f.server.requests.length
    const r = await f.step({ certificate: otherCert })
    expect(r.code).toBe(1)
    expect(f.server.requests.length).toBe(before)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain(
      `The private key does not match input 'certificate': Salesforce would refuse the login with "invalid assertion".`
    )
    expect(r.errors[0]).toContain(`private key ${fingerprint(f.identity.pkcs8)}, certificate ${fingerprint(otherCert)}.`)
  })

  it('warns of a certificate that expires within 30 days, and still logs in', async () => {
    const cert = selfSignedCertificate(f.identity.pkcs8, { days: 10 })
    const r = await f.step({ certificate: cert })
    expect(r.code).toBe(0)
    const day = new Date(new X509Certificate(cert).validTo).toISOString().slice(0, 10)
    expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`^The certificate expires on ${day} \\(in (9|10) days\\)`))])
  })

  it('warns of an expired certificate, and still logs in', async () => {
    const cert = certificateWithDates(f.identity.pkcs8, '20200101000000Z', '20210101000000Z')
    const r = await f.step({ certificate: cert })
    expect(r.code).toBe(0)
    expect(r.warnings).toEqual([expect.stringMatching(/^The certificate expired on 2021-01-01\./)])
    expect(r.outputs.certificate_expires_at).toBe('2021-01-01T00:00:00.000Z')
  })

  it.each([
    ['text that is not a certificate', 'not a certificate at all', /^Input 'certificate' is not a PEM certificate/],
    [
      'a damaged certificate',
      '-----BEGIN CERTIFICATE-----\nMIIBnotreallyacert\n-----END CERTIFICATE-----',
      /^Input 'certificate' holds a CERTIFICATE block that is not a valid certificate/
    ]
  ])('refuses %s before any request', async (_name, certificate, message) => {
    const before = f.server.requests.length
    const r = await f.step({ certificate })
    expect(r.code).toBe(1)
    expect(r.errors[0]).toMatch(message)
    expect(f.server.requests.length).toBe(before)
  })
})

describe('allowed-org-ids', () => {
  it.each([
    ['the 15-character id', () => f.server.orgId.slice(0, 15)],
    ['the 18-character id', () => f.server.orgId],
    ['a newline-separated list', () => `00D000000000001\n${f.server.orgId}\n`],
    ['a comma-separated list', () => `00D000000000001, ${f.server.orgId.slice(0, 15)}`]
  ])('lets the login through with %s', async (_name, ids) => {
    const r = await f.step({ 'allowed-org-ids': ids() })
    expect(r.code).toBe(0)
    expect(r.outputs.org_id).toBe(f.server.orgId)
  })

  it('compares the 15-character form case-sensitively', async () => {
    const other = f.server.orgId.slice(0, 14) + (f.server.orgId[14] === 'a' ? 'b' : 'a')
    const r = await f.step({ 'allowed-org-ids': other })
    expect(r.code).toBe(1)
  })

  it('fails for another org: no outputs, the token revoked, the org named', async () => {
    const r = await f.step({ 'allowed-org-ids': '00D000000000001AAA', 'export-env': 'true', 'revoke-token': 'true' })
    expect(r.code).toBe(1)
    expect(r.outputs).toEqual({})
    expect(r.env).toEqual({})
    expect(r.state).toEqual({ isPost: 'true' })
    expect(r.summary).toBe('')
    const token = f.server.tokens.at(-1)!
    expect(f.server.revoked).toContain(token)
    expect(r.errors).toEqual([
      `Logged in to org ${f.server.orgId} at https://acme.my.salesforce.com, which is not in 'allowed-org-ids' (00D000000000001AAA). The token was revoked. No outputs were set. Check 'login-url' and 'username', or add the org to 'allowed-org-ids'.`
    ])
  })

  it("says so when revoking the wrong org's token fails, and leaves it to the post step with revoke-token", async () => {
    f.server.revokeFails = true
    try {
      const plain = await f.step({ 'allowed-org-ids': '00D000000000001AAA' })
      expect(plain.code).toBe(1)
      expect(plain.outputs).toEqual({})
      expect(plain.errors[0]).toContain(
        'Revoking that token failed (HTTP 503 server_error: scripted revoke failure); it expires with the session.'
      )
      const main = await f.step({ 'allowed-org-ids': '00D000000000001AAA', 'revoke-token': 'true' })
      expect(main.errors[0]).toContain(
        'Revoking that token failed (HTTP 503 server_error: scripted revoke failure); the post step tries again.'
      )
      const token = f.server.tokens.at(-1)!
      f.server.revokeFails = false
      const post = await f.post(main, { 'allowed-org-ids': '00D000000000001AAA', 'revoke-token': 'true' })
      expect(post.code).toBe(0)
      expect(f.server.revoked).toContain(token)
    } finally {
      f.server.revokeFails = false
    }
  })

  it('fails closed when the answer has no identity URL: the org cannot be checked', async () => {
    const token = `${f.server.orgId.slice(0, 15)}!ARnoIdentityUrl0123456789abcdefghijklmnop`
    rememberSecret(token)
    f.server.fault({
      raw: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ access_token: token, instance_url: 'https://acme.my.salesforce.com', token_type: 'Bearer' })
      }
    })
    const r = await f.step({ 'allowed-org-ids': f.server.orgId })
    expect(r.code).toBe(1)
    expect(r.outputs).toEqual({})
    expect(r.errors[0]).toMatch(/^Logged in to org \(unknown: no identity URL in the answer\)/)
  })

  it('refuses a list holding something that is not an org id, before any request', async () => {
    const before = f.server.requests.length
    const r = await f.step({ 'allowed-org-ids': `${f.server.orgId}, 005000000000001` })
    expect(r.code).toBe(1)
    expect(r.errors[0]).toMatch(/^Input 'allowed-org-ids' holds '005000000000001', which is not a Salesforce org id/)
    expect(f.server.requests.length).toBe(before)
  })
})

describe('export-env', () => {
  it('exports the token and instance URL for the CLI, and clears them in the post step', async () => {
    const main = await f.step({ 'export-env': 'true' })
    expect(main.code).toBe(0)
    expect(main.env).toEqual({ SF_ACCESS_TOKEN: main.outputs.access_token, SF_ORG_INSTANCE_URL: 'https://acme.my.salesforce.com' })
    const post = await f.post(main, { 'export-env': 'true' })
    expect(post.code).toBe(0)
    expect(post.env).toEqual({ SF_ACCESS_TOKEN: '', SF_ORG_INSTANCE_URL: '' })
  })

  it('exports nothing unless export-env is on, whatever else is on', async () => {
    const r = await f.step({ 'revoke-token': 'true', certificate: f.identity.certificate })
    expect(r.code).toBe(0)
    expect(r.env).toEqual({})
  })

  it('exports nothing by default', async () => {
    const main = await f.step()
    expect(main.env).toEqual({})
  })
})

describe('job-summary', () => {
  const summaryOf = (r: StepResult): string => r.summary
  it('summarises who logged in where, and never the token', async () => {
    const r = await f.step({ certificate: f.identity.certificate })
    const user = f.server.users.get(USERNAME)!
    const s = summaryOf(r)
    expect(s).toContain('### Salesforce login')
    expect(s).toContain(`| User | ${USERNAME} (${user.userId}) |`)
    expect(s).toContain(`| Org id | ${f.server.orgId} |`)
    expect(s).toContain('| Instance URL | https://acme.my.salesforce.com |')
    expect(s).toContain(`| Login URL | ${f.server.url} |`)
    expect(s).toContain('| Audience | https://login.salesforce.com |')
    expect(s).toContain(`| Certificate expires | ${r.outputs.certificate_expires_at} |`)
    expect(s).not.toContain(r.outputs.access_token)
  })

  it('writes none with job-summary: false', async () => {
    const r = await f.step({ 'job-summary': 'false' })
    expect(r.code).toBe(0)
    expect(r.summary).toBe('')
  })

  it('writes none when the login fails', async () => {
    const clientId = appFor(f.server, rsaKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
    const r = await f.step({ 'client-id': clientId })
    expect(r.code).toBe(1)
    expect(r.summary).toBe('')
  })
})
