// Whether an installed Salesforce CLI can start on the Node at hand, said in one line. `sf --version` starts even
// where the CLI cannot work (it loads no plugin), so the probe runs a command that loads @salesforce/core and
// jsforce, whose undici is what refuses an old Node. Used by `npm run test:cli` and `npm run bench -- --sf-cli`.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { run } from '../fakes/sf-cli.mjs'

/** `[major, minor, patch]` of a version such as `v20.20.2` or `22.19.0`. */
const parts = version =>
  String(version)
    .replace(/^v/, '')
    .split('.')
    .map(n => Number.parseInt(n, 10) || 0)
    .concat([0, 0])
    .slice(0, 3)

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a, b) {
  const [x, y] = [parts(a), parts(b)]
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}

/**
 * The highest Node floor that any package under `dir` declares with a plain `engines.node: ">=X"` (ranges with
 * `||` are ignored: they allow several lines), and who declares it. This is what an install resolved today:
 * the CLI's own `engines` can be lower than its dependencies'.
 */
export function engineFloor(dir) {
  let floor = { version: '0.0.0', by: undefined }
  const walk = folder => {
    if (!existsSync(folder)) return
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const path = join(folder, entry.name)
      if (entry.name.startsWith('@')) {
        walk(path)
        continue
      }
      const manifest = join(path, 'package.json')
      if (existsSync(manifest)) {
        const { name, version, engines } = JSON.parse(readFileSync(manifest, 'utf8'))
        const declared = /^\s*>=\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(engines?.node ?? '')?.[1]
        if (declared && compareVersions(declared, floor.version) > 0) floor = { version: declared, by: `${name}@${version}` }
      }
      walk(join(path, 'node_modules'))
    }
  }
  walk(dir)
  return floor
}

/** The `node_modules` folder an `sf` of `node_modules/.bin/sf` was installed into, if it is one. */
function installFolder(sf) {
  const bin = dirname(realpathSync(sf))
  for (let dir = bin; dir !== dirname(dir); dir = dirname(dir)) if (dir.endsWith('node_modules')) return dir
  return undefined
}

/**
 * Undefined when `sf` starts and can load its plugins on this Node; otherwise one line that says so: the first
 * error line the CLI printed and, when the install folder is known, which package needs which Node.
 */
export async function cliStartProblem(sf, env) {
  const probe = await run(sf, ['org', 'list', '--json'], { env, timeoutMs: 60_000 }).catch(err => ({
    code: 1,
    stdout: '',
    stderr: String(err?.message ?? err)
  }))
  if (probe.code === 0) return undefined
  const said = `${probe.stderr}\n${probe.stdout}`.split('\n').map(l => l.trim())
  const why = (said.find(l => /^\w*Error\b|Error:/.test(l)) ?? said.find(Boolean) ?? `exit code ${probe.code}`).slice(0, 160)
  const folder = installFolder(sf)
  const floor = folder ? engineFloor(folder) : undefined
  const needs =
    floor?.by && compareVersions(process.version, floor.version) < 0
      ? `; ${floor.by} in its install needs Node ${floor.version} or newer: run it on that Node (docs/cli.md, Node versions)`
      : ''
  return `The Salesforce CLI (${sf}) cannot start on Node ${process.version}: ${why}${needs}.`
}
