import * as core from '@actions/core'
import { buildClaims, signAssertion } from './assertion.js'
import { resolveEndpoint } from './audience.js'
import { checkCertificate, parseCertificate } from './certificate.js'
import { ActionError } from './errors.js'
import { postForm } from './http.js'
import { readInputs, type Inputs } from './inputs.js'
import { readKeyFile } from './key-file.js'
import { keySecrets, parsePrivateKey } from './key.js'
import { isOrgAllowed } from './orgs.js'
import { cleanup } from './post.js'
import { DEFAULT_POLICY, withRetries } from './retry.js'
import { revokeToken } from './revoke.js'
import { neutralize, safeLogger } from './sanitize.js'
import { EXPORTED, STATE } from './state.js'
import { summaryMarkdown } from './summary.js'
import { parseIdentity, requestToken } from './token.js'

/** Reads the key text from the input or the file; the key only ever lives in memory here. */
function readKeyText(source: Inputs['keySource']): string {
  return source.input === 'private-key' ? source.value : readKeyFile(source.value, process.env.GITHUB_WORKSPACE ?? process.cwd())
}

/** Every log line goes through here, so no value it quotes can forge a workflow command. */
const log = safeLogger(core)

/** The main step: inputs, key, pre-flight, exchange, guard, outputs; masking always comes first. */
export async function login(): Promise<void> {
  const inputs = readInputs(name => core.getInput(name))
  if (inputs.passphrase) core.setSecret(inputs.passphrase)
  const keyText = readKeyText(inputs.keySource)
  for (const line of keySecrets(keyText)) core.setSecret(line)

  const key = parsePrivateKey(inputs.keySource.input, keyText, inputs.passphrase)
  if (key.passphraseUnused) {
    log.warning("Input 'private-key-passphrase' is set but the key is not encrypted; the passphrase was not used.")
  }
  const certificate = inputs.certificate.trim() ? checkCertificate(parseCertificate(inputs.certificate), key.key, new Date()) : undefined
  if (certificate?.warning) log.warning(certificate.warning)
  const endpoint = resolveEndpoint(inputs.loginUrl, inputs.audience)
  const ctx = { loginUrl: endpoint.loginUrl, audience: endpoint.audience, username: inputs.username }
  const timeoutMs = inputs.requestTimeoutSeconds * 1000

  const token = await withRetries(
    async n => {
      const claims = buildClaims(inputs.clientId, inputs.username, endpoint.audience, Date.now())
      const assertion = signAssertion(claims, key.key)
      core.setSecret(assertion)
      if (n === 1) {
        log.info(`Requesting a token from ${endpoint.tokenUrl} for ${inputs.username} (audience ${endpoint.audience}).`)
      }
      log.debug(`Assertion claims: iss=${claims.iss} sub=${claims.sub} aud=${claims.aud} exp=${claims.exp} jti=${claims.jti}`)
      return requestToken(postForm, endpoint.tokenUrl, assertion, timeoutMs, ctx, secret => core.setSecret(secret))
    },
    { ...DEFAULT_POLICY, maxAttempts: inputs.maxAttempts },
    { sleep: ms => new Promise(resolve => setTimeout(resolve, ms)), random: Math.random, log: message => log.info(message) }
  )
  const { orgId, userId } = parseIdentity(token.id)

  if (!isOrgAllowed(orgId, inputs.allowedOrgIds)) {
    const failed = await revokeToken(postForm, endpoint.loginUrl, token.access_token, timeoutMs)
    if (failed && inputs.revokeToken) core.saveState(STATE.token, token.access_token)
    throw new ActionError(
      `Logged in to org ${orgId || '(unknown: no identity URL in the answer)'} at ${token.instance_url}, which is not in ` +
        `'allowed-org-ids' (${inputs.allowedOrgIds.join(', ')}). ` +
        (failed
          ? `Revoking that token failed (${failed}); ${inputs.revokeToken ? 'the post step tries again' : 'it expires with the session'}. `
          : 'The token was revoked. ') +
        "No outputs were set. Check 'login-url' and 'username', or add the org to 'allowed-org-ids'."
    )
  }

  core.setOutput('access_token', token.access_token)
  core.setOutput('instance_url', token.instance_url)
  core.setOutput('id', token.id)
  core.setOutput('org_id', orgId)
  core.setOutput('user_id', userId)
  core.setOutput('scope', token.scope)
  core.setOutput('token_type', token.token_type)
  const expiresAt = certificate?.expiresAt.toISOString()
  if (expiresAt) core.setOutput('certificate_expires_at', expiresAt)
  if (inputs.exportEnv) {
    core.exportVariable(EXPORTED.token, token.access_token)
    core.exportVariable(EXPORTED.instanceUrl, token.instance_url)
    core.saveState(STATE.exported, 'true')
  }
  if (inputs.revokeToken) core.saveState(STATE.token, token.access_token)
  if (inputs.jobSummary && process.env.GITHUB_STEP_SUMMARY) {
    const facts = { username: inputs.username, userId, orgId, instanceUrl: token.instance_url, ...endpoint }
    await core.summary.addRaw(summaryMarkdown({ ...facts, certificateExpiresAt: expiresAt })).write()
  }
  log.info(`Authenticated as ${inputs.username} (user ${userId || 'unknown'}) to org ${orgId || 'unknown'} at ${token.instance_url}.`)
}

/** Entry point for both steps: every failure becomes one error line, without a stack trace. */
export async function run(): Promise<void> {
  const isPost = core.getState(STATE.isPost) === 'true'
  try {
    if (isPost) {
      await cleanup()
    } else {
      core.saveState(STATE.isPost, 'true')
      await login()
    }
  } catch (err) {
    core.setFailed(neutralize(err instanceof ActionError ? err.message : `Unexpected error: ${(err as Error)?.message ?? String(err)}`))
  }
}
