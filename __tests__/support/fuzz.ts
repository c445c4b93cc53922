// Shared pieces of the seeded fuzz lanes: hostile text, mutations, and what every run must satisfy.
import { join } from 'node:path'
import { neutralize } from '../../src/text.js'
import type { Random } from './random.js'
import { FORGED, ROOT, type StepResult } from '../../fakes/runner.mjs'

/** Well above any run's own limits (one attempt, a 10 s request timeout): a run killed here hung. */
export const RUN_LIMIT_MS = 20_000
/** Real Salesforce host names resolve to 127.0.0.1, where nothing listens on 443: nothing leaves this machine. */
export const LOOPBACK = `--import=${join(ROOT, 'fakes/resolve-to-loopback.mjs')}`

/** Pieces a hostile value is made of: forged commands in every form the runner reads, and odd text. */
export const HOSTILE = [
  `\n::warning::${FORGED}`,
  `\r::stop-commands::${FORGED}`,
  `\r\n::error::${FORGED}`,
  `\n  ::add-mask::${FORGED}`,
  `##[warning]${FORGED}`,
  `##[set-output name=x;]${FORGED}`,
  `\u2028::warning::${FORGED}`,
  `\u0085::warning::${FORGED}`,
  `%0A::warning::${FORGED}`,
  `::error::${FORGED}`,
  '<html><body><h1>Maintenance</h1><script>x()</script></body></html>',
  '\t',
  '\u001b[31m',
  '\u007f',
  '\u00a0',
  '"',
  "'",
  '\\n',
  '%',
  '@',
  '#',
  '?',
  '/',
  ':',
  'é',
  '😀',
  '\ud800'
]
/** The same, safe in an HTTP header (printable ASCII: Node refuses to send anything else). */
export const HEADER_SAFE = HOSTILE.filter(h => /^[\x20-\x7e]+$/.test(h))
export const CHARS = 'ABCabc0123+/=-_.!~@:#?%[]{}<>"\' \t\u00e9\u2028\u001b'

/** One to three random edits of the text: insertions of hostile pieces, flips, cuts, repeats. */
export function mutateText(r: Random, text: string): string {
  let t = text
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(t.length + 1)
    const op = r.int(8)
    if (op === 0) t = t.slice(0, at) + r.pick(HOSTILE) + t.slice(at)
    else if (op === 1) t = t.slice(0, at) + r.pick([...CHARS]) + t.slice(at + 1)
    else if (op === 2) t = t.slice(0, at) + t.slice(at + 1 + r.int(20))
    else if (op === 3) t = t.slice(0, at)
    else if (op === 4) t = t + r.pick(HOSTILE)
    else if (op === 5) t = t.repeat(2 + r.int(r.chance(0.2) ? 400 : 4)).slice(0, 20_000)
    else if (op === 6) t = `${r.pick([' ', '\n', '"', '\t'])}${t}${r.pick([' ', '\n', '"', '\t'])}`
    else t = r.pick(['', ' ', '\n', r.pick(HOSTILE)])
  }
  return t
}

/**
 * Everything a run must satisfy; returns what went wrong, or nothing. `checkLeaks` throws on a leak;
 * `inputs` are the run's own: a refused one is never echoed when it is long.
 */
export function problems(r: StepResult, checkLeaks: (r: StepResult) => void, inputs: Record<string, string>): string[] {
  const found: string[] = []
  const refused = /^Input '([^']+)'/.exec(r.errors[0] ?? '')?.[1] ?? ''
  const value = (inputs[refused] ?? '').trim()
  if (value.length > 64 && r.errors[0].includes(neutralize(value))) {
    found.push(`the refused ${value.length}-character '${refused}' is echoed in full`)
  }
  if (r.code !== 0 && r.code !== 1) found.push(r.code === null ? `did not finish within ${RUN_LIMIT_MS / 1000} s` : `exit code ${r.code}`)
  if (/Unexpected error/.test(r.stdout + r.stderr)) found.push(`Unexpected error: ${r.errors.join(' | ').slice(0, 300)}`)
  if (r.code === 1 && r.errors.length !== 1) found.push(`${r.errors.length} error lines`)
  // Every quoted outside value is bounded: no answer, header or variable makes an error line run on.
  if ((r.errors[0] ?? '').length > 4000) found.push(`an error line of ${r.errors[0].length} characters`)
  if (r.code === 0 && !r.outputs.access_token) found.push('success without an access token')
  if (r.stderr.trim() !== '') found.push(`stderr: ${r.stderr.slice(0, 300)}`)
  try {
    checkLeaks(r)
  } catch (err) {
    found.push(
      String((err as Error).message)
        .split('\n')
        .slice(0, 12)
        .join(' ')
    )
  }
  return found
}

/**
 * Runs the seeded runs (or only `only`, to replay one) spread over the lanes, which run side by side, each its
 * runs in turn; `one` returns a failure report or undefined. Returns every report.
 */
export async function runLanes<L>(
  lanes: L[],
  count: number,
  only: number | undefined,
  one: (lane: L, run: number) => Promise<string | undefined>
): Promise<string[]> {
  const runs = only === undefined ? [...Array(count).keys()] : [only]
  const reports = await Promise.all(
    lanes.map(async (lane, n) => {
      const found: string[] = []
      for (const run of runs.filter((_, i) => i % lanes.length === n)) {
        const report = await one(lane, run)
        if (report !== undefined) found.push(report)
      }
      return found
    })
  )
  return reports.flat()
}
