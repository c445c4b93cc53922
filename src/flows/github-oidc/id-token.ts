import {
  AttemptError,
  describeBody,
  header,
  isMaskable,
  MIN_TOKEN_LENGTH,
  parseRetryAfter,
  TRANSIENT_STATUSES,
  transportFailure
} from '../../attempt.js'
import { ActionError } from '../../errors.js'
import { parseJsonObject, TransportError, type GetUrl, type HttpResponse } from '../../http.js'
import { isLocalHost } from '../../login-url.js'

/** GitHub's side of the keyless flow: asking the runner's ID token service for this job's OIDC token. */

/** Appended wherever a missing or refused ID token is the problem: the runner gives no other hint. */
const PERMISSION_HINT =
  "Give the job 'permissions: id-token: write' (in the workflow or the job). Pull requests from forks and " +
  'Dependabot runs get no ID token from GitHub: deploy from push or workflow_dispatch runs instead.'

/** Where and with what the runner lets this job ask GitHub for an ID token. */
export interface IdTokenSource {
  url: string
  /** The runner's request token: a secret. */
  token: string
}

/**
 * The runner sets ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN only for jobs with `id-token: write`; checked
 * before any request, so the one message names the permission instead of a failed request.
 */
export function idTokenSource(env: Record<string, string | undefined>): IdTokenSource {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''
  if (url === '' || token === '') {
    throw new ActionError(
      "'auth-flow: github-oidc' needs an OIDC ID token from GitHub, but this job may not ask for one " +
        `(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ${PERMISSION_HINT}`
    )
  }
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  const local = parsed && isLocalHost(parsed.hostname) && parsed.protocol === 'http:'
  if (!parsed || (parsed.protocol !== 'https:' && !local)) {
    throw new ActionError(
      'ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL, so the runner request token will not be sent to it. ' +
        'It is set by the runner: do not set it in the workflow.'
    )
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ActionError(
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN holds characters no request token has, so it cannot be sent. It is set by ' +
        'the runner: do not set it in the workflow.'
    )
  }
  return { url, token }
}

/** The request URL with the audience asked for (the runner's URL already carries api-version). */
export function idTokenUrl(requestUrl: string, audience: string): string {
  const url = new URL(requestUrl)
  url.searchParams.set('audience', audience)
  return url.toString()
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Reads the ID token service's answer. The ID token is masked before any check can fail; only GitHub's
 * throttling and server errors are worth another attempt.
 */
export function interpretIdTokenResponse(res: HttpResponse, mask: (secret: string) => void): string {
  const json = parseJsonObject(res.body)
  const value = typeof json?.value === 'string' ? json.value : ''
  // Too short to be a token: never masked (it would hide that text all over the log), and refused below.
  if (isMaskable(value)) mask(value)
  const answered = `GitHub's token service answered HTTP ${res.status}`
  if (TRANSIENT_STATUSES.includes(res.status)) {
    const retryAfter = parseRetryAfter(header(res, 'retry-after'), Date.now())
    throw new AttemptError(`${answered} (${describeBody(res)}).`, `GitHub HTTP ${res.status}`, true, retryAfter)
  }
  if (res.status >= 300 && res.status < 400) {
    throw new AttemptError(
      `${answered}, a redirect, which the action does not follow with the runner's request token. ` +
        'ACTIONS_ID_TOKEN_REQUEST_URL is set by the runner: do not set it in the workflow.',
      `GitHub HTTP ${res.status}`,
      false
    )
  }
  if (res.status !== 200) {
    throw new AttemptError(
      `${answered}: it refused to issue an ID token (${describeBody(res)}). It refuses when the job lacks the ` +
        `permission, or when the job's request token has expired. ${PERMISSION_HINT}`,
      `GitHub HTTP ${res.status}`,
      false
    )
  }
  if (value !== '' && value.length < MIN_TOKEN_LENGTH) {
    throw new AttemptError(
      `${answered} without an ID token in 'value' (a value of ${value.length} characters, too short to be one; not shown). ` +
        "Re-run the job; if it persists, GitHub's OIDC service is at fault.",
      'short ID token',
      false
    )
  }
  if (!JWT_SHAPE.test(value)) {
    const what = json ? `fields present: ${Object.keys(json).join(', ').slice(0, 100) || 'none'}` : describeBody(res)
    throw new AttemptError(
      `${answered} without an ID token in 'value' (${what}). Re-run the job; if it persists, GitHub's OIDC service is at fault.`,
      'no ID token',
      false
    )
  }
  return value
}

/** Asks GitHub for one ID token for `audience`; masked before any check of the answer can fail. */
export async function fetchIdToken(
  get: GetUrl,
  source: IdTokenSource,
  audience: string,
  timeoutMs: number,
  mask: (s: string) => void
): Promise<string> {
  const url = idTokenUrl(source.url, audience)
  let res: HttpResponse
  try {
    res = await get(url, { authorization: `Bearer ${source.token}` }, timeoutMs)
  } catch (err) {
    if (!(err instanceof TransportError)) throw err
    throw transportFailure(
      err,
      new URL(url).origin,
      'ID token request',
      'ACTIONS_ID_TOKEN_REQUEST_URL is set by the runner; check its network.'
    )
  }
  return interpretIdTokenResponse(res, mask)
}
