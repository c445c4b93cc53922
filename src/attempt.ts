/**
 * One attempt at a request and how it failed, and the reading of an HTTP answer that every service shares
 * (Salesforce's token endpoint, GitHub's ID token service): the retry policy decides on these alone.
 */
import { ActionError } from './errors.js'
import { TransportError, type HttpResponse } from './http.js'
import { bounded, excerpt } from './text.js'

/**
 * A failed attempt. `transient` failures (a 503, a reset connection) may succeed if tried again; the rest
 * (a Salesforce refusal, a redirect, a malformed answer) will not, and are reported at once.
 */
export class AttemptError extends ActionError {
  constructor(
    message: string,
    /** A few words for the per-attempt log line: "HTTP 503", "ECONNRESET". */
    readonly reason: string,
    readonly transient: boolean,
    readonly retryAfterSeconds?: number,
    /** Salesforce's own words when it refused the request (HTTP 4xx with an OAuth error): a flow may advise on them. */
    readonly refusal?: { error: string; description: string }
  ) {
    super(message)
    this.name = 'AttemptError'
  }
}

/**
 * The shortest token or ID token taken from an answer. Masking a shorter value would hide every occurrence of it
 * in the rest of the job's log (one character: that character everywhere), and no real token is anywhere near
 * this short; the floor is the action's own, not a documented Salesforce or GitHub length.
 */
export const MIN_TOKEN_LENGTH = 32

/** True for a secret of an answer that is long enough to be real, and so to be masked. */
export const isMaskable = (secret: unknown): secret is string => typeof secret === 'string' && secret.length >= MIN_TOKEN_LENGTH

/** Statuses worth another attempt, from Salesforce and from GitHub alike. */
export const TRANSIENT_STATUSES = [429, 500, 502, 503, 504]

/** One header's value as text, however Node delivered it. */
export function header(res: HttpResponse, name: string): string {
  const value = res.headers[name]
  return Array.isArray(value) ? value.join(', ') : (value ?? '')
}

/** Retry-After as seconds (either delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+$/.test(text)) return Number(text)
  // An HTTP date always names a weekday and a month; this keeps Date.parse from reading '1.5' as 2001.
  if (!/[A-Za-z]{3}/.test(text)) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000))
}

/** The end of the first `</name>` at or after `from`, in any case; -1 when there is none. */
function closingTag(body: string, name: string, from: number): number {
  const close = new RegExp(`</${name}>`, 'gi')
  close.lastIndex = from
  return close.exec(body) ? close.lastIndex : -1
}

/**
 * The text of an HTML (or any) body as a reader would see it: each tag, and each whole script or style element,
 * replaced by a space. One pass, linear in the body whatever it holds: a tag or element that never closes is
 * looked for once, not once per `<` (regular expressions did that: a 1 MiB body of `<` took over ten minutes,
 * after the answer had arrived, so outside any deadline).
 */
export function withoutTags(body: string): string {
  const parts: string[] = []
  // Past these positions there is no '>', or no closing tag of that name: nothing to look for again.
  let noTagEnd = Infinity
  const noClose: Record<string, number> = { script: Infinity, style: Infinity }
  let at = 0
  while (at < body.length) {
    const open = body.indexOf('<', at)
    if (open < 0) break
    parts.push(body.slice(at, open))
    const name = /^<(script|style)/i.exec(body.slice(open, open + 7))?.[1].toLowerCase()
    if (name && open < noClose[name]) {
      const end = closingTag(body, name, open + 1)
      if (end >= 0) {
        parts.push(' ')
        at = end
        continue
      }
      noClose[name] = open
    }
    const end = open < noTagEnd ? body.indexOf('>', open + 1) : -1
    if (end < 0) {
      noTagEnd = Math.min(noTagEnd, open)
      parts.push('<')
      at = open + 1
    } else {
      parts.push(' ')
      at = end + 1
    }
  }
  parts.push(body.slice(at))
  return parts.join('')
}

/**
 * A short, safe description of a body we could not use: tags and token-like runs removed, so an HTML
 * maintenance page is recognisable and nothing secret-looking is echoed.
 */
export function describeBody(res: HttpResponse): string {
  const type = bounded(header(res, 'content-type'), 100) || 'no content type'
  const text = withoutTags(res.body).replace(/\s+/g, ' ')
  const quoted = excerpt(text, 120)
  return `${type}, ${Buffer.byteLength(res.body)} bytes${quoted ? `: "${quoted}"` : ''}`
}

/** Connection failures worth another try; a host that does not exist or a bad certificate is not. */
const TRANSIENT_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET'
]

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL/

/** Turns a connection failure into an attempt failure with the fix where there is one. */
export function transportFailure(err: TransportError, url: string, request: string, hostFix: string): AttemptError {
  const to = `The ${request} to ${bounded(url)} failed: ${bounded(err.message)}.`
  if (err.code === 'ENOTFOUND') return new AttemptError(`${to} The host does not exist: ${hostFix}`, err.code, false)
  if (TLS_CODES.test(err.code)) {
    return new AttemptError(
      `${to} The TLS certificate could not be verified. Behind a TLS-inspecting proxy, give the proxy's CA ` +
        "certificate to Node with the NODE_EXTRA_CA_CERTS environment variable (docs/faq.md, 'Proxies, retries and time limits').",
      err.code,
      false
    )
  }
  if (err.code === 'EPROXY') return new AttemptError(`${to} Check HTTPS_PROXY and the proxy's credentials.`, err.code, false)
  const reason = err.code === 'ETIMEDOUT' ? err.message : err.code
  return new AttemptError(to, reason, TRANSIENT_CODES.includes(err.code))
}
