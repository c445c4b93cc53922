// Salesforce's OAuth 2.0 refresh token flow as the fake org runs it, for SFDX auth URLs: refresh tokens belong to
// one app and user; an app with a secret needs it; with refresh token rotation on, every answer carries a new
// refresh token and spends the one used, and presenting a spent one again revokes the current one and every access
// token issued from it (Salesforce Help, "OAuth 2.0 Refresh Token Flow").
import { randomBytes } from 'node:crypto'

export const REFRESH_TOKEN = 'refresh_token'

/** Registers an app that may use refresh tokens: `secret` (false for none, like the CLI's PlatformCLI), `rotate`. */
export function addRefreshTokenApp(server, { secret = true, rotate = false, clientId = `3MVG9${randomBytes(16).toString('hex')}` } = {}) {
  const clientSecret = secret ? randomBytes(32).toString('hex').toUpperCase() : ''
  server.addApp(clientId, undefined, { clientSecret, rotateRefreshTokens: rotate })
  return { clientId, clientSecret }
}

/** A refresh token for `username` through the app, as a web login would leave one. */
export function issueRefreshToken(server, clientId, username) {
  const token = `5Aep861${randomBytes(60).toString('base64url').replace(/[-_]/g, 'x')}`
  server.refreshTokens.set(token, { clientId, username, state: 'current', accessTokens: [] })
  return token
}

/** The revoke endpoint's part for a refresh token: true when `token` is one (then it and its access tokens die). */
export function revokeRefreshToken(server, token) {
  const entry = server.refreshTokens.get(token)
  if (!entry) return false
  revokeFamily(server, entry)
  server.revoked.push(token)
  return true
}

/** Revokes a refresh token and every access token issued from it. */
function revokeFamily(server, entry) {
  entry.state = 'revoked'
  for (const token of entry.accessTokens) {
    server.revoked.push(token)
    server.sessions.delete(token)
  }
}

/**
 * The token endpoint's part of the grant. `reply(status, error, description)` answers a refusal;
 * `issue(user, extra)` answers success with `extra` fields and returns the access token.
 */
export function refreshToken(server, form, reply, issue) {
  const app = server.apps.get(form.client_id ?? '')
  if (!app) return reply(400, 'invalid_client_id', 'client identifier invalid')
  if (app.clientSecret && form.client_secret !== app.clientSecret) return reply(400, 'invalid_client', 'invalid client credentials')
  const entry = server.refreshTokens.get(form.refresh_token ?? '')
  if (!entry || entry.clientId !== form.client_id || entry.state === 'revoked') {
    return reply(400, 'invalid_grant', 'expired access/refresh token')
  }
  if (entry.state === 'spent') {
    let current = entry
    while (current.successor) current = server.refreshTokens.get(current.successor)
    revokeFamily(server, current)
    return reply(400, 'invalid_grant', 'expired access/refresh token')
  }
  const user = server.users.get(entry.username)
  if (!user || !user.active) return reply(400, 'invalid_grant', 'inactive user')
  if (!app.rotateRefreshTokens) {
    entry.accessTokens.push(issue(user, {}))
    return undefined
  }
  const next = issueRefreshToken(server, entry.clientId, entry.username)
  entry.state = 'spent'
  entry.successor = next
  server.refreshTokens.get(next).accessTokens.push(issue(user, { refresh_token: next }))
  return undefined
}
