// Salesforce's OAuth 2.0 token exchange, as the fake org runs it: the app's settings, the handler enabled
// for the app, and the handler itself, which applies the same checks, trust rules and messages as the Apex
// GitHubActionsTokenExchangeHandler in salesforce/ (rules use the custom metadata's field names). Validation
// (header, issuer, signature, lifetime) is here; matching is trust-rules.mjs, the twin of GitHubTrustRules.cls.
import { createPublicKey, createVerify } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { issuersOfActiveRules, matchingRules, unnarrowedMatches } from './trust-rules.mjs'

export { ruleMatches } from './trust-rules.mjs'

/** @typedef {import('./trust-rules.mjs').TrustRule} TrustRule */
/** @typedef {import('./fake-salesforce.mjs').FakeUser} FakeUser */
/**
 * Issuer origin -> the base URL that answers for it; a string is a fake GitHub's JWKS URL for github.com's issuer.
 * @typedef {Record<string, string> | string} KeyServers
 */
/**
 * A token exchange handler of the fake org (the GitHub Actions handler of salesforce/).
 * @typedef {object} TokenExchangeHandler
 * @property {string} developerName
 * @property {Record<string, string>} keyServers see keyServersOf
 * @property {Map<string, unknown[]>} keyCache the platform's key cache: keys endpoint -> keys
 * @property {string[]} keyFetches every key fetch, in order
 * @property {string[]} apps the apps enabled on it
 * @property {string[]} defaultFor the apps it is the default handler of
 * @property {boolean} jwt
 * @property {boolean} idToken
 * @property {TrustRule[]} rules
 * @property {Pick<Set<string>, 'has' | 'add'>} [replay] used tokens (issuer and jti), when the org has a replay cache partition
 */

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const TOKEN_TYPES = { 'urn:ietf:params:oauth:token-type:JWT': 'JWT', 'urn:ietf:params:oauth:token-type:id_token': 'ID_TOKEN' }
export const PERMISSION_SET = 'GitHub_Actions_Keyless_Login'
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
const KEYS_PATH = '/.well-known/jwks'
const SKEW_SECONDS = 60
const QUOTE_LENGTH = 100
const REJECTED = 'GitHub OIDC token rejected: '
const REPLAY_CACHE_UNUSABLE = 'the replay cache partition named in GitHub Keyless Setting Default cannot be used.'

/**
 * Where a handler fetches keys: issuer origin -> the base URL that answers for it (a fake GitHub on loopback).
 * An origin not listed is fetched as is (GitHub's real keys, where a workflow serves the fake org). A string is
 * the older form, a fake GitHub's JWKS URL standing in for https://token.actions.githubusercontent.com.
 * @param {KeyServers} value
 * @returns {Record<string, string>}
 */
export function keyServersOf(value) {
  if (typeof value !== 'string') return { ...value }
  return { [GITHUB_ISSUER]: new URL(value).origin }
}

