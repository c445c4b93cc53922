// Salesforce's OAuth 2.0 client credentials flow as the fake org runs it: only at a My Domain host (Salesforce
// answers "request not supported on this domain" at login.salesforce.com and test.salesforce.com), only for an
// app that enables the flow, with the app's own secret, and a token that acts as the app's Run-As user.
import { randomBytes } from 'node:crypto'

export const CLIENT_CREDENTIALS = 'client_credentials'
const MY_DOMAIN = /\.my\.(salesforce\.com|salesforce\.mil|sfcrmproducts\.cn)$/i
/** Loopback stands for the org's My Domain in tests that do not resolve real host names. */
const LOOPBACK = ['127.0.0.1', 'localhost']

/**
 * Registers an app that enables the flow; `runAs` is the username of its Run-As user (none: refused).
 * @param {any} server the fake org (fake-salesforce.mjs)
 * @param {{ runAs?: string, clientId?: string }} [options]
 * @returns {{ clientId: string, clientSecret: string }}
 */
export function addClientCredentialsApp(server, { runAs, clientId = `3MVG9${randomBytes(16).toString('hex')}` } = {}) {
  const clientSecret = randomBytes(32).toString('hex').toUpperCase()
  server.addApp(clientId, undefined, { clientCredentials: true, clientSecret, runAs })
  return { clientId, clientSecret }
}

/**
 * The token endpoint's part of the grant. `host` is the Host header without its port; `reply(status, error,
 * description)` answers a refusal; `issue(user)` answers success.
 * @param {any} server the fake org (fake-salesforce.mjs)
 * @param {string} host
 * @param {Record<string, string>} form
 * @param {(status: number, error: string, description: string) => unknown} reply
 * @param {(user: import('./fake-salesforce.mjs').FakeUser) => unknown} issue
 * @returns {unknown}
 */
export function clientCredentials(server, host, form, reply, issue) {
  if (!LOOPBACK.includes(host) && !MY_DOMAIN.test(host)) return reply(400, 'invalid_grant', 'request not supported on this domain')
  const app = server.apps.get(form.client_id ?? '')
  if (!app) return reply(400, 'invalid_client_id', 'client identifier invalid')
  if (!app.clientCredentials) return reply(400, 'unsupported_grant_type', 'grant type not supported')
  if (!form.client_secret || form.client_secret !== app.clientSecret) return reply(400, 'invalid_client', 'invalid client credentials')
  if (!app.runAs) return reply(400, 'invalid_grant', 'no client credentials user enabled')
  const user = server.users.get(app.runAs)
  if (!user || !user.active) return reply(400, 'invalid_grant', 'inactive user')
  return issue(user)
}
