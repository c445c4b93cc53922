import { AttemptError } from './attempt.js'

export interface RetryPolicy {
  maxAttempts: number
  /** First backoff ceiling; doubles each attempt up to `maxDelayMs` (full jitter below it). */
  baseDelayMs: number
  maxDelayMs: number
  /** The most a server's Retry-After may make us wait. */
  retryAfterCapMs: number
}

export const DEFAULT_POLICY: Omit<RetryPolicy, 'maxAttempts'> = {
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  retryAfterCapMs: 30_000
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>
  /** A number in [0, 1): Math.random in the action, fixed in tests. */
  random: () => number
  log: (message: string) => void
}

/** Full-jitter exponential backoff, or the server's Retry-After (capped) when it gave one. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, policy.retryAfterCapMs)
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)))
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/**
 * The one retry policy: transient failures (connection errors, 429, 5xx) are tried again up to
 * `maxAttempts` in all; anything else, Salesforce's OAuth refusals above all, fails at once.
 * `attempt` is called afresh each time, so every try signs a new assertion.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, deps: RetryDeps): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n)
    } catch (err) {
      if (!(err instanceof AttemptError) || !err.transient) throw err
      if (n >= policy.maxAttempts) {
        throw new AttemptError(
          `The token request failed after ${n} attempt${n === 1 ? '' : 's'}; the last one: ${err.message} ` +
            "This kind of failure is usually temporary: re-run the job, or raise 'max-attempts' / 'request-timeout-seconds'.",
          err.reason,
          false
        )
      }
      const wait = backoffMs(n, policy, deps.random, err.retryAfterSeconds)
      const why = err.retryAfterSeconds !== undefined ? ' (Retry-After)' : ''
      deps.log(`Attempt ${n} of ${policy.maxAttempts} failed: ${err.reason}; retrying in ${seconds(wait)}${why}.`)
      await deps.sleep(wait)
    }
  }
}