/** GETs a JWKS the way Auth.JWTUtil.validateJWTWithKeysEndpoint does (a callout to the keys endpoint). */
function fetchJwks(url) {
  return new Promise((resolve, reject) => {
    ;(url.startsWith('https:') ? https : http)
      .get(url, res => {
        let text = ''
        res.on('data', d => (text += d))
        res.on('end', () => {
          try {
            if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`)
            const keys = JSON.parse(text).keys
            if (!Array.isArray(keys)) throw new Error('no keys')
            resolve(keys)
          } catch (err) {
            reject(err)
          }
        })
      })
      .on('error', reject)
  })
}

/** One JSON object part of a compact JWT (0 header, 1 payload), or undefined, as the Apex handler's part(). */
function part(token, index) {
  const parts = typeof token === 'string' ? token.split('.') : []
  if (parts.length !== 3) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(parts[index], 'base64url').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** A claim as text, as GitHubTrustRules reads it: a JSON string as is, a JSON integer as its digits, else ''. */
const claimText = v => (typeof v === 'string' ? v : Number.isInteger(v) ? String(v) : '')

/** Apex's String.abbreviate: an unverified value, bounded before it is echoed. */
const quote = value => (value.length > QUOTE_LENGTH ? `${value.slice(0, QUOTE_LENGTH - 3)}...` : value)

/** What is wrong with the unverified header, or undefined: the Apex handler's checkHeader. */
function checkHeader(header) {
  if (claimText(header.alg) !== 'RS256') return `its header names alg '${quote(claimText(header.alg))}', not RS256.`
  if (claimText(header.kid).trim() === '') return 'its header has no kid.'
  if ('typ' in header && claimText(header.typ) !== 'JWT') return `its header names typ '${quote(claimText(header.typ))}', not JWT.`
  return undefined
}

function signatureVerifies(token, keys) {
  const [head, body, signature] = token.split('.')
  const jwk = keys.find(k => k.kid === part(token, 0).kid)
  if (!jwk) return false
  return createVerify('RSA-SHA256')
    .update(`${head}.${body}`)
    .verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'))
}

/**
 * Auth.JWTUtil.validateJWTWithKeysEndpoint as its reference describes the cache: with shouldUseCache the cached
 * keys answer when there are any, else they are fetched and kept; without it they are fetched and, on success,
 * overwrite the cache. `handler.keyFetches` counts the callouts.
 */
async function verifiesWith(handler, token, keysEndpoint, shouldUseCache) {
  try {
    const cached = shouldUseCache ? handler.keyCache.get(keysEndpoint) : undefined
    let keys = cached
    if (!keys) {
      const url = new URL(keysEndpoint)
      const base = keyServersOf(handler.keyServers ?? {})[url.origin]
      handler.keyFetches.push(keysEndpoint)
      keys = await fetchJwks(base ? `${base}${url.pathname}` : keysEndpoint)
    }
    const ok = signatureVerifies(token, keys)
    if (ok && !cached) handler.keyCache.set(keysEndpoint, keys)
    return ok
  } catch {
    return false
  }
}

/** The cached keys first, then once more without the cache: a bad token costs one extra fetch. */
async function verifies(handler, token, keysEndpoint) {
  return (await verifiesWith(handler, token, keysEndpoint, true)) || verifiesWith(handler, token, keysEndpoint, false)
}

/**
 * How the handler names what was presented in its refusals (the Apex describe()).
 * @param {Record<string, unknown>} c
 * @returns {string}
 */
export function presented(c) {
  const t = name => claimText(c[name])
  const env = t('environment').trim() === '' ? 'environment (none)' : `environment '${t('environment')}'`
  // One template, so each of its pieces appears whole here, as apex.test.ts checks against the Apex.
  return `repository '${t('repository')}' (id ${t('repository_id')}, owner id ${t('repository_owner_id')}), ref '${t('ref')}' (ref_protected '${t('ref_protected')}'), event '${t('event_name')}', job_workflow_ref '${t('job_workflow_ref')}', ${env}, runner_environment '${t('runner_environment')}', audience '${t('aud')}', issuer '${t('iss')}'`
}

/** A NumericDate claim as whole seconds, or undefined when it is not a JSON number (Apex's toSeconds). */
const seconds = v => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined)

/**
 * The handler's validateIncomingToken, step for step as the Apex does it: `{ username, user }` for the one user
 * the rules choose, or `{ message }`, the custom error message Salesforce returns to the client. `handler` holds
 * the rules, the key servers (see keyServersOf) and the platform's key cache.
 * @param {Pick<TokenExchangeHandler, 'rules'> & Partial<Omit<TokenExchangeHandler, 'rules' | 'keyServers'>> & { keyServers?: KeyServers }} handler
 * @param {string} token
 * @param {Map<string, FakeUser>} users
 * @param {number} [at] now, in seconds
 * @returns {Promise<{ username?: string, user?: FakeUser, message?: string }>}
 */
export async function validateIncomingToken(handler, token, users, at = Date.now() / 1000) {
  handler.keyCache ??= new Map()
  handler.keyFetches ??= []
  const header = part(token, 0)
  const unverified = part(token, 1)
  if (!header || !unverified) {
    return { message: `${REJECTED}it is not a JWT (three base64url parts: a JSON header, a JSON payload, a signature).` }
  }
  const headerProblem = checkHeader(header)
  if (headerProblem) return { message: REJECTED + headerProblem }
  const issuer = claimText(unverified.iss)
  if (!issuersOfActiveRules(handler.rules).has(issuer)) {
    return { message: `${REJECTED}its issuer '${quote(issuer)}' is not the issuer of any active GitHub trust rule.` }
  }
  const keysEndpoint = issuer + KEYS_PATH
  if (!(await verifies(handler, token, keysEndpoint))) {
    return { message: `${REJECTED}its signature could not be verified with the keys at ${keysEndpoint}.` }
  }
  return judge(handler, part(token, 1), users, at)
}

/** The verified claims against the clock, then the rules, the user and replay: the Apex judge(). */
function judge(handler, claims, users, at) {
  const now = Math.floor(at) // Apex's clock: whole seconds
  const expiresAt = seconds(claims.exp)
  if (expiresAt === undefined) return { message: `${REJECTED}it has no exp claim.` }
  if (now > expiresAt + SKEW_SECONDS) return { message: `${REJECTED}it has expired.` }
  if (claims.nbf !== undefined && claims.nbf !== null) {
    const notBefore = seconds(claims.nbf)
    if (notBefore === undefined || notBefore > now + SKEW_SECONDS) return { message: `${REJECTED}it is not valid yet.` }
  }
  const matching = matchingRules(handler.rules ?? [], claims)
  const names = new Set(matching.map(rule => rule.Username__c.toLowerCase()))
  const ruleNames = matching.map(rule => String(rule.DeveloperName ?? '')).sort(apexOrder)
  if (names.size === 0) return { message: `No active GitHub trust rule matches ${presented(claims)}.${unnarrowed(handler, claims)}` }
  if (names.size > 1) {
    return {
      message: `Active GitHub trust rules name more than one user for ${presented(claims)}: rules ${ruleNames.join(', ')}; make the matching rules name one user.`
    }
  }
  const rulesNamed = (ruleNames.length === 1 ? 'GitHub trust rule ' : 'GitHub trust rules ') + ruleNames.join(', ')
  const username = matching[0].Username__c
  const user = [...users].find(([name]) => name.toLowerCase() === username.toLowerCase())?.[1]
  if (!user || !user.active) {
    return { message: `No active user for ${rulesNamed}: the user it names does not exist or is not active.` }
  }
  if (!holdsKeylessLogin(user)) {
    return {
      message: `No keyless login permission for ${rulesNamed}: the user it names does not hold the permission set ${PERMISSION_SET}.`
    }
  }
  const replayProblem = rememberOnce(handler, claims)
  if (replayProblem) return { message: REJECTED + replayProblem }
  return { username, user }
}

/**
 * The Apex holdsKeylessLogin(): the permission set assigned directly (`user.permissionSets`), or through a permission
 * set group that contains it (`user.permissionSetGroups`, each `{ name, permissionSets }`).
 */
function holdsKeylessLogin(user) {
  return (
    (user.permissionSets ?? []).includes(PERMISSION_SET) ||
    (user.permissionSetGroups ?? []).some(group => (group.permissionSets ?? []).includes(PERMISSION_SET))
  )
}

/** The Apex unnarrowed(): the rules that would have matched but name none of Ref__c, Environment__c, Workflow_Ref__c. */
function unnarrowed(handler, claims) {
  const names = unnarrowedMatches(handler.rules ?? [], claims)
  return names.length === 0
    ? ''
    : ` GitHub trust rules that set none of Ref__c, Environment__c, Workflow_Ref__c never match: ${names.join(', ')}; set one (Ref__c ** means every ref).`
}

/**
 * The Apex rememberOnce(), with `handler.replay` (a Set, or anything with has/add) standing for the Platform Cache
 * partition that the org's GitHub Keyless Setting names; without it, no replay protection. Any failure of the store
 * (a has or add that throws, as a missing partition or one without capacity does in the org) refuses.
 */
function rememberOnce(handler, claims) {
  if (!handler.replay) return undefined
  try {
    const jti = claimText(claims.jti)
    if (jti.trim() === '') return 'it has no jti claim, and this org accepts each token once.'
    const key = `${claimText(claims.iss)} ${jti}`
    if (handler.replay.has(key)) return 'it was already used, and this org accepts each token once.'
    handler.replay.add(key)
    return undefined
  } catch {
    return REPLAY_CACHE_UNUSABLE
  }
}

/** Apex's List<String>.sort(), taken to order by code units like JavaScript's (not confirmed for mixed case). */
const apexOrder = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The token endpoint's part of the exchange: the app's settings, then the handler chosen for the app,
 * then the handler's verdict. `reply(status, error, description)` answers; `issue(user)` answers success.
 * @param {any} server the fake org (fake-salesforce.mjs)
 * @param {Record<string, string>} form
 * @param {(status: number, error: string, description: string) => void} reply
 * @param {(user: FakeUser) => void} issue
 * @returns {Promise<void>}
 */
export async function exchangeToken(server, form, reply, issue) {
  const app = server.apps.get(form.client_id ?? '')
  if (!app) return reply(400, 'invalid_client_id', 'client identifier invalid')
  if (!app.tokenExchange) return reply(400, 'unsupported_grant_type', 'grant type not supported')
  if (app.secretRequired && !form.client_secret) return reply(400, 'invalid_client', 'invalid client credentials')
  const type = TOKEN_TYPES[form.subject_token_type ?? '']
  if (!type) return reply(400, 'invalid_request', 'invalid subject_token_type')
  const handler = server.handlers.find(h =>
    form.token_handler ? h.developerName === form.token_handler && h.apps.includes(form.client_id) : h.defaultFor.includes(form.client_id)
  )
  if (!handler) return reply(400, 'invalid_request', 'token handler not found')
  if ((type === 'JWT' && !handler.jwt) || (type === 'ID_TOKEN' && !handler.idToken)) {
    return reply(400, 'invalid_request', 'token handler validation failed')
  }
  const subjectToken = form.subject_token ?? ''
  server.subjectTokens.push(subjectToken)
  if (subjectToken.length > 10_000) return reply(400, 'invalid_request', 'subject_token is too long')
  const verdict = await validateIncomingToken(handler, subjectToken, server.users, Date.now() / 1000 + server.clockAheadSeconds)
  if (verdict.message) return reply(400, 'invalid_request', verdict.message)
  if (!verdict.user.approved) return reply(400, 'invalid_grant', "user hasn't approved this consumer")
  return issue(verdict.user)
}
