// `npm run bench`: whole-process logins of the bundled action against the fake Salesforce on loopback
// (https, as Salesforce is), alternated in one run with floor clients of Node built-ins
// (script/bench-floor.mjs), bare start-up and, with --sf-cli, `sf org login jwt` of the Salesforce CLI.
// Every flow is timed against its own floor: the key-based login, the keyless one against a fake GitHub OIDC
// service, client credentials and the SFDX auth URL's refresh token (one POST each).
// Timed runs are plain; peak memory comes from separate runs with a tiny exit hook, so it costs no time.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { arch, cpus, platform, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { startFakeGitHubOidc } from '../fakes/fake-github-oidc.mjs'
import { startFakeOrg } from '../fakes/fake-org.mjs'
import { PRODUCTION_AUDIENCE } from '../fakes/fake-salesforce.mjs'
import { ENTRY, ROOT, runStep } from '../fakes/runner.mjs'
import { SF_CLI_NODE_FLOOR, SF_CLI_VERSION, run, sfEnv } from '../fakes/sf-cli.mjs'
import { cliStartProblem } from './sf-cli-check.mjs'

const TARGET_RATIO = 1.3
/** The flows whose floor is a single POST: the action adds only its start-up over the same request. */
const SINGLE_REQUEST_TARGET = 1.15
const TARGET_BUNDLE_KIB = 700
const MEMORY_RUNS = 3
const FLOOR = join(ROOT, 'script', 'bench-floor.mjs')

const USAGE = `Usage: npm run bench -- [--runs N] [--check] [--sf-cli PATH]

Times N whole-process logins (default 20) of ${relative(ROOT, ENTRY)} against a Salesforce-compatible server
on loopback (https), alternated with floor clients made of Node built-ins and with bare Node start-up;
every flow: key-based, keyless (with a fake GitHub OIDC service on loopback), client credentials, and the
refresh token of an SFDX auth URL, each against a floor client that makes the same requests.

  --runs N         timed rounds, 1 to 1000 (default 20)
  --check          exit 1 when a target is missed (ratio action/floor <= ${TARGET_RATIO} for the key-based and
                   keyless flows, <= ${SINGLE_REQUEST_TARGET} for client credentials and sfdx-url; bundle <= ${TARGET_BUNDLE_KIB} KiB)
  --sf-cli PATH    also time 'sf org login jwt' of this Salesforce CLI (e.g. node_modules/.bin/sf of
                   'npm install @salesforce/cli@${SF_CLI_VERSION}'), each run with a fresh HOME as on a new runner
  --help           show this help`

/** Loaded before the program by NODE_OPTIONS in the memory runs: reports the process's peak RSS (KiB). */
const RSS_HOOK = `import{writeSync}from"node:fs";process.on("exit",()=>writeSync(2,"\\nbench-maxrss="+process.resourceUsage().maxRSS+"\\n"))`
const RSS_ENV = { NODE_OPTIONS: `--import=data:text/javascript;base64,${Buffer.from(RSS_HOOK).toString('base64')}` }

