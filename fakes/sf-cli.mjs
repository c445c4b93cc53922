// The real Salesforce CLI, for `npm run test:cli` and `npm run bench -- --sf-cli`: installs a pinned
// version into a temporary folder (never a dependency of this project) and runs it offline against the
// fake org, with a fresh HOME per run so nothing of one run (or of the machine's own CLI) reaches another.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'

/** The CLI version the test proves; bump it deliberately, after `npm run test:cli` passes with it. */
export const SF_CLI_VERSION = '2.135.7'

/**
 * On Node 20, jsforce pulls in undici 8, which needs Node 22: the CLI crashes at start unless undici is
 * held at 6.x. Users on Node 20 need the same override (the README says so).
 */
const NODE_20_OVERRIDES = { undici: '6.21.3' }

/** Runs a command to its end or its time limit (async: the fake org in this process must keep answering). */
export function run(command, args, { env = process.env, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code: code ?? `killed after ${timeoutMs / 1000} s`, stdout, stderr })
    })
  })
}

/** Installs the pinned CLI into a new temporary folder; returns the path of its `sf` and the seconds it took. */
export async function installSfCli(version = SF_CLI_VERSION) {
  const dir = mkdtempSync(join(tmpdir(), 'sf-cli-'))
  const manifest = { name: 'sf-cli-under-test', private: true, dependencies: { '@salesforce/cli': version } }
  if (Number(process.versions.node.split('.')[0]) < 22) manifest.overrides = NODE_20_OVERRIDES
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  const started = Date.now()
  // CI has the npm registry only, and 90 minutes for everything: give the install at most 10 of them.
  const npm = await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'], { cwd: dir, timeoutMs: 600_000 })
  if (npm.code !== 0) throw new Error(`npm install @salesforce/cli@${version} failed (${npm.code}):\n${npm.stderr.trim()}`)
  const sf = join(dir, 'node_modules', '.bin', 'sf')
  if (!existsSync(sf)) throw new Error(`npm installed @salesforce/cli@${version} but ${sf} does not exist`)
  return { sf, dir, seconds: (Date.now() - started) / 1000 }
}

/**
 * The environment of one CLI run: offline (no DNS check, update check or telemetry), a fresh HOME, the
 * generic keychain (a file under HOME), `sf` first on PATH, and `extra` (proxy, CA, SF_* variables).
 */
export function sfEnv(sf, extra = {}) {
  const home = mkdtempSync(join(tmpdir(), 'sf-cli-home-'))
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SF_|SFDX_|https?_proxy$|no_proxy$)/i.test(k)))
  return {
    ...base,
    HOME: home,
    PATH: `${dirname(sf)}${delimiter}${process.env.PATH}`,
    SF_DISABLE_DNS_CHECK: 'true',
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    ...extra
  }
}

/** Runs one workflow `run:` line as the runner's default shell does (`bash -e`, with pipefail). */
export function runShell(command, env) {
  return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], { env, cwd: env.HOME })
}
