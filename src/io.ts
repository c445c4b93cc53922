import type { GetUrl, PostForm } from './http.js'
import type { RetryDeps } from './retry.js'

/**
 * The edge a flow talks through: the runner's log and masking, and the network. `main.ts` builds the real
 * one from `@actions/core`; unit tests pass fakes, so a flow is tested without module mocking.
 */
export interface FlowIo {
  mask: (secret: string) => void
  info: (message: string) => void
  warning: (message: string) => void
  debug: (message: string) => void
  post: PostForm
  get: GetUrl
  retry: RetryDeps
}
