import { describe, expect, it } from '@jest/globals'
import { TransportError, type PostForm } from '../../src/http.js'
import { AttemptError } from '../../src/attempt.js'
import { requestToken } from '../../src/flows/token.js'
import { FLOWS } from '../../src/flows/index.js'

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

const CTX = {
  advice: FLOWS['jwt-bearer'].advice,
  loginUrl: 'https://acme.my.salesforce.com',
  audience: 'https://login.salesforce.com',
  username: 'ci@acme.example'
}
const TOKEN_URL = `${CTX.loginUrl}/services/oauth2/token`

async function failWith(code: string): Promise<AttemptError> {
  const post: PostForm = async () => {
    throw new TransportError(code, `${code}: simulated`)
  }
  try {
    await requestToken(
      post,
      TOKEN_URL,
      { grant_type: JWT_BEARER_GRANT, assertion: 'header.payload.signature' },
      5_000,
      CTX,
      () => undefined
    )
  } catch (e) {
    expect(e).toBeInstanceOf(AttemptError)
    return e as AttemptError
  }
  throw new Error('expected an AttemptError')
}

describe('requestToken: connection failures', () => {
  it.each([
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
  ])('%s is transient (retried)', async code => {
    const e = await failWith(code)
    expect(e.transient).toBe(true)
    expect(e.message).toMatch(new RegExp(`^The token request to ${TOKEN_URL} failed: ${code}`))
  })

  it.each<[string, RegExp]>([
    ['ENOTFOUND', /The host does not exist: check 'login-url'/],
    ['CERT_HAS_EXPIRED', /TLS certificate could not be verified.*NODE_EXTRA_CA_CERTS/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /NODE_EXTRA_CA_CERTS/],
    ['EPROXY', /Check HTTPS_PROXY/]
  ])('%s is permanent (not retried) and says the fix', async (code, fix) => {
    const e = await failWith(code)
    expect(e.transient).toBe(false)
    expect(e.reason).toBe(code)
    expect(e.message).toMatch(fix)
  })
})
