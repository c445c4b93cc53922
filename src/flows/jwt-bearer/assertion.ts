import { randomUUID, type KeyObject } from 'node:crypto'
import jwt from 'jsonwebtoken'

/** Short enough that a leaked assertion is soon useless; Salesforce adds 3 minutes of skew on top. */
export const ASSERTION_LIFETIME_SECONDS = 180

export interface Claims {
  iss: string
  sub: string
  aud: string
  exp: number
  jti: string
}

/** The RFC 7523 claims Salesforce checks, with `exp` in seconds and a fresh `jti` per attempt. */
export function buildClaims(clientId: string, username: string, audience: string, nowMs: number): Claims {
  return {
    iss: clientId,
    sub: username,
    aud: audience,
    exp: Math.floor(nowMs / 1000) + ASSERTION_LIFETIME_SECONDS,
    jti: randomUUID()
  }
}

/** Signs the claims as a compact RS256 JWS, the only algorithm Salesforce accepts. */
export function signAssertion(claims: Claims, key: KeyObject): string {
  return jwt.sign(claims, key, { algorithm: 'RS256', noTimestamp: true })
}
