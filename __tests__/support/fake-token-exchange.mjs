// Salesforce's OAuth 2.0 token exchange, as the fake org runs it: the app's settings, the handler enabled
// for the app, and the handler itself, which applies the same checks, trust rules and messages as the Apex
// GitHubActionsTokenExchangeHandler in salesforce/ (rules use the custom metadata's field names).
import { createPublicKey, createVerify } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { matchingRules } from './trust-rules.mjs'

export { ruleMatches } from './trust-rules.mjs'

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const TOKEN_TYPES = { 'urn:ietf:params:oauth:token-type:JWT': 'JWT', 'urn:ietf:params:oauth:token-type:id_token': 'ID_TOKEN' }
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
const SKEW_SECONDS = 60

/**
 * GETs a JWKS the way Auth.JWTUtil.validateJWTWithKeysEndpoint does (a callout to the keys endpoint): the
 * fake GitHub's on loopback, or GitHub's real one where a workflow serves the fake org (see ci.yml).
 */
function fetchJwks(url) {
  return new Promise((resolve, reject) => {
    ;(url.startsWith('https:') ? https : http)
      .get(url, res => {
        let text = ''
        res.on('data', d => (text += d))
        res.on('end', () => {
          try {
            resolve(JSON.parse(text).keys ?? [])
          } catch (err) {
            reject(err)
          }
        })
      })
      .on('error', reject)
  })
}

const part = text => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))

/** Signature check against the keys endpoint; the claims when it verifies, else undefined. */
async function verifiedClaims(token, jwksUrl) {
  try {
    const [head, body, signature] = token.split('.')
    const header = part(head)
    if (header.alg !== 'RS256' || signature === undefined) return undefined
    const jwk = (await fetchJwks(jwksUrl)).find(k => k.kid === header.kid)
    if (!jwk) return undefined
    const ok = createVerify('RSA-SHA256')
      .update(`${head}.${body}`)
      .verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'))
    return ok ? part(body) : undefined
  } catch {
    return undefined
  }
}

const blank = v => v === undefined || v === null || String(v).trim() === ''
/** A claim as Apex's String.valueOf reads it for the types GitHub sends; '' for anything else (an array). */
const text = v => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')

/** How the handler names what was presented in its refusals. */
export function presented(c) {
  const env = blank(c.environment) ? 'environment (none)' : `environment '${text(c.environment)}'`
  return `repository '${text(c.repository)}' (id ${text(c.repository_id)}), ref '${text(c.ref)}', ${env}, audience '${text(c.aud)}'`
}

/**
 * The handler's validateIncomingToken: `{ username }` for the one user the rules choose, or `{ message }`,
 * the custom error message Salesforce returns to the client.
 */
export async function validateIncomingToken(handler, token, users, at = Date.now() / 1000) {
  const nowSeconds = Math.floor(at) // Apex's clock: whole seconds
  const claims = await verifiedClaims(token, handler.jwksUrl)
  if (!claims) return { message: "GitHub OIDC token rejected: it could not be verified against GitHub's signing keys." }
  if (claims.iss !== GITHUB_ISSUER) return { message: `GitHub OIDC token rejected: issuer '${text(claims.iss)}' is not ${GITHUB_ISSUER}.` }
  // Whole seconds, as Apex reads numeric claims; a present nbf that is not a number is refused.
  if (typeof claims.exp !== 'number') return { message: 'GitHub OIDC token rejected: it has no exp claim.' }
  if (Math.trunc(claims.exp) + SKEW_SECONDS < nowSeconds) return { message: 'GitHub OIDC token rejected: it has expired.' }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || Math.trunc(claims.nbf) - SKEW_SECONDS > nowSeconds)) {
    return { message: 'GitHub OIDC token rejected: it is not valid yet.' }
  }
  const matching = matchingRules(handler.rules, claims)
  const names = [...new Set(matching.map(rule => rule.Username__c.toLowerCase()))]
  if (names.length === 0) return { message: `No active GitHub trust rule matches ${presented(claims)}.` }
  if (names.length > 1) {
    return { message: `Active GitHub trust rules name more than one user for ${presented(claims)}; make the matching rules name one user.` }
  }
  const username = matching[0].Username__c
  const user = [...users].find(([name]) => name.toLowerCase() === names[0])?.[1]
  if (!user || !user.active) {
    return { message: `The GitHub trust rule for ${presented(claims)} names user '${username}', who does not exist or is not active.` }
  }
  return { username, user }
}

/**
 * The token endpoint's part of the exchange: the app's settings, then the handler chosen for the app,
 * then the handler's verdict. `reply(status, error, description)` answers; `issue(user)` answers success.
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
