import { commonInputs, myDomainLoginUrl, plainText, required, type CommonInputs, type GetInput } from '../../input-rules.js'
import type { FlowIo } from '../../io.js'
import type { FlowSpec, Login, StepEnv } from '../flow.js'
import { whereSent, type FlowAdvice } from '../salesforce-errors.js'
import { requestTokenWithRetries } from '../token.js'

/** Server to server: the app's own secret; the token acts as the app's Run-As user. Only at a My Domain. */
export interface ClientCredentialsInputs extends CommonInputs {
  flow: 'client-credentials'
  clientSecret: string
}

function readClientCredentials(get: GetInput, clientId: string): ClientCredentialsInputs {
  // Consumer secrets are 64 hex characters today; the limit only keeps a pasted key or file out.
  const clientSecret = plainText('client-secret', required(get, 'client-secret', 'the consumer secret of the app'), 1024)
  const loginUrl = myDomainLoginUrl(
    get,
    'client-credentials',
    "Salesforce accepts the client credentials flow only at the org's My Domain. "
  )
  return {
    flow: 'client-credentials',
    clientSecret,
    ...commonInputs(get, clientId, { loginUrl, tokenUrl: `${loginUrl}/services/oauth2/token` })
  }
}

/**
 * The client credentials flow's refusals. Only the Run-As user's "API Only" need is documented (Metadata API,
 * ExtlClntAppOauthConfigurablePolicies); the error words below are reported by practitioners, not documented.
 */
const ADVICE: FlowAdvice = {
  audienceInput: 'audience',
  unnamedUser: "(the app's Run-As user)",
  fallback: ctx =>
    `Check 'client-id', 'client-secret', and that the app enables the Client Credentials Flow with a Run-As user ${whereSent(ctx)}.`,
  refusals: [
    {
      description: 'request not supported on this domain',
      fix: ctx =>
        "Salesforce accepts the client credentials flow only at the org's My Domain. Set 'login-url' to the org's My " +
        `Domain URL (Setup > My Domain), e.g. https://acme.my.salesforce.com ${whereSent(ctx)}.`
    },
    {
      description: 'no client credentials user enabled',
      fix: () =>
        "The app names no Run-As user for the client credentials flow. In the app's policies (External Client App " +
        "Manager > the app > Policies > OAuth Policies), enable the Client Credentials Flow and set 'Run As' to an " +
        'integration user with the "API Only" permission.'
    },
    {
      error: 'invalid_client',
      description: 'invalid client credentials',
      fix: () =>
        "'client-id' and 'client-secret' are not the consumer key and secret of one app in this org. Copy both from " +
        "the app's settings (Manage Consumer Details); a new or changed secret takes a few minutes to reach all servers."
    },
    {
      error: 'unsupported_grant_type',
      description: 'grant type not supported',
      fix: ctx =>
        "The app does not accept the client credentials grant. In the app's OAuth settings, enable 'Enable Client " +
        `Credentials Flow', and check that 'login-url' is the org's My Domain URL ${whereSent(ctx)}.`
    }
  ]
}

/**
 * The client credentials flow: the app's consumer key and secret, exchanged at the org's My Domain for a token
 * that acts as the app's Run-As user. The secret is masked before anything else is written.
 */
async function login(inputs: ClientCredentialsInputs, _step: StepEnv, io: FlowIo): Promise<Login> {
  io.mask(inputs.clientSecret)
  io.info(`Requesting a token from ${inputs.tokenUrl} with the app's client credentials.`)
  const form = { grant_type: 'client_credentials', client_id: inputs.clientId, client_secret: inputs.clientSecret }
  const ctx = { advice: ADVICE, loginUrl: inputs.loginUrl, audience: '', username: '' }
  const token = await requestTokenWithRetries(io, inputs, form, ctx)
  return { token, actsAs: "the app's Run-As user (client credentials flow)" }
}

/** Server to server: the app's own client secret, at the org's My Domain; the token acts as the app's Run-As user. */
export const clientCredentials: FlowSpec<ClientCredentialsInputs> = {
  label: 'client credentials',
  purpose: "to log in with the app's client secret",
  inBrief: "the app's client secret",
  own: ['client-secret'],
  chooseBy: "'client-secret'",
  advice: ADVICE,
  read: readClientCredentials,
  login
}
