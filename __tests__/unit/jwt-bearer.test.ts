// The JWT bearer flow's login through the FlowIo seam: what it masks, signs, sends, retries and returns.
import { afterAll, describe, expect, it } from '@jest/globals'
import jwt from 'jsonwebtoken'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AttemptError } from '../../src/attempt.js'
import { ActionError } from '../../src/errors.js'
import { jwtBearer } from '../../src/flows/jwt-bearer/index.js'
import { encryptedPkcs8, rsaKey } from './fixtures.js'
import type { Login } from '../../src/flows/flow.js'
import { json, recordingIo, type EdgeOptions } from './step-edge.js'

const LOGIN_URL = 'https://acme.my.salesforce.com'
const TOKEN_URL = `${LOGIN_URL}/services/oauth2/token`
const CLIENT_ID = '3MVG9placeholderConsumerKey'
const USERNAME = 'ci@acme.example'
const AUDIENCE = 'https://login.salesforce.com'
const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const KEY = rsaKey()
const PASSPHRASE = 'correct horse battery staple'
const ANSWER = {
  access_token: `00D5g000004ABCD!AR8AQO.fake.jwt.token.${'j'.repeat(40)}`,
  instance_url: LOGIN_URL,
  id: 'https://login.salesforce.com/id/00D5g000004ABCDEAA/0055g000003XYZWAA2',
  token_type: 'Bearer',
  scope: 'api'
}
const REQUESTING = `info Requesting a token from ${TOKEN_URL} for ${USERNAME} (audience ${AUDIENCE}).`

const workspace = mkdtempSync(join(tmpdir(), 'sf-jwt-unit-ws-'))
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

const inputs = (more: Record<string, string>) => {
  const values: Record<string, string> = { username: USERNAME, 'login-url': LOGIN_URL, ...more }
  return jwtBearer.read(name => values[name] ?? '', CLIENT_ID)
}

async function login(more: Record<string, string> = { 'private-key': KEY.pkcs8 }, options: EdgeOptions = {}) {
  const r = recordingIo({ answer: () => json(200, ANSWER), ...options })
  const result = await jwtBearer.login(inputs(more), { workspace, env: {} }, r.io).catch((e: unknown) => e)
  return { ...r, result }
}

/** The base64 lines of a PEM: what must be masked before anything is written. */
const keyLines = (pem: string): string[] => pem.split('\n').filter(l => l !== '' && !l.startsWith('-----'))

/** The assertions sent, verified with the public key (so each was signed by the key given). */
const sentClaims = (posts: { form: Record<string, string> }[]) =>
  posts.map(p => {
    expect(p.form.grant_type).toBe(GRANT)
    expect(Object.keys(p.form).sort()).toEqual(['assertion', 'grant_type'])
    return jwt.verify(p.form.assertion, KEY.publicKey, { algorithms: ['RS256'] }) as Record<string, unknown>
  })

