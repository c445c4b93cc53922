import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync, verify } from 'node:crypto'
import { ASSERTION_LIFETIME_SECONDS, buildClaims, signAssertion, type Claims } from '../../src/flows/jwt-bearer/assertion.js'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })

const CLIENT_ID = '3MVG9placeholderConsumerKey.forUnitTests'
const USERNAME = 'ci-bot@acme.example'
const NOW = Date.parse('2025-03-01T12:00:00.750Z')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const fromBase64Url = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))

/** Splits a compact JWS and checks its RS256 signature with node:crypto alone. */
function decode(jws: string, key = publicKey): { header: unknown; payload: unknown; verified: boolean } {
  const parts = jws.split('.')
  expect(parts).toHaveLength(3)
  const [header, payload, signature] = parts
  for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9_-]+$/)
  return {
    header: fromBase64Url(header),
    payload: fromBase64Url(payload),
    verified: verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))
  }
}

describe('buildClaims', () => {
  it('sets exactly iss, sub, aud, exp and jti', () => {
    const claims = buildClaims(CLIENT_ID, USERNAME, 'https://test.salesforce.com', NOW)
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iss', 'jti', 'sub'])
    expect(claims).toMatchObject({ iss: CLIENT_ID, sub: USERNAME, aud: 'https://test.salesforce.com' })
  })

  it('puts exp in whole seconds (not milliseconds), 180 s after now', () => {
    expect(ASSERTION_LIFETIME_SECONDS).toBe(180)
    const { exp } = buildClaims(CLIENT_ID, USERNAME, 'https://login.salesforce.com', NOW)
    expect(Number.isInteger(exp)).toBe(true)
    expect(exp).toBe(Math.floor(NOW / 1000) + 180)
    expect(exp).toBe(1740830580)
  })

  it.each([
    [0, 180],
    [999, 180],
    [1000, 181],
    [1_700_000_000_999, 1_700_000_180]
  ])('now %s ms -> exp %s', (now, exp) => {
    expect(buildClaims(CLIENT_ID, USERNAME, 'https://login.salesforce.com', now).exp).toBe(exp)
  })

  it('is about three minutes ahead of the real clock', () => {
    const ahead = buildClaims(CLIENT_ID, USERNAME, 'https://login.salesforce.com', Date.now()).exp - Date.now() / 1000
    expect(ahead).toBeGreaterThan(178)
    expect(ahead).toBeLessThanOrEqual(180)
  })

  it('gives every assertion its own jti, a random UUID', () => {
    const jtis = Array.from({ length: 50 }, () => buildClaims(CLIENT_ID, USERNAME, 'https://login.salesforce.com', NOW).jti)
    for (const jti of jtis) expect(jti).toMatch(UUID)
    expect(new Set(jtis).size).toBe(50)
  })
})

describe('signAssertion', () => {
  const claims: Claims = buildClaims(CLIENT_ID, USERNAME, 'https://acme--uat.sandbox.my.salesforce.com', NOW)

  it('is a compact RS256 JWS that node:crypto verifies with the public key', () => {
    const { header, payload, verified } = decode(signAssertion(claims, privateKey))
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' })
    // The claims exactly: no iat or anything else added.
    expect(payload).toEqual(claims)
    expect(verified).toBe(true)
  })

  it('does not verify against another key', () => {
    expect(decode(signAssertion(claims, privateKey), other.publicKey).verified).toBe(false)
  })

  it('does not verify once the claims are changed', () => {
    const [header, , signature] = signAssertion(claims, privateKey).split('.')
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin@acme.example' })).toString('base64url')
    expect(decode(`${header}.${forged}.${signature}`).verified).toBe(false)
  })

  it('signs each attempt differently (fresh jti), each verifying', () => {
    const a = signAssertion(buildClaims(CLIENT_ID, USERNAME, 'https://login.salesforce.com', NOW), privateKey)
    const b = signAssertion(buildClaims(CLIENT_ID, USERNAME, 'https://login.salesforce.com', NOW), privateKey)
    expect(a).not.toBe(b)
    expect(decode(a).verified).toBe(true)
    expect(decode(b).verified).toBe(true)
  })

  it('is short enough for a form body (a 2048-bit signature is 342 base64url characters)', () => {
    const parts = signAssertion(claims, privateKey).split('.')
    expect(parts[2]).toHaveLength(342)
  })
})
