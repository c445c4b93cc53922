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

// The families of issue 20: each draws one hostile value of a class that once leaked a secret or outran a
// deadline, with what the step must do about it. A few targeted runs each, on top of the random lanes.

/** A secret as a user may paste it into any input, and the pieces of it that must never show once the runner masks it. */
export interface PastedSecret {
  value: string
  pieces: string[]
}

/**
 * A secret in a shape that a path, URL or trim would transform: an SFDX auth URL, a token or key line holding
 * `//`, `/./`, `..` or a trailing `/`. Its pieces (8 characters or more) are what the runner's mask, which
 * matches the value only as given, would no longer hide in a transformed copy.
 */
export function pastedSecret(r: Random): PastedSecret {
  const part = (n: number): string =>
    Array.from({ length: n }, () => r.pick([...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'])).join('')
  const [a, b, c] = [part(12 + r.int(12)), part(12 + r.int(12)), part(12 + r.int(12))]
  const value = r.pick([
    () => `force://PlatformCLI:${a}${r.pick(['//', '/./', '/../'])}${b}:5Aep861${c}@acme.my.salesforce.com${r.pick(['', '/', '//'])}`,
    () => `00D${a}!AR${b}${r.pick(['//', '/./'])}${c}`,
    () => `${a}${r.pick(['//', '/./', '/../', '\\'])}${b}/${c}${r.pick(['/', '//', '/.', ''])}`,
    () => `${r.pick(['./', '../', '/', '~/'])}${a}+${b}/${c}=`,
    () => `${a}${b}${c}`
  ])()
  return { value, pieces: [a, b, c] }
}

/** The log as a reader sees it once the runner has masked `given`, which it matches only exactly as given. */
export const maskedAsTheRunnerDoes = (visible: string, given: string): string => visible.split(given).join('***')

/** Where a pasted secret's pieces still show once the runner has masked it: empty when none does. */
export function transformedLeaks(r: StepResult, secret: PastedSecret): string[] {
  const log = maskedAsTheRunnerDoes(`${r.visible}\n${r.summary}`, secret.value)
  return secret.pieces
    .filter(p => log.includes(p))
    .map(p => `a piece of the pasted secret (${p.slice(0, 4)}…) shows past the runner's mask`)
}

/** Just under the largest answer the action reads (1 MiB): a body that is all one hostile shape. */
const BODY_CHARS = 1024 * 1024 - 64

/** A 1 MiB body of one hostile shape: the patterns that backtrack, nested brackets, or one long line. */
export function hostileBody(r: Random): { what: string; body: string } {
  const units = ['<', '<script', '<style><', '<a href="', '<<>', '[', '{"a":', '{"a":[', 'A', '-----BEGIN A-----\n', '<!--', ' ']
  const unit = r.chance(0.8) ? r.pick(units) : `${r.pick(units)}${r.pick(units)}`
  return { what: `1 MiB of ${JSON.stringify(unit)}`, body: unit.repeat(Math.floor(BODY_CHARS / unit.length)) }
}

/** NODE_DEBUG values: network sections in Node's spellings (refused), and others (left alone). */
export function nodeDebug(r: Random): { value: string; refused: boolean } {
  const network = ['http', 'HTTP', 'https', 'http2', 'net', 'tls', 'Net', '*', 'ht*', '*tp', 'n*t', 'tunnel', 'undici', 'fetch']
  const other = ['fs', 'module', 'esm', 'timer', 'stream', 'httpx', 'h.tp', 'tunnels', 'worker']
  const refused = r.chance(0.6)
  const names = [refused ? r.pick(network) : r.pick(other)]
  for (let n = r.int(3); n > 0; n--) names.splice(r.int(names.length + 1), 0, r.pick(other))
  return { value: names.join(r.pick([',', ', '])), refused }
}

/** A proxy variable as @actions/http-client reads it, set to a value it cannot use (refused) or can (not refused). */
export function proxyVariable(r: Random, password: string): { name: string; value: string; refused: boolean } {
  const name = r.pick(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])
  const unusable = [
    `http://ci:${password}@@[bad:1`,
    `http://ci:${password}@[::1`,
    `socks5://ci:${password}@127.0.0.1:1080`,
    `${password}:8080`,
    `http://ci:${password}%zz@127.0.0.1:1`,
    `http://ci:${password}@`,
    `ftp://ci:${password}@proxy.corp`
  ]
  // Usable, but never reached: every request of these runs goes to loopback, which http-client never proxies.
  const usable = [`http://ci:${password}@127.0.0.1:9`, `http://127.0.0.1:9`, 'proxy.invalid', `https://ci:${password}@proxy.invalid:3128`]
  const refused = r.chance(0.6)
  return { name, value: r.pick(refused ? unusable : usable), refused }
}

/** NODE_TLS_REJECT_UNAUTHORIZED: only '0' turns verification off in Node, and only '0' is refused. */
export const tlsRejectUnauthorized = (r: Random): { value: string; refused: boolean } => {
  const value = r.pick(['0', '0', '1', '', ' 0', 'false', 'no'])
  return { value, refused: value === '0' }
}

/**
 * An instance_url or identity host: Salesforce's own (or the login host, `login`) spelled as a URL parser
 * accepts it, or a host that only resembles one. `trusted` says whether the token may go there.
 */
export function answerHost(r: Random, login: string): { host: string; trusted: boolean } {
  const trusted = [
    'acme.my.salesforce.com',
    'ACME.My.Salesforce.COM',
    'acme.my.salesforce.com.',
    'acme--uat.sandbox.my.salesforce.com',
    'acme.my.site.com',
    'acme.lightning.force.com',
    'na1.salesforce.com',
    'acme.my.salesforce.mil',
    'acme.my.sfcrmproducts.cn',
    login
  ]
  const untrusted = [
    'evil.example',
    'salesforce.com.evil.example',
    'acme.my.salesforce.com.evil.example',
    'evilsalesforce.com',
    'salesforce.com-evil.example',
    'force.com.evil.example',
    'acme.my.salesforce.co',
    'xn--salesforce-9ya.com',
    '10.0.0.1',
    '[::2]',
    'localhost.evil.example'
  ]
  return r.chance(0.5) ? { host: r.pick(trusted), trusted: true } : { host: r.pick(untrusted), trusted: false }
}

/** A token length around the floor (MIN_TOKEN_LENGTH, 32) and at the extremes. */
export const tokenLength = (r: Random): number => r.pick([0, 1, 2, 7, 8, 16, 24, 31, 32, 33, 64, 1000])

/** What a host rule must make of a host, whatever its spelling. */
export type HostKind = 'lightning' | 'salesforce' | 'other' | 'empty label'

/**
 * A host in a spelling a URL parser accepts: upper case, a trailing dot, full-width or percent-encoded dots
 * (`url` only: the SFDX auth URL takes plain host characters), or with an empty label, which no host name has.
 */
export function hostSpelling(r: Random, url = true): { host: string; kind: HostKind } {
  const bases: [string, HostKind][] = [
    ['acme.lightning.force.com', 'lightning'],
    ['acme--uat.sandbox.lightning.force.com', 'lightning'],
    ['lightning.force.com', 'lightning'],
    ['acme.my.salesforce.com', 'salesforce'],
    ['login.salesforce.com', 'salesforce'],
    ['evil.example', 'other'],
    ['salesforce.com.evil.example', 'other'],
    ['lightning.force.com.evil.example', 'other']
  ]
  const [base, kind] = r.pick(bases)
  let host = [...base].map(c => (r.chance(0.3) ? c.toUpperCase() : c)).join('')
  if (url && r.chance(0.3)) host = host.replace(/\./g, () => r.pick(['.', '.', '\u3002', '\uff0e', '%2E']))
  const spelling = r.int(4)
  if (spelling === 1) return { host: `${host}.`, kind }
  if (spelling === 2) return { host: `${host}${r.pick(['..', '...'])}`, kind: 'empty label' }
  if (spelling === 3) return { host: host.replace('.', url && r.chance(0.5) ? '.%2E' : '..'), kind: 'empty label' }
  return { host, kind }
}

/** The refusal a host of each kind gets, by the input it came in; undefined where no input rule refuses it. */
export function hostRefusal(input: 'login-url' | 'sfdx-auth-url', kind: HostKind): RegExp | undefined {
  if (kind === 'empty label') return new RegExp(`^Input '${input}' has a host with an empty label`)
  if (input === 'sfdx-auth-url')
    return kind === 'salesforce' ? undefined : /^Input 'sfdx-auth-url' has a host that is not a Salesforce login/
  if (kind === 'lightning') return /^Input 'login-url' is a Lightning Experience address/
  return kind === 'other' ? /^Input 'login-url' is not a Salesforce host/ : undefined
}