describe('the JWT bearer login', () => {
  it('masks every line of the key before anything else, then the assertion before it is sent', async () => {
    const r = await login()
    const assertion = r.posts[0].form.assertion
    const masked = r.events.indexOf(`mask ${assertion}`)
    const before = r.events.slice(0, masked)
    expect(before.every(e => e.startsWith('mask '))).toBe(true)
    expect(before).toEqual(expect.arrayContaining(keyLines(KEY.pkcs8).map(l => `mask ${l}`)))
    expect(r.events.slice(masked + 1)).toEqual([
      REQUESTING,
      expect.stringMatching(
        new RegExp(`^debug Assertion claims: iss=${CLIENT_ID} sub=${USERNAME} aud=${AUDIENCE} exp=\\d+ jti=[0-9a-f-]{36}$`)
      ),
      `post ${TOKEN_URL} ${new URLSearchParams({ grant_type: GRANT, assertion })}`,
      `mask ${ANSWER.access_token}`
    ])
  })

  it('sends an assertion signed by the key for the user, the app and the audience, short-lived', async () => {
    const before = Math.floor(Date.now() / 1000)
    const r = await login()
    const [claims] = sentClaims(r.posts)
    expect(claims).toEqual({ iss: CLIENT_ID, sub: USERNAME, aud: AUDIENCE, exp: expect.any(Number), jti: expect.any(String) })
    expect(claims.exp as number).toBeGreaterThanOrEqual(before + 180)
    expect(claims.exp as number).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 180)
    expect(r.posts[0]).toMatchObject({ url: TOKEN_URL, timeoutMs: 30_000 })
  })

  it('returns the token with the user and audience it asked for, and no certificate date without a certificate', async () => {
    const r = await login()
    expect(r.result).toEqual({ token: ANSWER, username: USERNAME, audience: AUDIENCE, certificateExpiresAt: undefined } satisfies Login)
  })

  it('signs a fresh assertion for each attempt of a transient failure, and says once where it asks', async () => {
    const r = await login(undefined, { answer: (_u, _f, n) => (n === 1 ? json(500, {}) : json(200, ANSWER)) })
    const claims = sentClaims(r.posts)
    expect(claims).toHaveLength(2)
    expect(claims[0].jti).not.toBe(claims[1].jti)
    expect(r.posts[0].form.assertion).not.toBe(r.posts[1].form.assertion)
    for (const p of r.posts)
      expect(r.events.indexOf(`mask ${p.form.assertion}`)).toBeLessThan(
        r.events.indexOf(`post ${TOKEN_URL} ${new URLSearchParams(p.form)}`)
      )
    expect(r.logs().filter(l => l.startsWith('info Requesting'))).toEqual([REQUESTING])
    expect(r.logs()).toContain('info Attempt 1 of 3 failed: HTTP 500; retrying in 0.5 s.')
  })

  it("does not try Salesforce's refusal again", async () => {
    const r = await login(undefined, { answer: () => json(400, { error: 'invalid_grant', error_description: 'invalid assertion' }) })
    expect(r.posts).toHaveLength(1)
    expect((r.result as AttemptError).message).toContain('Salesforce could not verify the signature')
  })

  it('masks the passphrase first and unlocks an encrypted key with it', async () => {
    const pem = encryptedPkcs8(KEY.privateKey, PASSPHRASE)
    const r = await login({ 'private-key': pem, 'private-key-passphrase': PASSPHRASE })
    expect(r.events[0]).toBe(`mask ${PASSPHRASE}`)
    expect(sentClaims(r.posts)).toHaveLength(1)
  })

  it('warns, after masking, of a passphrase that an unencrypted key does not use', async () => {
    const r = await login({ 'private-key': KEY.pkcs1, 'private-key-passphrase': PASSPHRASE })
    const warning = "warning Input 'private-key-passphrase' is set but the key is not encrypted; the passphrase was not used."
    expect(r.events.indexOf(warning)).toBe(r.events.findIndex(e => !e.startsWith('mask ')))
  })

  it('refuses a wrong passphrase before any request, without the key in the message', async () => {
    const pem = encryptedPkcs8(KEY.privateKey, PASSPHRASE)
    const r = await login({ 'private-key': pem, 'private-key-passphrase': 'not the passphrase' })
    expect(r.result).toBeInstanceOf(ActionError)
    expect(r.posts).toEqual([])
    for (const line of keyLines(pem)) expect((r.result as Error).message).not.toContain(line)
  })

  it("reads 'private-key-file' from the step's workspace, and masks what it read", async () => {
    writeFileSync(join(workspace, 'key.pem'), KEY.pkcs1, { mode: 0o600 })
    const r = await login({ 'private-key-file': 'key.pem' })
    expect(sentClaims(r.posts)).toHaveLength(1)
    expect(r.events).toEqual(expect.arrayContaining(keyLines(KEY.pkcs1).map(l => `mask ${l}`)))
  })
})
