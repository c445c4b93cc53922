// The seeded fuzz lanes of the client credentials and SFDX auth URL flows: random mutations of their inputs
// (malformed URLs, control characters, huge values) and hostile token-endpoint answers, including answers that
// quote the client secret or the refresh token back. Every run must end with exit code 0 or 1, one clear message,
// no stack, no forged workflow command and no leaked secret; a refused input is refused before any request.
// Replay a failure with FUZZ_SEED=<seed> (and FUZZ_RUN=<run> for that run alone).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { setUpFlows, type FlowsFixture } from './support/flows.js'
import {
  HOSTILE,
  hostRefusal,
  hostSpelling,
  LOOPBACK,
  mutateText,
  nodeDebug,
  pastedSecret,
  problems,
  proxyVariable,
  RUN_LIMIT_MS,
  runLanes,
  tlsRejectUnauthorized,
  transformedLeaks
} from './support/fuzz.js'
import { seededRandom, type Random } from './support/random.js'
import { ACTION, type StepResult } from '../fakes/runner.mjs'

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204)
const RUNS = Number(process.env.FUZZ_FLOW_RUNS ?? 160)
const ONLY = process.env.FUZZ_RUN === undefined ? undefined : Number(process.env.FUZZ_RUN)
const LANES = 2

interface FlowCase {
  what: string[]
  inputs: Record<string, string>
  answer?: { status: number; headers: Record<string, string>; body: string }
}

/** Edits an SFDX auth URL where a parser is most likely to slip: separators, the host, the parts' edges. */
function mutateAuthUrl(r: Random, url: string): string {
  const edits = [
    (u: string) => u.replace('force://', r.pick(['', 'Force://', 'force:/', 'https://', 'force://force://'])),
    (u: string) => u.replace('@', r.pick(['', '@@', ':@', '@/', '/@', ' @'])),
    (u: string) => u.replace(/:(?=[^:]*:[^:]*@)/, r.pick(['', '::', ':x:'])),
    (u: string) => u + r.pick(['/', '/services/oauth2/token', '?x=1', '#f', ':443', '.evil.example', ' ', '\n']),
    (u: string) =>
      u.replace(
        /@.*$/,
        `@${r.pick(['evil.example', '127.0.0.1.evil.example', 'login.salesforce.com.evil.example', 'acme.lightning.force.com', 'localhost:1', ''])}`
      ),
    (u: string) => mutateText(r, u)
  ]
  return r.pick(edits)(url)
}

function makeCase(r: Random, f: FlowsFixture): FlowCase {
  const what: string[] = []
  const cc = r.chance(0.5)
  const url = f.sfdxUrl()
  const inputs: Record<string, string> = cc
    ? { 'client-id': f.cc.clientId, 'client-secret': f.cc.clientSecret, 'login-url': f.server.url }
    : { 'sfdx-auth-url': url }
  // The secrets this run holds: the ones a hostile answer may quote back (the action can redact only what it holds).
  const held = cc ? [f.cc.clientSecret] : [f.refresh.clientSecret, /:([^:@]+)@/.exec(url)![1]]
  if (r.chance(0.3)) inputs['auth-flow'] = cc ? 'client-credentials' : 'sfdx-url'
  const names = Object.keys(inputs)
  for (let n = r.int(3); n > 0; n--) {
    const name = r.pick(names)
    inputs[name] = name === 'sfdx-auth-url' && r.chance(0.7) ? mutateAuthUrl(r, inputs[name]) : mutateText(r, inputs[name])
    what.push(name)
  }
  if (r.chance(0.1)) {
    inputs[r.pick(['username', 'private-key', 'oidc-audience', cc ? 'sfdx-auth-url' : 'client-secret'])] = r.pick(['x', ...HOSTILE])
    what.push('another flow')
  }
  let answer: FlowCase['answer']
  if (r.chance(0.4)) {
    const quoted = r.pick(held)
    const status = r.pick([200, 400, 401, 429, 500, 503])
    const text = `${r.pick(['bad ', ''])}${quoted}${r.pick(HOSTILE)}`
    const body = r.pick([
      JSON.stringify({ error: r.pick(['invalid_grant', 'invalid_client', text]), error_description: text }),
      JSON.stringify({
        access_token: text,
        instance_url: `https://acme.my.salesforce.com${r.pick(HOSTILE)}`,
        id: text,
        refresh_token: quoted
      }),
      text.repeat(1 + r.int(50))
    ])
    answer = { status, headers: { 'content-type': r.pick(['application/json', 'text/html']) }, body }
    what.push(`answer ${status}`)
  }
  return { what, inputs, answer }
}

let lanes: FlowsFixture[] = []
beforeAll(async () => {
  lanes = await Promise.all([...Array(LANES)].map(() => setUpFlows()))
})
afterAll(() => Promise.all(lanes.map(f => f.close())))

