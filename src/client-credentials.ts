import type { FlowIo, Login } from './flow.js'
import type { ClientCredentialsInputs } from './inputs.js'
import { requestTokenWithRetries } from './token.js'

/**
 * The client credentials flow: the app's consumer key and secret, exchanged at the org's My Domain for a token
 * that acts as the app's Run-As user. The secret is masked before anything else is written.
 */
export async function clientCredentialsLogin(inputs: ClientCredentialsInputs, io: FlowIo): Promise<Login> {
  io.mask(inputs.clientSecret)
  io.info(`Requesting a token from ${inputs.tokenUrl} with the app's client credentials.`)
  const form = { grant_type: 'client_credentials', client_id: inputs.clientId, client_secret: inputs.clientSecret }
  const ctx = { flow: inputs.flow, loginUrl: inputs.loginUrl, audience: '', username: '' }
  const token = await requestTokenWithRetries(io, inputs, form, ctx)
  return { token, actsAs: "the app's Run-As user (client credentials flow)" }
}
