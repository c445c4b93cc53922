import { parseJsonObject, TransportError, type PostForm } from './http.js'
import { bounded, serverWords } from './text.js'

/**
 * Revokes an access token at `{loginUrl}/services/oauth2/revoke`. Returns undefined when it worked, else
 * a short reason: revocation is cleanup, so callers warn rather than fail, and never show the token.
 */
export async function revokeToken(post: PostForm, loginUrl: string, token: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await post(`${loginUrl}/services/oauth2/revoke`, { token }, timeoutMs)
    if (res.status === 200) return undefined
    const json = parseJsonObject(res.body)
    if (typeof json?.error !== 'string') return `HTTP ${res.status}`
    // Salesforce's words, cut as serverWords cuts: never inside a token-like run, whose start could be a piece of
    // the token too short for the log's redaction to recognise.
    const words = `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}`
    return `HTTP ${res.status} ${serverWords(words, 280)}`
  } catch (err) {
    return bounded(err instanceof TransportError ? err.message : String(err), 300)
  }
}
