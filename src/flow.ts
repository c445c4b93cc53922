import type { GetUrl, PostForm } from './http.js'
import type { RetryDeps } from './retry.js'
import type { TokenResponse } from './token.js'

/**
 * The claims of GitHub's ID token that trust rules match on (`iss`, `repository`, `repository_id`,
 * `repository_owner_id`, `ref`, `ref_protected`, `job_workflow_ref`, `event_name`, `runner_environment`,
 * `environment`, `aud`), each as text ('' when missing); not secret, and what an admin needs to see.
 */
export interface TrustClaims {
  issuer: string
  repository: string
  repositoryId: string
  repositoryOwnerId: string
  ref: string
  /** The string "true" when the ref is protected. */
  refProtected: string
  jobWorkflowRef: string
  eventName: string
  runnerEnvironment: string
  /** Empty when the job has no environment. */
  environment: string
  audience: string
}

/** What a login flow hands to the shared tail (org guard, outputs, export, revoke state, summary). */
export interface Login {
  token: TokenResponse
  /** The user the flow asked for by name; absent when the org's trust rules chose. */
  username?: string
  /** The audience used: the assertion's `aud`, or the one asked of GitHub; absent where a flow has none. */
  audience?: string
  /** Whose token it is, when neither a username nor trust rules say: e.g. the app's Run-As user. */
  actsAs?: string
  /** Set by the keyless flow: whose GitHub token was exchanged. */
  keyless?: TrustClaims
  certificateExpiresAt?: string
}

/** The edge a flow talks through: the runner's log and masking, and the network. Fakes in tests. */
export interface FlowIo {
  mask: (secret: string) => void
  info: (message: string) => void
  warning: (message: string) => void
  debug: (message: string) => void
  post: PostForm
  get: GetUrl
  retry: RetryDeps
}
