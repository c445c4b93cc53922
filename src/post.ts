import * as core from '@actions/core'
import { postForm } from './http.js'
import { readInputs } from './inputs.js'
import { revokeToken } from './revoke.js'
import { EXPORTED, STATE } from './state.js'
import { redactor, safeLogger } from './text.js'

/** The token, once read back, is redacted from what this step logs too (a server may quote part of it). */
const secrets = redactor()
const log = safeLogger(core, secrets.redact)

/**
 * The post step, at the end of the job: clears exported variables and, when the main step left a token
 * to revoke, revokes it where it logged in. Nothing to do is not an error, and a failed revocation is only
 * a warning: the job's real work is done by now.
 */
export async function cleanup(): Promise<void> {
  if (core.getState(STATE.exported) === 'true') {
    core.exportVariable(EXPORTED.token, '')
    core.exportVariable(EXPORTED.instanceUrl, '')
  }
  const token = core.getState(STATE.token)
  if (!token) {
    log.debug('No token to revoke: revoke-token is off, or the login step did not get one.')
    return
  }
  core.setSecret(token)
  secrets.remember(token)
  // Revoked where it came from (saved with it); only the time limit is read from the inputs again.
  const loginUrl = core.getState(STATE.loginUrl)
  const { requestTimeoutSeconds } = readInputs(name => core.getInput(name))
  const failed = await revokeToken(postForm, loginUrl, token, requestTimeoutSeconds * 1000)
  if (failed) {
    log.warning(
      `Could not revoke the access token at ${loginUrl}/services/oauth2/revoke (${failed}); it stays valid until its session times out.`
    )
  } else {
    log.info(`Revoked the access token at ${loginUrl}/services/oauth2/revoke.`)
  }
}
