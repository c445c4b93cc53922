import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import { DEFAULT_POLICY, backoffMs, withRetries, type RetryPolicy } from '../../src/retry.js'
import { AttemptError } from '../../src/attempt.js'

const POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, retryAfterCapMs: 30_000 }
const HINT = "This kind of failure is usually temporary: re-run the job, or raise 'max-attempts' / 'request-timeout-seconds'."

const transient = (reason: string, retryAfterSeconds?: number): AttemptError =>
  new AttemptError(`Salesforce answered ${reason}.`, reason, true, retryAfterSeconds)
const refusal = (reason: string): AttemptError => new AttemptError(`Salesforce refused: ${reason}.`, reason, false)

/** A random() that always answers `value`. */
const fixed =
  (value: number): (() => number) =>
  () =>
    value
const noRandom = (): number => {
  throw new Error('random() must not be called when Retry-After decides the wait')
}

interface Run {
  value?: string
  error?: unknown
  /** The n each call of the attempt function got. */
  attempts: number[]
  /** Every requested sleep, in ms. */
  waits: number[]
  log: string[]
  /** attempt / log / sleep calls in the order they happened. */
  events: string[]
}

/** A successful attempt in a script; anything else in a script is thrown. */
class Ok {
  constructor(readonly value: string) {}
}
const ok = (value: string): Ok => new Ok(value)

/**
 * Runs withRetries over a script: the attempt function's n-th call resolves to the n-th entry's value if
 * it is an Ok, else throws the entry. A script shorter than the attempts made fails the test.
 */
async function run(script: unknown[], policy: RetryPolicy = POLICY, random: () => number = fixed(0.5)): Promise<Run> {
  const r: Run = { attempts: [], waits: [], log: [], events: [] }
  try {
    r.value = await withRetries(
      async n => {
        r.attempts.push(n)
        r.events.push(`attempt ${n}`)
        if (n > script.length) throw new Error(`unexpected attempt ${n}`)
        const outcome = script[n - 1]
        if (outcome instanceof Ok) return outcome.value
        throw outcome
      },
      policy,
      {
        sleep: async ms => {
          r.waits.push(ms)
          r.events.push(`sleep ${ms}`)
        },
        random,
        log: message => {
          r.log.push(message)
          r.events.push('log')
        }
      }
    )
  } catch (e) {
    r.error = e
  }
  return r
}

describe('DEFAULT_POLICY', () => {
  it('starts at 1 s, caps backoff at 10 s and Retry-After at 30 s', () => {
    expect(DEFAULT_POLICY).toEqual({ baseDelayMs: 1_000, maxDelayMs: 10_000, retryAfterCapMs: 30_000 })
  })
})

describe('backoffMs: full-jitter exponential backoff', () => {
  it.each([
    [0.5, [500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]],
    [0.75, [750, 1_500, 3_000, 6_000, 7_500, 7_500, 7_500]],
    [0.999, [999, 1_998, 3_996, 7_992, 9_990, 9_990, 9_990]],
    [0.4321, [432, 864, 1_728, 3_456, 4_321, 4_321, 4_321]],
    [0, [0, 0, 0, 0, 0, 0, 0]]
  ])('random() = %s: a whole number of ms below a ceiling that doubles from 1 s to 10 s', (value, waits) => {
    expect([1, 2, 3, 4, 5, 6, 7].map(n => backoffMs(n, POLICY, fixed(value)))).toEqual(waits)
  })

  it('uses the policy given: base 200 ms, cap 1.5 s', () => {
    const policy = { ...POLICY, baseDelayMs: 200, maxDelayMs: 1_500 }
    expect([1, 2, 3, 4, 5].map(n => backoffMs(n, policy, fixed(0.5)))).toEqual([100, 200, 400, 750, 750])
  })

  it('calls random() once per wait', () => {
    let calls = 0
    backoffMs(3, POLICY, () => (calls++, 0.5))
    expect(calls).toBe(1)
  })
})

