// A Salesforce-compatible OAuth token server for tests, `npm start` and the benchmark, on loopback only.
// It checks what Salesforce checks: an RS256 signature against the app's certificate, iss (the app),
// sub (the user and the app's policies), aud (per host) and exp with Salesforce's 3 minutes of skew,
// and answers with Salesforce's own success and error shapes. Tests can also script faults.
import { createPublicKey, createVerify, randomBytes } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { addClientCredentialsApp, CLIENT_CREDENTIALS, clientCredentials } from './fake-client-credentials.mjs'
import { addRefreshTokenApp, issueRefreshToken, REFRESH_TOKEN, refreshToken, revokeRefreshToken } from './fake-refresh-token.mjs'
import { exchangeToken, keyServersOf, PERMISSION_SET, TOKEN_EXCHANGE } from './fake-token-exchange.mjs'
import { handleRest } from './fake-salesforce-rest.mjs'

/** @typedef {import('./trust-rules.mjs').TrustRule} TrustRule */
/** @typedef {import('./fake-token-exchange.mjs').KeyServers} KeyServers */
/** @typedef {import('./fake-token-exchange.mjs').TokenExchangeHandler} TokenExchangeHandler */
/** @typedef {Awaited<ReturnType<typeof startFakeSalesforce>>} FakeSalesforce */

/**
 * One request as the server received it; a JWT bearer request also keeps its assertion's header and claims.
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {string} url
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {Record<string, string>} form
 * @property {Record<string, unknown>} [header]
 * @property {{ iss: string, sub: string, aud: string, exp: number, jti?: string, [k: string]: unknown }} [claims]
 */
/**
 * A user of the org, with the policies a login checks.
 * @typedef {object} FakeUser
 * @property {string} userId
 * @property {boolean} approved pre-authorized for the app
 * @property {boolean} active
 * @property {boolean} appAccess
 * @property {boolean} ipRestricted
 * @property {string[]} [permissionSets] by API name; the keyless handler needs GitHub_Actions_Keyless_Login
 * @property {{ name: string, permissionSets: string[] }[]} [permissionSetGroups] groups held, with the permission sets each contains
 */
/**
 * An app by consumer key, with the settings each flow checks.
 * @typedef {object} FakeApp
 * @property {import('node:crypto').KeyObject} [publicKey]
 * @property {boolean} installed
 * @property {boolean} tokenExchange
 * @property {boolean} secretRequired
 * @property {boolean} [clientCredentials]
 * @property {string} [clientSecret]
 * @property {string} [runAs]
 * @property {boolean} [rotateRefreshTokens]
 */
/**
 * A refresh token: whose it is, whether it still works, and the access tokens issued from it.
 * @typedef {object} RefreshTokenEntry
 * @property {string} clientId
 * @property {string} username
 * @property {'current' | 'spent' | 'revoked'} state
 * @property {string} [successor]
 * @property {string[]} accessTokens
 */
/**
 * A scripted answer to one token request (see `fault`).
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> } | { reset: true } | { hang: true }
 *   | { drip: number } | { raw: { status: number, headers?: Record<string, string>, body?: string, truncateAfter?: number } }} Fault
 */
/**
 * @typedef {object} FakeSalesforceOptions
 * @property {string[]} [audiences] the `aud` values this host accepts (default production)
 * @property {Record<string, string[]>} [audiencesByHost] per Host header: overrides `audiences`
 * @property {{ key: string, cert: string }} [tls] to serve https
 * @property {string} [instanceUrl] what successful logins report
 * @property {string} [orgId]
 * @property {number} [loginRateLimit]
 */

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
export const PRODUCTION_AUDIENCE = 'https://login.salesforce.com'
export const SANDBOX_AUDIENCE = 'https://test.salesforce.com'
const SKEW_SECONDS = 180

const b64urlJson = part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))

/**
 * An 18-character Salesforce id with the given 3-character prefix.
 * @param {string} prefix
 */
export function sfId(prefix) {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let id = prefix
  for (const b of randomBytes(15)) id += chars[b % chars.length]
  return id
}

/**
 * Starts the server. Options: `audiences` (the `aud` values this host accepts, default production),
 * `tls` ({ key, cert } to serve https), `instanceUrl` (what successful logins report).
 * @param {FakeSalesforceOptions} [options]
 */
