import { commonInputs, type CommonInputs, type GetInput } from '../../input-rules.js'
import type { FlowIo } from '../../io.js'
import type { FlowSpec, Login, StepEnv } from '../flow.js'
import { whereSent, type FlowAdvice } from '../salesforce-errors.js'
import { requestTokenWithRetries } from '../token.js'
import { parseSfdxAuthUrl } from './auth-url.js'

/** An existing SFDX auth URL: its refresh token is exchanged at its host; client id and host come from the URL. */
export interface SfdxUrlInputs extends CommonInputs {
  flow: 'sfdx-url'
  /** May be empty: the Salesforce CLI's own app has none. */
  clientSecret: string
  refreshToken: string
}

function readSfdxUrl(get: GetInput): SfdxUrlInputs {
  // Named only, never quoted: a value that fails here may be part of the secret URL itself.
  const url = parseSfdxAuthUrl(get('sfdx-auth-url'))
  return {
    flow: 'sfdx-url',
    clientSecret: url.clientSecret,
    refreshToken: url.refreshToken,
    ...commonInputs(
      get,
      url.clientId,
      { loginUrl: url.loginUrl, tokenUrl: `${url.loginUrl}/services/oauth2/token` },
      "the host in 'sfdx-auth-url'"
    )
  }
}

/** The refusals of the refresh token flow of an SFDX auth URL. */
const ADVICE: FlowAdvice = {
  audienceInput: 'audience',
  unnamedUser: '(the one the SFDX auth URL was issued to)',
  fallback: ctx => `Check that 'sfdx-auth-url' is the whole, current URL and that its app is still installed in the org ${whereSent(ctx)}.`,
  refusals: [
    // The refresh token flow of an SFDX auth URL.
    {
      description: 'expired access/refresh token',
      fix: () =>
        "The refresh token in 'sfdx-auth-url' is no longer valid: it was revoked, expired under the app's refresh " +
        'token policy, the user was deactivated or changed password, or rotation spent it in an earlier run. Log in ' +
        "again (sf org login web), print a new URL with 'sf org auth show-sfdx-auth-url --target-org ALIAS' and " +
        'store it in the secret; or move to the keyless or JWT bearer flow, which store no refresh token.'
    },
    {
      error: 'invalid_client_id',
      description: 'client identifier invalid',
      fix: () =>
        "The org does not know the client id in 'sfdx-auth-url': the app it was issued through is not installed in " +
        'this org (or the URL belongs to another org). Log in again through an app this org has and print a new URL ' +
        "with 'sf org auth show-sfdx-auth-url --target-org ALIAS'."
    },
    {
      error: 'invalid_client',
      description: 'invalid client credentials',
      fix: () =>
        "The client secret in 'sfdx-auth-url' does not belong to its client id. Print the URL again with " +
        "'sf org auth show-sfdx-auth-url' and store it whole."
    }
  ]
}

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
async function login(inputs: SfdxUrlInputs, _step: StepEnv, io: FlowIo): Promise<Login> {
  io.mask(inputs.refreshToken)
  if (inputs.clientSecret) io.mask(inputs.clientSecret)
  io.info(`Requesting a token from ${inputs.tokenUrl} with the refresh token of the SFDX auth URL.`)
  const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: inputs.refreshToken, client_id: inputs.clientId }
  if (inputs.clientSecret) form.client_secret = inputs.clientSecret
  const ctx = { advice: ADVICE, loginUrl: inputs.loginUrl, audience: '', username: '', orgChosenBy: inputs.orgChosenBy }
  const token = await requestTokenWithRetries(io, inputs, form, ctx)
  if (token.refreshToken && token.refreshToken !== inputs.refreshToken) io.warning(ROTATION_WARNING)
  return { token, actsAs: 'the user the SFDX auth URL was issued to' }
}

/** An existing SFDX auth URL: its refresh token is exchanged at its host; client id and host come from the URL. */
export const sfdxUrl: FlowSpec<SfdxUrlInputs> = {
  label: 'SFDX auth URL',
  purpose: 'to log in with an SFDX auth URL',
  inBrief: 'an SFDX auth URL',
  own: ['sfdx-auth-url'],
  chooseBy: "'sfdx-auth-url'",
  refuses: {
    'client-id': 'the SFDX auth URL holds the client id',
    'login-url': 'the SFDX auth URL holds the host to log in at'
  },
  advice: ADVICE,
  read: readSfdxUrl,
  login
}
