import type { FlowSpec } from './flow.js'
import { clientCredentials } from './client-credentials/index.js'
import { githubOidc } from './github-oidc/index.js'
import { jwtBearer } from './jwt-bearer/index.js'
import { sfdxUrl } from './sfdx-url/index.js'

/**
 * The registry of login flows, by the name `auth-flow` takes: the one place that lists them. Everything about
 * a flow lives in its folder; a new flow is one folder and one line here.
 */
export const FLOWS = {
  'jwt-bearer': jwtBearer,
  'github-oidc': githubOidc,
  'client-credentials': clientCredentials,
  'sfdx-url': sfdxUrl
}

export type Flow = keyof typeof FLOWS

/** Each flow's checked inputs, named by the flow they chose: what `readInputs` returns. */
export type Inputs = { [F in Flow]: (typeof FLOWS)[F] extends FlowSpec<infer I> ? I : never }[Flow]
