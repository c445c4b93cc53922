import type { FlowIo, Login } from './flow.js'
import type { SfdxUrlInputs } from './inputs.js'
import { requestTokenWithRetries } from './token.js'

/** Said when Salesforce rotates the refresh token: what that costs, and how to stop it. */
export const ROTATION_WARNING =
  "Salesforce answered with a new refresh token: refresh token rotation is on for this app, so the refresh token in 'sfdx-auth-url' " +
  'is now spent. Presenting a spent refresh token again makes Salesforce revoke the current one and its access tokens ' +
  '(Salesforce Help, "OAuth 2.0 Refresh Token Flow"): the next run, or a parallel job, that uses this URL fails and also ends ' +
  "this run's session. The new token is masked and neither printed nor output. Turn refresh token rotation off for this app " +
  '(External Client App > Settings > OAuth Settings; isRefreshTokenRotationEnabled), or move to the keyless or JWT bearer flow.'

/**
 * The refresh token flow of an SFDX auth URL: the URL's refresh token exchanged at its host. The secret and the
 * refresh token are masked before anything else is written; only the access token is ever output.
 */
export async function sfdxUrlLogin(inputs: SfdxUrlInputs, io: FlowIo): Promise<Login> {
  io.mask(inputs.refreshToken)
  if (inputs.clientSecret) io.mask(inputs.clientSecret)
  io.info(`Requesting a token from ${inputs.tokenUrl} with the refresh token of the SFDX auth URL.`)
  const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: inputs.refreshToken, client_id: inputs.clientId }
  if (inputs.clientSecret) form.client_secret = inputs.clientSecret
  const ctx = { flow: inputs.flow, loginUrl: inputs.loginUrl, audience: '', username: '', orgChosenBy: inputs.orgChosenBy }
  const token = await requestTokenWithRetries(io, inputs, form, ctx)
  if (token.refreshToken && token.refreshToken !== inputs.refreshToken) io.warning(ROTATION_WARNING)
  return { token, actsAs: 'the user the SFDX auth URL was issued to' }
}
