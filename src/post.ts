import * as core from '@actions/core'
import { postForm } from './http.js'
import { revokeToken } from './revoke.js'
import { STATE } from './state.js'

/**
 * The post step, at the end of the job: clears exported variables and, when `revoke-token` was on,
 * revokes the token. Nothing to do is not an error, and a failed revocation is only a warning: the job's
 * real work is done by now.
 */
export async function cleanup(): Promise<void> {
  if (core.getState(STATE.exported) === 'true') {
    core.exportVariable('SF_ACCESS_TOKEN', '')
    core.exportVariable('SF_ORG_INSTANCE_URL', '')
  }
  const token = core.getState(STATE.token)
  if (!token) {
    core.debug('No token to revoke: revoke-token is off, or the login step did not get one.')
    return
  }
  core.setSecret(token)
  const loginUrl = core.getState(STATE.loginUrl)
  const failed = await revokeToken(postForm, loginUrl, token, Number(core.getState(STATE.timeoutMs)) || 30_000)
  if (failed) {
    core.warning(
      `Could not revoke the access token at ${loginUrl}/services/oauth2/revoke (${failed}); it stays valid until its session times out.`
    )
  } else {
    core.info(`Revoked the access token at ${loginUrl}/services/oauth2/revoke.`)
  }
}