/** Runs `node ...args` to its end; fails the benchmark if it fails, since a failed login times nothing. */
async function node(args, env) {
  const child = spawn(process.execPath, args, { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stdout.resume()
  child.stderr.on('data', d => (stderr += d))
  const code = await new Promise(resolve => child.on('close', resolve))
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim()}`)
  return stderr
}

async function timed(contender, env = {}) {
  const started = performance.now()
  const stderr = await contender.run(env)
  return { ms: performance.now() - started, stderr }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length / 2
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0], max: sorted.at(-1) }
}

async function main() {
  let options
  try {
    options = parseArgs({
      options: {
        runs: { type: 'string', default: '20' },
        check: { type: 'boolean' },
        'sf-cli': { type: 'string' },
        help: { type: 'boolean' }
      }
    }).values
  } catch (err) {
    console.error(`${err.message}\nRun with --help for usage.`)
    return 2
  }
  if (options.help) {
    console.log(USAGE)
    return 0
  }
  const runs = Number(options.runs)
  if (!/^\d+$/.test(options.runs) || runs < 1 || runs > 1000) {
    console.error(`--runs must be a whole number from 1 to 1000, not '${options.runs}'.`)
    return 2
  }
  if (!existsSync(ENTRY)) {
    console.error(`${relative(ROOT, ENTRY)} does not exist: run 'npm run build' first.`)
    return 1
  }

  const sfCli = options['sf-cli']
  if (sfCli !== undefined && !existsSync(sfCli)) {
    console.error(`--sf-cli: '${sfCli}' does not exist. Give the path of an installed sf.`)
    return 2
  }
  // Every contender logs in at https://127.0.0.1:<port>, trusting the fake org's test CA; the CLI's calls
  // to the org's My Domain after the login go through the fake org's CONNECT proxy.
  const org = await startFakeOrg()
  const { server } = org
  const loginUrl = `https://127.0.0.1:${server.port}`
  const tlsEnv = { NODE_EXTRA_CA_CERTS: org.env.NODE_EXTRA_CA_CERTS }
  const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-bench-'))
  const inputs = { ...org.inputs, 'login-url': loginUrl }
  const floorEnv = {
    ...tlsEnv,
    FLOOR_TOKEN_URL: `${loginUrl}/services/oauth2/token`,
    FLOOR_CLIENT_ID: org.clientId,
    FLOOR_USERNAME: org.username,
    FLOOR_AUDIENCE: PRODUCTION_AUDIENCE,
    FLOOR_PRIVATE_KEY: inputs['private-key']
  }
  /** One run of the bundled action as the runner runs it; a failed login fails the benchmark. */
  const actionRun = async (stepInputs, env) => {
    const step = await runStep({ inputs: stepInputs, dir, env: { ...tlsEnv, ...env } })
    if (step.code !== 0 || !server.tokens.includes(step.outputs.access_token)) {
      throw new Error(`The action failed (exit ${step.code}): ${step.errors.join(' ') || step.stderr.trim()}`)
    }
    return step.stderr
  }
  const bare = { label: "node -e ''  (start-up only)", run: env => node(['-e', ''], { ...tlsEnv, ...env }) }
  /** Each flow: a floor client making the same requests with Node built-ins, and the action. */
  const pairs = [
    {
      name: 'jwt-bearer',
      target: TARGET_RATIO,
      floor: { label: 'floor: node:crypto + https', run: env => node([FLOOR], { ...floorEnv, ...env }) },
      action: { label: `action: ${relative(ROOT, ENTRY)}`, run: env => actionRun(inputs, env) }
    }
  ]
  // The keyless flow: the same org, an ID token from a fake GitHub on loopback, one trust rule.
  const github = await startFakeGitHubOidc()
  org.onClose(() => github.close())
  const keyless = org.server.addTokenExchangeApp(github.jwksUrl, [github.ruleFor(loginUrl, org.username)])
  const githubOidcInputs = { 'auth-flow': 'github-oidc', 'client-id': keyless.clientId, 'login-url': loginUrl }
  const githubOidcFloorEnv = {
    ...tlsEnv,
    FLOOR_ID_TOKEN_URL: github.requestUrl,
    FLOOR_REQUEST_TOKEN: github.requestToken,
    FLOOR_AUDIENCE: loginUrl,
    FLOOR_TOKEN_URL: `${loginUrl}/services/oauth2/token`,
    FLOOR_CLIENT_ID: keyless.clientId
  }
  pairs.push({
    name: 'github-oidc',
    target: TARGET_RATIO,
    floor: { label: 'keyless floor: GET + POST', run: env => node([FLOOR], { ...githubOidcFloorEnv, ...env }) },
    action: { label: 'keyless action', run: env => actionRun(githubOidcInputs, { ...github.env(), ...env }) }
  })
  // Client credentials (loopback stands for the My Domain) and an SFDX auth URL (no rotation: reusable).
  server.addUser('integration@acme.example')
  const cc = server.addClientCredentialsApp({ runAs: 'integration@acme.example' })
  const refresh = server.addRefreshTokenApp()
  const refreshToken = server.issueRefreshToken(refresh.clientId, org.username)
  const singlePost = (form, stepInputs, name) => ({
    name,
    target: SINGLE_REQUEST_TARGET,
    floor: {
      label: `${name} floor: one POST`,
      run: env =>
        node([FLOOR], { ...tlsEnv, FLOOR_TOKEN_URL: `${loginUrl}/services/oauth2/token`, FLOOR_FORM: JSON.stringify(form), ...env })
    },
    action: { label: `${name} action`, run: env => actionRun(stepInputs, env) }
  })
  pairs.push(
    singlePost(
      { grant_type: 'client_credentials', client_id: cc.clientId, client_secret: cc.clientSecret },
      { 'client-id': cc.clientId, 'client-secret': cc.clientSecret, 'login-url': loginUrl },
      'client-credentials'
    ),
    singlePost(
      { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: refresh.clientId, client_secret: refresh.clientSecret },
      { 'sfdx-auth-url': server.sfdxAuthUrl(refresh.clientId, refresh.clientSecret, refreshToken) },
      'sfdx-url'
    )
  )
  const contenders = [bare, ...pairs.flatMap(p => [p.floor, p.action])]
  const homes = []
  if (sfCli) {
    const versionEnv = sfEnv(sfCli)
    homes.push(versionEnv.HOME)
    const probe = await run(sfCli, ['--version'], { env: versionEnv }).catch(err => ({ stdout: '', stderr: String(err?.message ?? err) }))
    const version = /@salesforce\/cli\/(\S+)/.exec(probe.stdout)?.[1]
    // `sf --version` starts even where the CLI cannot log in (it loads no plugin): probe a command that does.
    const problem = version ? await cliStartProblem(sfCli, versionEnv) : `no version printed: ${probe.stderr.trim().slice(0, 160)}`
    if (problem) {
      rmSync(versionEnv.HOME, { recursive: true, force: true })
      await org.close()
      const floor = problem.includes('needs Node') ? '' : ` The pinned CLI ${SF_CLI_VERSION} needs Node ${SF_CLI_NODE_FLOOR} or newer.`
      console.error(`--sf-cli: ${problem}${floor}`)
      return 1
    }
    const args = ['org', 'login', 'jwt', '--client-id', org.clientId, '--jwt-key-file', org.keyFile, '--username', org.username]
    contenders.push({
      label: `sf org login jwt (CLI ${version})`,
      requests: 0,
      run: async env => {
        const cliEnv = sfEnv(sfCli, org.env)
        homes.push(cliEnv.HOME)
        const before = server.tokenRequests().length
        const stderr = await node([sfCli, ...args, '--instance-url', loginUrl], { ...cliEnv, ...env })
        contenders.at(-1).requests = server.tokenRequests().length - before
        return stderr
      }
    })
  }
  for (const c of contenders) Object.assign(c, { times: [], rss: [] })
  const cli = contenders.find(c => c.requests !== undefined)

  try {
    console.error(`Warming up, then ${runs} alternated rounds and ${MEMORY_RUNS} memory rounds...`)
    for (const c of contenders) c.first = (await timed(c)).ms
    for (let round = 0; round < runs; round++) {
      // Rotate who goes first, so no contender always runs right after another's exit.
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(round + i) % contenders.length]
        c.times.push((await timed(c)).ms)
      }
    }
    for (let round = 0; round < MEMORY_RUNS; round++) {
      for (const c of contenders) c.rss.push(Number(/bench-maxrss=(\d+)/.exec((await timed(c, RSS_ENV)).stderr)?.[1] ?? NaN))
    }
  } finally {
    for (const d of [dir, ...homes]) rmSync(d, { recursive: true, force: true })
    await org.close()
  }

  const ms = v => `${v.toFixed(1)} ms`.padStart(11)
  console.log(
    `\n${runs} alternated rounds of whole-process runs against a loopback https token server (Node ${process.version}, ${platform()} ${arch()}, ${cpus().length} × ${cpus()[0]?.model.trim()}).\n`
  )
  const width = Math.max(...contenders.map(c => c.label.length)) + 2
  console.log(
    `${''.padEnd(width)}${'first'.padStart(11)}${'median'.padStart(11)}${'min'.padStart(11)}${'max'.padStart(11)}${'peak RSS'.padStart(12)}`
  )
  for (const c of contenders) {
    const s = stats(c.times)
    c.median = s.median
    console.log(
      `${c.label.padEnd(width)}${ms(c.first)}${ms(s.median)}${ms(s.min)}${ms(s.max)}${`${(Math.max(...c.rss) / 1024).toFixed(1)} MiB`.padStart(12)}`
    )
  }
  const [{ floor, action }] = pairs
  const bundleKiB = statSync(ENTRY).size / 1024
  const verdict = ok => (ok ? 'met' : 'MISSED')
  console.log(
    `\nabove start-up (medians): floor +${(floor.median - bare.median).toFixed(1)} ms, action +${(action.median - bare.median).toFixed(1)} ms`
  )
  for (const p of pairs) {
    p.ratio = p.action.median / p.floor.median
    console.log(`ratio ${p.name} action/floor (medians): ${p.ratio.toFixed(2)}   target <= ${p.target}: ${verdict(p.ratio <= p.target)}`)
  }
  console.log(
    `${relative(ROOT, ENTRY)} size: ${bundleKiB.toFixed(1)} KiB   target <= ${TARGET_BUNDLE_KIB} KiB: ${verdict(bundleKiB <= TARGET_BUNDLE_KIB)}`
  )
  if (cli) {
    console.log(
      `ratio sf/action: ${(cli.median / action.median).toFixed(1)} warm (medians), ${(cli.first / action.first).toFixed(1)} first run; ` +
        `sf made ${cli.requests} token request(s) per login, the action 1`
    )
  }
  console.log(`first: the first run of each, before the timed rounds (a cold start: disk cache, compile cache).`)
  console.log(`peak RSS: the largest maxRSS of ${MEMORY_RUNS} separate, untimed runs of each.`)
  const missed = pairs.some(p => p.ratio > p.target) || bundleKiB > TARGET_BUNDLE_KIB
  return options.check && missed ? 1 : 0
}

process.exitCode = await main()