describe('backoffMs: Retry-After', () => {
  it.each([
    [0, 0],
    [1, 1_000],
    [7, 7_000],
    [29, 29_000],
    [30, 30_000],
    [31, 30_000],
    [3_600, 30_000]
  ])('Retry-After %s s waits %s ms (capped at 30 s), without jitter', (seconds, wait) => {
    expect(backoffMs(1, POLICY, noRandom, seconds)).toBe(wait)
    expect(backoffMs(6, POLICY, noRandom, seconds)).toBe(wait)
  })

  it('uses the policy cap', () => {
    const policy = { ...POLICY, retryAfterCapMs: 5_000 }
    expect([4, 5, 6].map(s => backoffMs(1, policy, noRandom, s))).toEqual([4_000, 5_000, 5_000])
  })
})

describe('withRetries', () => {
  it('returns the first success without waiting or logging', async () => {
    expect(await run([ok('token')])).toEqual({ value: 'token', attempts: [1], waits: [], log: [], events: ['attempt 1'] })
  })

  it('retries transient failures: attempt n = 1, 2, 3, one log line and one wait after each failure, in that order', async () => {
    const r = await run([transient('HTTP 503'), transient('ECONNRESET'), ok('token')])
    expect(r.value).toBe('token')
    expect(r.error).toBeUndefined()
    expect(r.attempts).toEqual([1, 2, 3])
    expect(r.waits).toEqual([500, 1_000])
    expect(r.log).toEqual(['Attempt 1 of 3 failed: HTTP 503; retrying in 0.5 s.', 'Attempt 2 of 3 failed: ECONNRESET; retrying in 1.0 s.'])
    expect(r.events).toEqual(['attempt 1', 'log', 'sleep 500', 'attempt 2', 'log', 'sleep 1000', 'attempt 3'])
  })

  it('gives up after maxAttempts, naming the attempt count and the last cause; no log line for the last attempt', async () => {
    const last = transient('HTTP 504')
    const r = await run([transient('HTTP 503'), transient('ECONNRESET'), last, ok('never reached')])
    expect(r.value).toBeUndefined()
    expect(r.attempts).toEqual([1, 2, 3])
    expect(r.waits).toEqual([500, 1_000])
    expect(r.log).toHaveLength(2)
    expect(r.error).toBeInstanceOf(AttemptError)
    expect(r.error).toBeInstanceOf(ActionError)
    expect(r.error).not.toBe(last)
    expect(r.error).toMatchObject({
      message: `The token request failed after 3 attempts; the last one: Salesforce answered HTTP 504. ${HINT}`,
      reason: 'HTTP 504',
      transient: false,
      retryAfterSeconds: undefined
    })
  })

  it('says "1 attempt" when maxAttempts is 1, and neither waits nor logs', async () => {
    const r = await run([transient('HTTP 429', 5), ok('never reached')], { ...POLICY, maxAttempts: 1 })
    expect(r.attempts).toEqual([1])
    expect(r.waits).toEqual([])
    expect(r.log).toEqual([])
    expect(r.error).toMatchObject({
      message: `The token request failed after 1 attempt; the last one: Salesforce answered HTTP 429. ${HINT}`,
      reason: 'HTTP 429',
      transient: false
    })
  })

  it.each([2, 4, 5, 10])('makes exactly maxAttempts = %s attempts when every one fails', async maxAttempts => {
    const script = Array.from({ length: maxAttempts + 1 }, (_, i) => transient(`HTTP 50${i % 5}`))
    const r = await run(script, { ...POLICY, maxAttempts })
    expect(r.attempts).toEqual(Array.from({ length: maxAttempts }, (_, i) => i + 1))
    expect(r.waits).toHaveLength(maxAttempts - 1)
    expect(r.log).toHaveLength(maxAttempts - 1)
    expect(r.log.at(-1)).toMatch(new RegExp(`^Attempt ${maxAttempts - 1} of ${maxAttempts} failed: `))
    expect((r.error as AttemptError).message).toMatch(new RegExp(`^The token request failed after ${maxAttempts} attempts; `))
    expect((r.error as AttemptError).reason).toBe(`HTTP 50${(maxAttempts - 1) % 5}`)
  })

  it('waits the capped exponential backoff between ten attempts', async () => {
    const r = await run(
      Array.from({ length: 10 }, () => transient('HTTP 500')),
      { ...POLICY, maxAttempts: 10 }
    )
    expect(r.waits).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000, 5_000])
    expect(r.log[4]).toBe('Attempt 5 of 10 failed: HTTP 500; retrying in 5.0 s.')
  })

  it('rounds the logged wait to a tenth of a second', async () => {
    const r = await run(
      [transient('HTTP 503'), transient('HTTP 503'), transient('HTTP 503'), ok('ok')],
      { ...POLICY, maxAttempts: 4 },
      fixed(0.4321)
    )
    expect(r.waits).toEqual([432, 864, 1_728])
    expect(r.log).toEqual([
      'Attempt 1 of 4 failed: HTTP 503; retrying in 0.4 s.',
      'Attempt 2 of 4 failed: HTTP 503; retrying in 0.9 s.',
      'Attempt 3 of 4 failed: HTTP 503; retrying in 1.7 s.'
    ])
  })

  it.each([
    [7, 7_000, '7.0 s (Retry-After)'],
    [0, 0, '0.0 s (Retry-After)'],
    [30, 30_000, '30.0 s (Retry-After)'],
    [120, 30_000, '30.0 s (Retry-After)']
  ])('honours Retry-After %s s: waits %s ms and says so', async (seconds, wait, said) => {
    const r = await run([transient('HTTP 503', seconds), ok('token')], POLICY, noRandom)
    expect(r.value).toBe('token')
    expect(r.waits).toEqual([wait])
    expect(r.log).toEqual([`Attempt 1 of 3 failed: HTTP 503; retrying in ${said}.`])
  })

  it('mixes Retry-After and backoff attempt by attempt', async () => {
    const r = await run([transient('HTTP 429', 2), transient('ETIMEDOUT'), transient('HTTP 503', 45), ok('token')], {
      ...POLICY,
      maxAttempts: 4
    })
    expect(r.waits).toEqual([2_000, 1_000, 30_000])
    expect(r.log).toEqual([
      'Attempt 1 of 4 failed: HTTP 429; retrying in 2.0 s (Retry-After).',
      'Attempt 2 of 4 failed: ETIMEDOUT; retrying in 1.0 s.',
      'Attempt 3 of 4 failed: HTTP 503; retrying in 30.0 s (Retry-After).'
    ])
  })

  it('throws a non-transient AttemptError at once, as it is', async () => {
    const refused = refusal('HTTP 400 invalid_grant')
    const r = await run([refused, ok('never reached')])
    expect(r.error).toBe(refused)
    expect(r.attempts).toEqual([1])
    expect(r.waits).toEqual([])
    expect(r.log).toEqual([])
  })

  it('throws a non-transient AttemptError after transient ones, as it is', async () => {
    const refused = refusal('HTTP 401 invalid_client')
    const r = await run([transient('HTTP 503'), refused, ok('never reached')])
    expect(r.error).toBe(refused)
    expect(r.attempts).toEqual([1, 2])
    expect(r.waits).toEqual([500])
    expect(r.log).toEqual(['Attempt 1 of 3 failed: HTTP 503; retrying in 0.5 s.'])
  })

  it.each([
    ['an ActionError', new ActionError('bad input')],
    ['an Error', new Error('boom')],
    ['a TypeError', new TypeError('x is not a function')],
    ['a transient-looking plain object', { transient: true, reason: 'HTTP 503', message: 'not an AttemptError' }],
    ['a string', 'thrown text']
  ])('throws %s at once, as it is (attempt count 1)', async (_name, thrownValue) => {
    const r = await run([thrownValue, ok('never reached')])
    expect(r.error).toBe(thrownValue)
    expect(r.attempts).toEqual([1])
    expect(r.waits).toEqual([])
    expect(r.log).toEqual([])
  })
})