export async function startFakeSalesforce(options = {}) {
  const server = {
    /** The `aud` values this host accepts. */
    audiences: options.audiences ?? [PRODUCTION_AUDIENCE],
    /** Per Host header (name without port), as Salesforce's login hosts differ: overrides `audiences`. */
    audiencesByHost: options.audiencesByHost ?? {},
    instanceUrl: options.instanceUrl ?? 'https://acme.my.salesforce.com',
    orgId: options.orgId ?? sfId('00D'),
    url: '',
    port: 0,
    apps: /** @type {Map<string, FakeApp>} */ (new Map()),
    users: /** @type {Map<string, FakeUser>} */ (new Map()),
    /** Every request, in order: { method, path, headers, form, header, claims }. */
    requests: /** @type {RecordedRequest[]} */ ([]),
    /** Every assertion received and every token issued, so tests can look for them in logs. */
    assertions: /** @type {string[]} */ ([]),
    tokens: /** @type {string[]} */ ([]),
    revoked: /** @type {string[]} */ ([]),
    /** Token exchange handlers: { developerName, keyServers, apps, defaultFor, jwt, idToken, rules, keyCache, keyFetches }. */
    handlers: /** @type {TokenExchangeHandler[]} */ ([]),
    /** Every subject token received in a token exchange, so tests can look for them in logs. */
    subjectTokens: /** @type {string[]} */ ([]),
    /** Who each access token belongs to (token -> user), for the REST API. */
    sessions: /** @type {Map<string, FakeUser>} */ (new Map()),
    usedJti: /** @type {Set<string>} */ (new Set()),
    /** Refresh tokens: token -> { clientId, username, state: current | spent | revoked, successor?, accessTokens }. */
    refreshTokens: /** @type {Map<string, RefreshTokenEntry>} */ (new Map()),
    logins: /** @type {Map<string, number>} */ (new Map()),
    loginRateLimit: options.loginRateLimit ?? 3600,
    /** How far Salesforce's clock is ahead of this machine's, to play a runner whose clock is behind. */
    clockAheadSeconds: 0,
    /** Scripted answers, consumed one per token request before the real logic runs. */
    faults: /** @type {Fault[]} */ ([]),
    revokeFails: false,
    /** A scripted answer to the next revocations, instead of the real logic, while it is set. */
    revokeAnswer: /** @type {{ status: number, body: unknown } | undefined} */ (undefined),

    /**
     * Registers an app by consumer key with the certificate (or public key) uploaded to it, if any; extra:
     * installed, tokenExchange (the Token Exchange Flow is enabled), secretRequired (for token exchange).
     * @param {string} clientId
     * @param {string | import('node:crypto').KeyObject | undefined} certificate
     * @param {Partial<Omit<FakeApp, 'publicKey'>>} [extra]
     * @returns {void}
     */
    addApp(clientId, certificate, extra = {}) {
      const publicKey = certificate ? createPublicKey(certificate) : undefined
      server.apps.set(clientId, { publicKey, installed: true, tokenExchange: false, secretRequired: false, ...extra })
    },
    /**
     * Defines a token exchange handler (the GitHub Actions handler of salesforce/): the apps enabled on it,
     * those it is the default handler of, the token types it enables and its trust rules (custom metadata
     * records as objects with the same field names, e.g. { Repository_Id__c, Audience__c, ... }). Keys are
     * fetched from `<issuer>/.well-known/jwks` through `keyServers` (issuer origin -> base URL, or the older
     * `jwksUrl` of a fake GitHub standing in for github.com's issuer); keyCache plays the platform's key cache.
     * @param {Partial<Omit<TokenExchangeHandler, 'keyServers'>> & { keyServers?: KeyServers, jwksUrl?: string }} handler
     * @returns {TokenExchangeHandler}
     */
    addTokenExchangeHandler(handler) {
      const { jwksUrl, ...rest } = handler
      const full = {
        developerName: 'GitHubActionsTokenExchangeHandler',
        apps: [],
        defaultFor: [],
        jwt: true,
        idToken: true,
        rules: [],
        keyCache: new Map(),
        keyFetches: [],
        ...rest,
        keyServers: keyServersOf(handler.keyServers ?? jwksUrl ?? {})
      }
      server.handlers.push(full)
      return full
    },
    /**
     * The keyless set-up in one call: an External Client App enabled for token exchange (no certificate),
     * whose default handler is the GitHub Actions one, fetching keys through `keyServers` and trusting `rules`.
     * @param {KeyServers} keyServers
     * @param {TrustRule[]} rules
     * @param {string} [clientId]
     * @returns {{ clientId: string, handler: TokenExchangeHandler }}
     */
    addTokenExchangeApp(keyServers, rules, clientId = `3MVG9${randomBytes(16).toString('hex')}`) {
      server.addApp(clientId, undefined, { tokenExchange: true })
      const handler = server.addTokenExchangeHandler({ keyServers, apps: [clientId], defaultFor: [clientId], rules })
      return { clientId, handler }
    },
    /**
     * An app with the client credentials flow on; `runAs` names its Run-As user. Returns its id and secret.
     * @param {{ runAs?: string, clientId?: string }} [options]
     * @returns {{ clientId: string, clientSecret: string }}
     */
    addClientCredentialsApp(options) {
      return addClientCredentialsApp(server, options)
    },
    /**
     * An app for the refresh token flow (`secret`, `rotate`). Returns its id and secret ('' without one).
     * @param {{ secret?: boolean, rotate?: boolean, clientId?: string }} [options]
     * @returns {{ clientId: string, clientSecret: string }}
     */
    addRefreshTokenApp(options) {
      return addRefreshTokenApp(server, options)
    },
    /**
     * A refresh token for the user through the app, as `sf org login web` would leave one.
     * @param {string} clientId
     * @param {string} username
     * @returns {string}
     */
    issueRefreshToken(clientId, username) {
      return issueRefreshToken(server, clientId, username)
    },
    /**
     * The SFDX auth URL of a refresh token, as `sf org auth show-sfdx-auth-url` prints it, for `host`.
     * @param {string} clientId
     * @param {string} clientSecret
     * @param {string} token
     * @param {string} [host]
     * @returns {string}
     */
    sfdxAuthUrl(clientId, clientSecret, token, host) {
      return `force://${clientId}:${clientSecret}:${token}@${host ?? `127.0.0.1:${server.port}`}`
    },
    /**
     * Adds a user; flags: approved (pre-authorized), active, appAccess, ipRestricted; permissionSets held.
     * @param {string} username
     * @param {Partial<FakeUser>} [extra]
     * @returns {FakeUser}
     */
    addUser(username, extra = {}) {
      const user = {
        userId: sfId('005'),
        approved: true,
        active: true,
        appAccess: true,
        ipRestricted: false,
        permissionSets: [PERMISSION_SET],
        ...extra
      }
      server.users.set(username, user)
      return user
    },
    /**
     * Queues scripted answers for the next token requests: { status, body?, headers? }, { reset: true },
     * { hang: true }, or { raw: { status, headers, body, truncateAfter? } }.
     * @param {...Fault} answers
     * @returns {void}
     */
    fault(...answers) {
      server.faults.push(...answers)
    },
    /** @returns {RecordedRequest[]} */
    tokenRequests() {
      return server.requests.filter(r => r.path === '/services/oauth2/token')
    },
    /** @returns {Promise<void>} */
    close() {
      return new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        listener.close(() => resolve())
      })
    }
  }

  const send = (res, status, body, headers = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
    res.end(text)
  }
  const oauthError = (res, error, description, status = 400) => send(res, status, { error, error_description: description })

  /** Plays one scripted answer; returns true when it answered (or deliberately did not). */
  const playFault = (fault, req, res) => {
    if (fault.reset) {
      req.socket.destroy()
      return true
    }
    if (fault.hang) return true
    if (fault.drip) {
      // Answers at once, then trickles a byte every `drip` ms and never finishes: only a deadline ends it.
      res.writeHead(200, { 'content-type': 'application/json' })
      const timer = setInterval(() => res.write(' '), fault.drip)
      res.on('close', () => clearInterval(timer))
      return true
    }
    if (fault.raw) {
      res.writeHead(fault.raw.status, fault.raw.headers ?? {})
      if (fault.raw.truncateAfter !== undefined) {
        res.write(fault.raw.body.slice(0, fault.raw.truncateAfter))
        req.socket.destroy()
      } else res.end(fault.raw.body ?? '')
      return true
    }
    if (fault.status) {
      send(res, fault.status, fault.body ?? { error: 'server_error', error_description: 'scripted' }, fault.headers)
      return true
    }
    return false
  }

  const handleToken = (req, res, form, record) => {
    if (req.method !== 'POST') return oauthError(res, 'unsupported_grant_type', 'grant type not supported')
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 'unsupported_grant_type', 'grant type not supported')
    }
    if (form.grant_type === TOKEN_EXCHANGE) {
      const reply = (status, error, description) => oauthError(res, error, description, status)
      return exchangeToken(server, form, reply, user => issue(res, user, PRODUCTION_AUDIENCE)).catch(() =>
        reply(500, 'server_error', 'fake failed')
      )
    }
    const reply = (status, error, description) => oauthError(res, error, description, status)
    if (form.grant_type === CLIENT_CREDENTIALS) {
      const host = String(req.headers.host ?? '').replace(/:\d+$/, '')
      return clientCredentials(server, host, form, reply, user => issue(res, user, PRODUCTION_AUDIENCE))
    }
    if (form.grant_type === REFRESH_TOKEN)
      return refreshToken(server, form, reply, (user, extra) => issue(res, user, PRODUCTION_AUDIENCE, extra))
    if (form.grant_type !== JWT_BEARER) return oauthError(res, 'unsupported_grant_type', 'grant type not supported')
    const assertion = form.assertion ?? ''
    server.assertions.push(assertion)
    const parts = assertion.split('.')
    let header, claims
    try {
      if (parts.length !== 3) throw new Error('not a JWS')
      header = b64urlJson(parts[0])
      claims = b64urlJson(parts[1])
    } catch {
      return oauthError(res, 'invalid_grant', 'invalid assertion')
    }
    record.header = header
    record.claims = claims
    if (header.alg !== 'RS256') return oauthError(res, 'invalid_grant', 'invalid assertion')
    const app = server.apps.get(claims.iss)
    if (!app) return oauthError(res, 'invalid_client_id', 'client identifier invalid')
    const verifier = createVerify('RSA-SHA256')
    verifier.update(`${parts[0]}.${parts[1]}`)
    if (!app.publicKey || !verifier.verify(app.publicKey, Buffer.from(parts[2], 'base64url'))) {
      return oauthError(res, 'invalid_grant', 'invalid assertion')
    }
    if (!app.installed) return oauthError(res, 'app_not_found', 'External client app is not installed in this org')
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '')
    const accepted = server.audiencesByHost[host] ?? server.audiences
    if (!accepted.includes(claims.aud)) return oauthError(res, 'invalid_grant', 'audience is invalid')
    if (typeof claims.exp !== 'number') return oauthError(res, 'invalid_grant', 'invalid assertion')
    if (claims.exp + SKEW_SECONDS < Date.now() / 1000 + server.clockAheadSeconds) {
      return oauthError(res, 'invalid_grant', 'expired authorization code')
    }
    if (claims.jti !== undefined) {
      if (server.usedJti.has(claims.jti)) return oauthError(res, 'invalid_grant', 'jti already in use')
      server.usedJti.add(claims.jti)
    }
    const user = server.users.get(claims.sub)
    if (!user || !user.approved) return oauthError(res, 'invalid_grant', "user hasn't approved this consumer")
    if (!user.active) return oauthError(res, 'invalid_grant', 'inactive user')
    if (!user.appAccess) return oauthError(res, 'invalid_app_access', 'user is not admin approved to access this app')
    if (user.ipRestricted) return oauthError(res, 'invalid_grant', 'ip restricted')
    const count = (server.logins.get(claims.sub) ?? 0) + 1
    server.logins.set(claims.sub, count)
    if (count > server.loginRateLimit) return oauthError(res, 'invalid_grant', 'login rate exceeded')

    issue(res, user, claims.aud.startsWith('https://') ? claims.aud : new URL(server.instanceUrl).origin)
  }

  /** A successful token answer for the user, with the identity URL on `idBase`, in Salesforce's shape; returns the token. */
  const issue = (res, user, idBase, extra = {}) => {
    const token = `${server.orgId.slice(0, 15)}!AR${randomBytes(48).toString('base64url')}`
    server.tokens.push(token)
    server.sessions.set(token, user)
    send(res, 200, {
      access_token: token,
      scope: 'api web',
      instance_url: server.instanceUrl,
      id: `${idBase}/id/${server.orgId}/${user.userId}`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      signature: randomBytes(32).toString('base64'),
      ...extra
    })
    return token
  }

  const handleRevoke = (req, res, form) => {
    if (server.revokeFails) return oauthError(res, 'server_error', 'scripted revoke failure', 503)
    if (server.revokeAnswer) return send(res, server.revokeAnswer.status, server.revokeAnswer.body)
    if (revokeRefreshToken(server, form.token)) {
      res.writeHead(200)
      return res.end()
    }
    if (!server.tokens.includes(form.token)) return oauthError(res, 'invalid_token', 'invalid token')
    server.revoked.push(form.token)
    res.writeHead(200)
    res.end()
  }

  const handler = (req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      // Salesforce takes `//services/...` (the CLI keeps a trailing slash on the instance URL).
      const path = new URL(req.url.replace(/^\/+/, '/'), 'http://x').pathname
      const form = Object.fromEntries(new URLSearchParams(body))
      const record = { method: req.method, path, url: req.url, headers: req.headers, form }
      server.requests.push(record)
      if (path === '/services/oauth2/token') {
        const fault = server.faults.shift()
        if (fault && playFault(fault, req, res)) return
        return handleToken(req, res, form, record)
      }
      if (path === '/services/oauth2/revoke') return handleRevoke(req, res, form)
      handleRest(server, req, res, send)
    })
  }

  const listener = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler)
  const sockets = new Set()
  listener.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise(resolve => listener.listen(0, '127.0.0.1', resolve))
  const port = listener.address().port
  server.port = port
  server.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  return server
}
