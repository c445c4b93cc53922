// GitHub's OIDC ID token service for tests, `npm start` and the benchmark, on loopback only. It checks what
// the runner's token service checks (a GET with the job's request token as Bearer, an api-version), issues
// RS256 ID tokens with GitHub's issuer, claims and ~5-minute lifetime, and publishes its keys as a JWKS the
// way https://token.actions.githubusercontent.com/.well-known/jwks does. Tests can script faults.
import { createSign, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import http from 'node:http'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const TOKEN_PATH = '/_apis/oidc/token'
export const JWKS_PATH = '/.well-known/jwks'

/** @typedef {Awaited<ReturnType<typeof startFakeGitHubOidc>>} FakeGitHubOidc */
/**
 * One request as the service received it.
 * @typedef {object} OidcRequest
 * @property {string} method
 * @property {string} path
 * @property {string} url
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string | null} audience
 */
/**
 * A scripted answer to one token request (see `fault`).
 * @typedef {{ status: number, body?: unknown } | { reset: true } | { hang: true }
 *   | { raw: { status: number, headers?: Record<string, string>, body: string, truncateAfter?: number } }} OidcFault
 */
/**
 * @typedef {object} FakeGitHubOidcOptions
 * @property {string} [issuer]
 * @property {Record<string, string | undefined>} [claims] merged over defaultClaims(); undefined leaves one out
 * @property {number} [lifetimeSeconds]
 */

const b64url = value => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * The claims of a push to main in acme/app, as GitHub writes them; override any per test.
 * @returns {Record<string, string>}
 */
export function defaultClaims() {
  return {
    sub: 'repo:acme/app:ref:refs/heads/main',
    repository: 'acme/app',
    repository_id: '123456789',
    repository_owner: 'acme',
    repository_owner_id: '987654',
    repository_visibility: 'private',
    actor: 'octocat',
    actor_id: '583231',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    ref_protected: 'true',
    event_name: 'push',
    workflow: 'Deploy',
    workflow_ref: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
    job_workflow_ref: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
    run_id: '1',
    run_number: '1',
    run_attempt: '1',
    runner_environment: 'github-hosted'
  }
}

/**
 * Starts the service. `claims` are merged over the defaults (a claim set to undefined is left out);
 * `issuer` and `lifetimeSeconds` can be changed to play a wrong or stale token.
 * @param {FakeGitHubOidcOptions} [options]
 */
export async function startFakeGitHubOidc(options = {}) {
  const newKey = () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const kid = randomBytes(8).toString('hex')
    return { privateKey, kid, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }
  }
  let key = newKey()
  /** Where the issuer's keys are: `<issuer>/.well-known/jwks`, so a GHES issuer's path is kept. */
  const jwksPath = () => `${new URL(service.issuer).pathname.replace(/\/$/, '')}${JWKS_PATH}`
  const service = {
    url: '',
    /** What the runner puts in ACTIONS_ID_TOKEN_REQUEST_URL. */
    requestUrl: '',
    /** What the runner puts in ACTIONS_ID_TOKEN_REQUEST_TOKEN: a secret. */
    requestToken: `rt_${randomBytes(24).toString('base64url')}`,
    /**
     * Where this service serves its keys: the issuer's path + /.well-known/jwks, on loopback.
     * @returns {string}
     */
    get jwksUrl() {
      return `${service.url}${jwksPath()}`
    },
    issuer: options.issuer ?? GITHUB_ISSUER,
    claims: /** @type {Record<string, string | undefined>} */ ({ ...defaultClaims(), ...options.claims }),
    lifetimeSeconds: options.lifetimeSeconds ?? 300,
    /** Seconds to shift iat/nbf/exp by, to play a token from the past or the future. */
    shiftSeconds: 0,
    /** Every request: { method, path, url, headers, audience }. */
    requests: /** @type {OidcRequest[]} */ ([]),
    /** Every ID token issued, so tests can look for them in logs. */
    idTokens: /** @type {string[]} */ ([]),
    faults: /** @type {OidcFault[]} */ ([]),
    /**
     * The public key as a JWK, as the JWKS serves it.
     * @returns {Record<string, unknown>}
     */
    get jwk() {
      return key.jwk
    },
    /** Replaces the signing key (GitHub rotates its keys): keys cached before no longer verify new tokens. */
    rotateKey() {
      key = newKey()
    },
    /** For a fake org's handler: this service answers for its issuer's origin (see fake-token-exchange keyServersOf). */
    /** @returns {Record<string, string>} */
    keyServers() {
      return { [new URL(service.issuer).origin]: service.url }
    },
    /**
     * The variables the runner sets for a job with `permissions: id-token: write`.
     * @returns {{ ACTIONS_ID_TOKEN_REQUEST_URL: string, ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }}
     */
    env() {
      return { ACTIONS_ID_TOKEN_REQUEST_URL: service.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: service.requestToken }
    },
    /**
     * Queues answers for the next token requests: { status, body? }, { reset: true }, { hang: true }, or
     * { raw: { status, headers, body, truncateAfter? } } (sent as given; cut off after truncateAfter characters).
     * @param {...OidcFault} answers
     * @returns {void}
     */
    fault(...answers) {
      service.faults.push(...answers)
    },
    /** @returns {OidcRequest[]} */
    tokenRequests() {
      return service.requests.filter(r => r.path === TOKEN_PATH)
    },
    /**
     * A trust rule (custom metadata field names) that matches this service's tokens for `audience`.
     * @param {string} audience
     * @param {string} username
     * @returns {import('./trust-rules.mjs').TrustRule}
     */
    ruleFor(audience, username) {
      const c = service.claims
      return {
        DeveloperName: 'Acme_App_Main',
        Repository_Owner_Id__c: c.repository_owner_id,
        Repository_Id__c: c.repository_id,
        Repository__c: c.repository,
        Ref__c: c.ref,
        Audience__c: audience,
        Username__c: username,
        Active__c: true
      }
    },
    /**
     * Signs any claims with the service's key: a token GitHub could have issued (a header field set to undefined is left out).
     * @param {Record<string, unknown>} claims
     * @param {Record<string, unknown>} [header]
     * @returns {string}
     */
    sign(claims, header = {}) {
      const full = Object.fromEntries(
        Object.entries({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid, ...header }).filter(([, v]) => v !== undefined)
      )
      const signed = `${b64url(full)}.${b64url(claims)}`
      return `${signed}.${createSign('RSA-SHA256').update(signed).sign(key.privateKey).toString('base64url')}`
    },
    /** @returns {Promise<void>} */
    close() {
      return new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        listener.close(() => resolve())
      })
    }
  }

  const send = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }

  const issue = audience => {
    const now = Math.floor(Date.now() / 1000) + service.shiftSeconds
    const claims = Object.fromEntries(
      Object.entries({
        jti: randomUUID(),
        ...service.claims,
        aud: audience,
        iss: service.issuer,
        nbf: now - 5,
        iat: now - 5,
        exp: now + service.lifetimeSeconds
      }).filter(([, v]) => v !== undefined)
    )
    const token = service.sign(claims)
    service.idTokens.push(token)
    return token
  }

  const handler = (req, res) => {
    const url = new URL(req.url, 'http://x')
    const record = {
      method: req.method,
      path: url.pathname,
      url: req.url,
      headers: req.headers,
      audience: url.searchParams.get('audience')
    }
    service.requests.push(record)
    if (url.pathname === jwksPath()) return send(res, 200, { keys: [service.jwk] })
    if (url.pathname === '/.well-known/openid-configuration') {
      return send(res, 200, { issuer: service.issuer, jwks_uri: service.jwksUrl, id_token_signing_alg_values_supported: ['RS256'] })
    }
    if (url.pathname !== TOKEN_PATH) return send(res, 404, { message: 'Not Found' })
    if (req.method !== 'GET') return send(res, 405, { message: 'Method Not Allowed' })
    if (req.headers.authorization !== `Bearer ${service.requestToken}`) return send(res, 401, { message: 'Unauthorized' })
    if (!url.searchParams.get('api-version')) return send(res, 400, { message: 'api-version is required' })
    const fault = service.faults.shift()
    if (fault?.reset) return req.socket.destroy()
    if (fault?.hang) return undefined
    if (fault?.raw) {
      res.writeHead(fault.raw.status, fault.raw.headers ?? {})
      if (fault.raw.truncateAfter === undefined) return res.end(fault.raw.body ?? '')
      res.write(fault.raw.body.slice(0, fault.raw.truncateAfter))
      return req.socket.destroy()
    }
    if (fault?.status) return send(res, fault.status, fault.body ?? { message: 'scripted' })
    // Without an audience GitHub uses the owner's URL: the action must always ask for one.
    const audience = record.audience ?? `https://github.com/${service.claims.repository_owner}`
    return send(res, 200, { count: service.idTokens.length + 1, value: issue(audience) })
  }

  const listener = http.createServer(handler)
  const sockets = new Set()
  listener.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise(resolve => listener.listen(0, '127.0.0.1', resolve))
  service.url = `http://127.0.0.1:${listener.address().port}`
  service.requestUrl = `${service.url}${TOKEN_PATH}?api-version=2.0`
  return service
}
