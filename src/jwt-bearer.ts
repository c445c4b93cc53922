import { buildClaims, signAssertion } from './assertion.js'
import { checkCertificate, parseCertificate } from './certificate.js'
import type { FlowIo, Login } from './flow.js'
import type { JwtBearerInputs } from './inputs.js'
import { readKeyFile } from './key-file.js'
import { keySecrets, parsePrivateKey } from './key.js'
import { DEFAULT_POLICY, withRetries } from './retry.js'
import { JWT_BEARER_GRANT, requestToken } from './token.js'

/** Reads the key text from the input or the file; the key only ever lives in memory here. */
function readKeyText(source: JwtBearerInputs['keySource'], workspace: string): string {
  return source.input === 'private-key' ? source.value : readKeyFile(source.value, workspace)
}

/**
 * The key-based flow: key, pre-flight, then a freshly signed assertion per attempt. Every line of key
 * material is masked before anything else is written.
 */
export async function jwtBearerLogin(inputs: JwtBearerInputs, workspace: string, io: FlowIo): Promise<Login> {
  if (inputs.passphrase) io.mask(inputs.passphrase)
  const keyText = readKeyText(inputs.keySource, workspace)
  for (const line of keySecrets(keyText)) io.mask(line)

  const key = parsePrivateKey(inputs.keySource.input, keyText, inputs.passphrase)
  if (key.passphraseUnused) {
    io.warning("Input 'private-key-passphrase' is set but the key is not encrypted; the passphrase was not used.")
  }
  const certificate = inputs.certificate.trim() ? checkCertificate(parseCertificate(inputs.certificate), key.key, new Date()) : undefined
  if (certificate?.warning) io.warning(certificate.warning)
  const ctx = { flow: inputs.flow, loginUrl: inputs.loginUrl, audience: inputs.audience, username: inputs.username }

  const token = await withRetries(
    async n => {
      const claims = buildClaims(inputs.clientId, inputs.username, inputs.audience, Date.now())
      const assertion = signAssertion(claims, key.key)
      io.mask(assertion)
      if (n === 1) io.info(`Requesting a token from ${inputs.tokenUrl} for ${inputs.username} (audience ${inputs.audience}).`)
      io.debug(`Assertion claims: iss=${claims.iss} sub=${claims.sub} aud=${claims.aud} exp=${claims.exp} jti=${claims.jti}`)
      const form = { grant_type: JWT_BEARER_GRANT, assertion }
      return requestToken(io.post, inputs.tokenUrl, form, inputs.requestTimeoutSeconds * 1000, ctx, io.mask)
    },
    { ...DEFAULT_POLICY, maxAttempts: inputs.maxAttempts },
    io.retry
  )
  return { token, username: inputs.username, audience: inputs.audience, certificateExpiresAt: certificate?.expiresAt.toISOString() }
}
