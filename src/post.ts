import type { StepEdge } from './io.js'
import { timeLimitSeconds } from './input-rules.js'
import { parseLoginUrl } from './login-url.js'
import { revokeToken } from './revoke.js'
import { EXPORTED, STATE } from './state.js'
import { bounded, redactor, safeLogger } from './text.js'

/** The saved login URL when it passes the rules of 'login-url' unchanged; undefined for anything else. */
function usableLoginUrl(saved: string): string | undefined {
  try {
    return parseLoginUrl(saved) === saved ? saved : undefined
  } catch {
    return undefined
  }
}

/**
 * The post step, at the end of the job: clears exported variables and, when the main step left a token
 * to revoke, revokes it where it logged in. Nothing to do is not an error, and a failed revocation is only
 * a warning: the job's real work is done by now. `core` and `post` come from `main.ts` (fakes in tests).
 */
export async function cleanup({ core, post }: Pick<StepEdge, 'core' | 'post'>): Promise<void> {
  // The token, once read back, is redacted from what this step logs too (a server may quote part of it).
  const secrets = redactor()
  const log = safeLogger(core, secrets.redact)
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
  // Revoked where it came from (saved with it), after the same check any login URL gets: the token goes nowhere
  // else. Only the time limit is read from the inputs again.
  const saved = core.getState(STATE.loginUrl)
  const loginUrl = usableLoginUrl(saved)
  if (!loginUrl) {
    log.warning(
      `Did not revoke the access token: the saved login URL (${bounded(saved, 100)}) is not one the action logs in at, so the ` +
        'token was not sent there. It stays valid until its session times out.'
    )
    return
  }
  const failed = await revokeToken(post, loginUrl, token, timeLimitSeconds(name => core.getInput(name)) * 1000)
  if (failed) {
    log.warning(
      `Could not revoke the access token at ${loginUrl}/services/oauth2/revoke (${failed}); it stays valid until its session times out.`
    )
  } else {
    log.info(`Revoked the access token at ${loginUrl}/services/oauth2/revoke.`)
  }
}
