// The real Salesforce CLI, for `npm run test:cli` and `npm run bench -- --sf-cli`: installs a pinned
// version into a temporary folder (never a dependency of this project) and runs it offline against the
// fake org, with a fresh HOME per run so nothing of one run (or of the machine's own CLI) reaches another.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'

/** The CLI version the test proves; bump it deliberately, after `npm run test:cli` passes with it. */
export const SF_CLI_VERSION = '2.150.6'

/**
 * The oldest Node the pinned CLI's install runs on: the CLI declares `engines.node >=22.0.0`, but its jsforce
 * (`@jsforce/jsforce-node` 3.12.0) resolves undici 8.14.1, which declares `>=22.19.0` and crashes at start on
 * Node 20 (`createZstdDecompress`). `npm run test:cli` checks this against what the install resolved.
 */
export const SF_CLI_NODE_FLOOR = '22.19.0'

/** Below the floor the CLI starts only with undici held at 6.x (not supported by Salesforce; docs/cli.md). */
const OLD_NODE_OVERRIDES = { undici: '6.21.3' }

const [major, minor] = process.versions.node.split('.').map(Number)
const [floorMajor, floorMinor] = SF_CLI_NODE_FLOOR.split('.').map(Number)
/** Whether this Node is older than the floor, so that an install needs the override to start at all. */
export const BELOW_SF_CLI_FLOOR = major < floorMajor || (major === floorMajor && minor < floorMinor)

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
  if (BELOW_SF_CLI_FLOOR) manifest.overrides = OLD_NODE_OVERRIDES
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
    // `sf` starts with the `node` on PATH: the one running this script, which the install was made for.
    PATH: `${dirname(sf)}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
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
