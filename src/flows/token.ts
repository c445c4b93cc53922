import {
  AttemptError,
  describeBody,
  header,
  isMaskable,
  MIN_TOKEN_LENGTH,
  parseRetryAfter,
  TRANSIENT_STATUSES,
  transportFailure
} from '../attempt.js'
import { parseJsonObject, TransportError, type HttpResponse, type PostForm } from '../http.js'
import type { FlowIo } from '../io.js'
import { isSalesforceHost, normalHost } from '../login-url.js'
import { DEFAULT_POLICY, withRetries } from '../retry.js'
import { explainOAuthError, isKnownRefusal, type LoginContext } from './salesforce-errors.js'
import { bounded, excerpt, isPrintable, serverWords } from '../text.js'

export interface TokenResponse {
  access_token: string
  instance_url: string
  id: string
  scope: string
  token_type: string
  /** A refresh token in the answer (masked, never output): in the refresh flow, a new one means rotation spent the old one. */
  refreshToken?: string
}

/** A field of the answer as text: '' for anything but a string. */
const stringField = (v: unknown): string => (typeof v === 'string' ? v : '')

/** Refuses a malformed field of a 200 answer, naming it, with a redacted excerpt (never for the token). */
function malformed(field: string, value: string, problem: string): AttemptError {
  const quoted = field === 'access_token' ? 'not shown' : `'${excerpt(value, 100, field === 'instance_url' || field === 'id')}'`
  return new AttemptError(
    `The token endpoint answered HTTP 200 with a malformed ${field} (${problem}: ${quoted}). The answer is not used; ` +
      'check that the login URL points at Salesforce and not at a proxy or portal that rewrites answers.',
    `malformed ${field}`,
    false
  )
}

/** A plain field of the answer: a string without control characters and of a sane length, or ''. */
function plainField(json: Record<string, unknown>, field: string, maxLength: number): string {
  const value = stringField(json[field])
  if (!isPrintable(value)) throw malformed(field, value, 'it holds control characters')
  if (value.length > maxLength) throw malformed(field, value, `it is ${value.length} characters long`)
  return value
}

