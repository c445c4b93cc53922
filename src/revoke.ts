import { TransportError, type PostForm } from './http.js'

/**
 * Revokes an access token at `{loginUrl}/services/oauth2/revoke`. Returns undefined when it worked, else
 * a short reason: revocation is cleanup, so callers warn rather than fail, and never show the token.
 */
export async function revokeToken(post: PostForm, loginUrl: string, token: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await post(`${loginUrl}/services/oauth2/revoke`, { token }, timeoutMs)
    if (res.status === 200) return undefined
    let error = ''
    try {
      const json = JSON.parse(res.body) as { error?: unknown; error_description?: unknown }
      if (typeof json.error === 'string')
        error = ` ${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}`
    } catch {
      error = ''
    }
    return `HTTP ${res.status}${error}`
  } catch (err) {
    return err instanceof TransportError ? err.message : String(err)
  }
}