describe(`fuzz of the client credentials and SFDX auth URL flows (FUZZ_SEED=${SEED}, ${RUNS} runs)`, () => {
  it(`${RUNS} runs end cleanly, and every refused input is refused before any request`, async () => {
    const failures = await runLanes(lanes, RUNS, ONLY, async (f, run) => {
      const r = seededRandom(SEED * 1_000_003 + run)
      const c = makeCase(r, f)
      f.server.faults.length = 0
      if (c.answer) f.server.fault({ raw: c.answer })
      const before = f.server.tokenRequests().length
      let found: string[]
      const result = await f.step(c.inputs, { env: { NODE_OPTIONS: LOOPBACK }, timeoutMs: RUN_LIMIT_MS }).catch((err: Error) => {
        found = [err.message.split('\n').slice(0, 12).join(' ')]
        return undefined
      })
      f.server.faults.length = 0
      if (result) {
        found = problems(result, () => undefined, c.inputs)
        const refusedInput = /^Inputs? '/.test(result.errors[0] ?? '') || /^No login flow/.test(result.errors[0] ?? '')
        if (refusedInput && f.server.tokenRequests().length !== before) found.push('a refused input still sent a request')
      }
      if (found!.length > 0) return `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (${c.what.join(', ')}): ${found!.join('; ')}`
      return undefined
    })
    expect(failures).toEqual([])
  }, 300_000)
})

// The families of issue 20 in these two flows: a secret pasted into any input (the runner masks it only as given,
// so no piece of it may show in another form), the debug, proxy and TLS variables, refused before any request,
// and SFDX auth URL hosts in every spelling, each judged as its one normal form.
const FAMILY_RUNS = Number(process.env.FUZZ_FLOW_FAMILY_RUNS ?? 15)

describe(`the issue 20 families in the client credentials and SFDX auth URL flows (FUZZ_SEED=${SEED}, ${FAMILY_RUNS} runs)`, () => {
  it(`${FAMILY_RUNS} runs hold what each family promises`, async () => {
    const failures = await runLanes(lanes, FAMILY_RUNS, ONLY, async (f, run) => {
      const r = seededRandom(SEED * 1_000_003 + 900_000 + run)
      const cc = r.chance(0.5)
      const inputs: Record<string, string> = cc
        ? { 'client-id': f.cc.clientId, 'client-secret': f.cc.clientSecret, 'login-url': f.server.url }
        : { 'sfdx-auth-url': f.sfdxUrl() }
      const before = f.server.tokenRequests().length
      let what: string
      let env: Record<string, string> = {}
      let check: (res: StepResult) => string[]
      if (run % 3 === 2) {
        const { host, kind } = hostSpelling(r, false)
        const refusal = hostRefusal('sfdx-auth-url', kind)
        inputs['sfdx-auth-url'] = f.sfdxUrl(undefined, host)
        delete inputs['client-id']
        delete inputs['client-secret']
        delete inputs['login-url']
        inputs['request-timeout-seconds'] = '2'
        inputs['max-attempts'] = '1'
        what = `an SFDX auth URL on ${host} (${kind})`
        check = res =>
          refusal
            ? refusal.test(res.errors[0] ?? '') && f.server.tokenRequests().length === before
              ? []
              : [`expected a refusal before any request matching ${refusal}, got ${res.errors[0]?.slice(0, 200)}`]
            : /^Input 'sfdx-auth-url'/.test(res.errors[0] ?? '')
              ? [`refused: ${res.errors[0].slice(0, 200)}`]
              : []
      } else if (run % 3 === 0) {
        const secret = pastedSecret(r)
        const name = r.pick(Object.keys(ACTION.inputs))
        inputs[name] = secret.value
        what = `a pasted secret in '${name}'`
        check = res => transformedLeaks(res, secret)
      } else {
        const password = 'Pr0xyFuzzPassw0rd'
        const [variable, refused] = r.pick([
          () => (({ value, refused }) => [{ NODE_DEBUG: value }, refused] as const)(nodeDebug(r)),
          () => (({ name, value, refused }) => [{ [name]: value }, refused] as const)(proxyVariable(r, password)),
          () => (({ value, refused }) => [{ NODE_TLS_REJECT_UNAUTHORIZED: value }, refused] as const)(tlsRejectUnauthorized(r))
        ])()
        env = variable
        what = Object.keys(variable).join(', ')
        check = res => [
          ...(refused && !(res.code === 1 && f.server.tokenRequests().length === before) ? ['not refused before any request'] : []),
          ...(!refused && res.code !== 0 ? [`refused: ${res.errors[0]?.slice(0, 200)}`] : []),
          ...(`${res.stdout}${res.stderr}`.includes(password) ? ['the proxy password shows'] : [])
        ]
      }
      const result = await f.step(inputs, { env: { NODE_OPTIONS: LOOPBACK, ...env }, timeoutMs: RUN_LIMIT_MS }).catch((err: Error) => err)
      if (result instanceof Error) return `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (${what}): ${result.message.split('\n').slice(0, 6).join(' ')}`
      const found = [
        ...problems(result, () => undefined, inputs).filter(p => !(env.NODE_DEBUG && p.startsWith('stderr'))),
        ...check(result)
      ]
      return found.length > 0 ? `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (${what}): ${found.join('; ')}` : undefined
    })
    expect(failures).toEqual([])
  }, 120_000)
})