/** An https URL; undefined for anything else. */
function httpsUrl(value: string): URL | undefined {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

/** User info, a query or a fragment: never part of an instance or identity URL. */
const hasExtras = (url: URL): boolean => Boolean(url.username || url.password || url.search || url.hash)

/** Refuses a token answer whose secret is too short to be real: named by its field and length, never shown or masked. */
function tooShort(field: string, length: number): AttemptError {
  return new AttemptError(
    `The token endpoint answered HTTP 200 with ${/^[aeiou]/.test(field) ? 'an' : 'a'} ${field} of ${length} ` +
      `character${length === 1 ? '' : 's'}, too short to be a real token (at least ${MIN_TOKEN_LENGTH} are expected; ` +
      'the value is not shown). The answer is not used; check that the login URL points at Salesforce and not at a ' +
      'proxy or portal that rewrites answers.',
    `short ${field}`,
    false
  )
}

/**
 * A host the token may be sent to: Salesforce's own domains, or the login host itself (which may be this machine).
 * The CLI and later steps send the token to instance_url, so an answer naming any other host is refused.
 */
function trustedHost(url: URL, loginUrl: string): boolean {
  const login = URL.canParse(loginUrl) ? normalHost(new URL(loginUrl).hostname) : undefined
  return isSalesforceHost(url.hostname) || (login !== undefined && normalHost(url.hostname) === login)
}

/** Refuses an instance or identity URL on a host the token must not go to, naming the host. */
function untrusted(field: string, url: URL): AttemptError {
  return new AttemptError(
    `The token endpoint returned an ${field} on ${bounded(url.hostname, 100)}, which is neither a Salesforce host nor the ` +
      'login host: the token would be sent there, so the answer is not used. Check that the login URL points at ' +
      'Salesforce and not at a proxy or portal that rewrites answers.',
    `${field} not Salesforce`,
    false
  )
}

const IDENTITY_PATH = /^\/id\/00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?\/005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?\/?$/

/** The parts of a 200 answer the action uses, each checked before any of it is logged or output. */
function checkedAnswer(json: Record<string, unknown>, loginUrl: string): TokenResponse {
  const token = plainField(json, 'access_token', 16_384)
  if (/\s/.test(token)) throw malformed('access_token', token, 'it holds white space')
  if (token.length < MIN_TOKEN_LENGTH) throw tooShort('access_token', token.length)
  const refresh = stringField(json.refresh_token)
  if (refresh !== '' && refresh.length < MIN_TOKEN_LENGTH) throw tooShort('refresh_token', refresh.length)
  const instanceText = plainField(json, 'instance_url', 2048)
  const instance = httpsUrl(instanceText)
  if (!instance) {
    throw new AttemptError(
      `The token endpoint returned an instance_url that is not https ('${excerpt(instanceText, 100, true)}'); ` +
        'the token would be sent in clear text, so the step fails.',
      'instance_url not https',
      false
    )
  }
  if (hasExtras(instance)) throw malformed('instance_url', instanceText, 'it carries user info, a query or a fragment')
  if (!trustedHost(instance, loginUrl)) throw untrusted('instance_url', instance)
  const id = plainField(json, 'id', 2048)
  const identity = id === '' ? undefined : httpsUrl(id)
  if (id !== '' && !(identity && !hasExtras(identity) && IDENTITY_PATH.test(identity.pathname))) {
    throw malformed('id', id, 'not an identity URL https://host/id/<org id>/<user id>')
  }
  if (identity && !trustedHost(identity, loginUrl)) throw untrusted('id', identity)
  return {
    access_token: token,
    // Only the origin: a path, user info or anything else the URL held is never output or logged.
    instance_url: instance.origin,
    id: identity ? identity.origin + identity.pathname : '',
    scope: plainField(json, 'scope', 2048),
    token_type: plainField(json, 'token_type', 64) || 'Bearer',
    ...(refresh !== '' && { refreshToken: refresh })
  }
}

/**
 * Reads the token endpoint's answer. `mask` is called with the access token before any check can fail,
 * so no later message or output can reveal it.
 */
export function interpretTokenResponse(
  res: HttpResponse,
  ctx: LoginContext,
  mask: (secret: string) => void,
  nowMs: number = Date.now()
): TokenResponse {
  const json = parseJsonObject(res.body)
  // A secret too short to be real is never masked (it would hide that text all over the log); the answer is refused below.
  for (const secret of [json?.access_token, json?.refresh_token]) if (isMaskable(secret)) mask(secret)
  const status = res.status

  if (status >= 300 && status < 400) {
    const location = header(res, 'location')
    let host = 'no Location header'
    try {
      host = location ? bounded(new URL(location, ctx.loginUrl).host, 100) : host
    } catch {
      host = 'an unreadable Location'
    }
    throw new AttemptError(
      `${bounded(ctx.loginUrl)} answered HTTP ${status} redirecting to ${host}. The action never follows a redirect ` +
        `with a credential in the request. Set ${ctx.orgChosenBy ?? "'login-url'"} to the org's final login host (its My Domain URL).`,
      `HTTP ${status}`,
      false
    )
  }
  const oauthError = json && typeof json.error === 'string' ? json.error : undefined
  if (TRANSIENT_STATUSES.includes(status)) {
    throw new AttemptError(
      oauthError && status < 500 && isKnownRefusal(oauthError, stringField(json?.error_description), ctx)
        ? explainOAuthError(status, serverWords(oauthError), serverWords(stringField(json?.error_description)), ctx)
        : `Salesforce answered HTTP ${status} (${describeBody(res)}).`,
      `HTTP ${status}`,
      true,
      parseRetryAfter(header(res, 'retry-after'), nowMs)
    )
  }
  if (oauthError && status >= 400 && status < 500) {
    throw new AttemptError(
      explainOAuthError(status, serverWords(oauthError), serverWords(stringField(json?.error_description)), ctx),
      `HTTP ${status} ${serverWords(oauthError).slice(0, 60)}`,
      false,
      undefined,
      { error: oauthError, description: stringField(json?.error_description) }
    )
  }
  if (status !== 200) {
    throw new AttemptError(`The token endpoint answered HTTP ${status} (${describeBody(res)}).`, `HTTP ${status}`, false)
  }
  if (!json) {
    const what = /^\s*[{[]/.test(res.body) ? `malformed or truncated JSON (${Buffer.byteLength(res.body)} bytes)` : describeBody(res)
    throw new AttemptError(`The token endpoint answered HTTP 200 with a body that is not a token response: ${what}.`, 'not JSON', false)
  }
  const missing = ['access_token', 'instance_url'].filter(k => stringField(json[k]) === '')
  if (missing.length > 0) {
    throw new AttemptError(
      `The token endpoint answered HTTP 200 without ${missing.join(' and ')} (fields present: ${excerpt(Object.keys(json).join(', '), 200) || 'none'}).`,
      'incomplete answer',
      false
    )
  }
  return checkedAnswer(json, ctx.loginUrl)
}

/** Org and user ids from the identity URL `https://host/id/<orgId>/<userId>`; empty when it is not one. */
export function parseIdentity(id: string): { orgId: string; userId: string } {
  const m = /\/id\/(00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)\/(005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)\/?$/.exec(id)
  return m ? { orgId: m[1], userId: m[2] } : { orgId: '', userId: '' }
}

/** The fix for a login host that does not resolve, naming the input that chose it. */
const loginHostFix = (ctx: LoginContext): string =>
  `check ${ctx.orgChosenBy ?? "'login-url'"} (a My Domain URL is https://yourdomain.my.salesforce.com).`

/**
 * One attempt at the token endpoint: one form POST (a fresh credential in `form`), the answer checked.
 * Every failure is an AttemptError that says whether trying again could help.
 */
export async function requestToken(
  post: PostForm,
  tokenUrl: string,
  form: Record<string, string>,
  timeoutMs: number,
  ctx: LoginContext,
  mask: (secret: string) => void
): Promise<TokenResponse> {
  let res: HttpResponse
  try {
    res = await post(tokenUrl, form, timeoutMs)
  } catch (err) {
    if (err instanceof TransportError) throw transportFailure(err, tokenUrl, 'token request', loginHostFix(ctx))
    throw err
  }
  return interpretTokenResponse(res, ctx, mask)
}

/** What a flow that sends the same form on every attempt needs to know about where and how hard to try. */
export interface TokenTarget {
  tokenUrl: string
  maxAttempts: number
  requestTimeoutSeconds: number
}

/**
 * The login of a flow whose one request is the same on every attempt (client credentials, refresh token):
 * one form POST, tried again on transient failures only.
 */
export function requestTokenWithRetries(
  io: FlowIo,
  target: TokenTarget,
  form: Record<string, string>,
  ctx: LoginContext
): Promise<TokenResponse> {
  return withRetries(
    () => requestToken(io.post, target.tokenUrl, form, target.requestTimeoutSeconds * 1000, ctx, io.mask),
    { ...DEFAULT_POLICY, maxAttempts: target.maxAttempts },
    io.retry
  )
}
