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

/**
 * The calls the two steps make on the runner: the part of `@actions/core` they use. Only `main.ts` imports
 * the real one and hands it in, so the steps are tested with a recording fake, without module mocking.
 */
export interface StepCore {
  getInput(name: string): string
  getState(name: string): string
  saveState(name: string, value: string): void
  setSecret(secret: string): void
  setOutput(name: string, value: string): void
  exportVariable(name: string, value: string): void
  setFailed(message: string): void
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  summary: { addRaw(text: string): { write(): Promise<unknown> } }
}

/** Everything a step runs against: the runner, the network, the environment and the clock's waiting. */
export interface StepEdge {
  core: StepCore
  post: PostForm
  get: GetUrl
  /** The step's environment variables (process.env in the action). */
  env: Record<string, string | undefined>
  /** Waits between attempts, and their jitter: setTimeout and Math.random in the action. */
  sleep: (ms: number) => Promise<void>
  random: () => number
}
