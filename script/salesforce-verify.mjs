// `npm run salesforce:verify -- --target-org ALIAS [--dry-run] [--wait MINUTES]`: deploys salesforce/ to an org
// with every Apex test class of the project (RunSpecifiedTests, as a production deploy would run them), and
// reports the tests and the coverage per class. --dry-run validates without saving (the CLI's own --dry-run).
// Flags as `sf project deploy start --help` documents them (plugin-deploy-retrieve, CLI 2.135.x).
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', 'salesforce')
const SOURCE_DIR = 'force-app'
/** Salesforce's bar for RunSpecifiedTests: each class and trigger in the deploy at 75 % (Metadata API guide). */
const REQUIRED_COVERAGE = 75
export const NO_SF =
  'The Salesforce CLI (sf) is not installed or not on PATH: install it with `npm install --global @salesforce/cli@2.150.6` ' +
  '(the version this project tests; on Node 20 see the README about undici), then log in to the org and re-run.'
const USAGE = 'Usage: npm run salesforce:verify -- --target-org ALIAS [--dry-run] [--wait MINUTES]'

/** Every .cls file under a folder. */
function apexFiles(folder) {
  return readdirSync(folder).flatMap(name => {
    const path = join(folder, name)
    if (statSync(path).isDirectory()) return apexFiles(path)
    return name.endsWith('.cls') ? [path] : []
  })
}

/** The names of the classes that hold Apex test methods (an @IsTest class with @IsTest or testMethod methods). */
export function testClasses(sources) {
  const code = source => source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ')
  return Object.entries(sources)
    .filter(([, source]) => {
      const text = code(source)
      const classAt = text.search(/\bclass\b/i)
      return /@IsTest\b/i.test(text.slice(0, classAt)) && /@IsTest\b|\btestMethod\b/i.test(text.slice(classAt))
    })
    .map(([name]) => name)
    .sort()
}

/** The `sf project deploy start` arguments (run in salesforce/, where sfdx-project.json is). */
export function deployArgs({ targetOrg, tests, resultsDir, wait, dryRun }) {
  return [
    'project',
    'deploy',
    'start',
    '--source-dir',
    SOURCE_DIR,
    '--target-org',
    targetOrg,
    '--test-level',
    'RunSpecifiedTests',
    ...tests.flatMap(test => ['--tests', test]),
    '--coverage-formatters',
    'json-summary',
    '--results-dir',
    resultsDir,
    '--wait',
    String(wait),
    ...(dryRun ? ['--dry-run'] : []),
    '--json'
  ]
}

const list = value => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value])

/**
 * The lines to print for a `--json` deploy answer: each test failure, then each class's coverage; `ok` when the
 * deploy succeeded and every class reaches REQUIRED_COVERAGE.
 */
export function report(answer) {
  const details = answer?.result?.details ?? {}
  const run = details.runTestResult ?? {}
  const lines = []
  for (const f of list(run.failures)) lines.push(`FAILED ${f.name}.${f.methodName}: ${String(f.message ?? '').slice(0, 500)}`)
  for (const f of list(details.componentFailures)) lines.push(`NOT DEPLOYED ${f.componentType} ${f.fullName}: ${f.problem}`)
  let covered = true
  for (const c of list(run.codeCoverage).sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
    const total = Number(c.numLocations)
    const percent = total === 0 ? 100 : Math.floor((100 * (total - Number(c.numLocationsNotCovered))) / total)
    if (percent < REQUIRED_COVERAGE) covered = false
    lines.push(`${percent < REQUIRED_COVERAGE ? 'LOW ' : ''}coverage ${c.name}: ${percent} % of ${total} lines`)
  }
  const tests = Number(run.numTestsRun ?? 0)
  lines.push(
    `${tests} tests run, ${Number(run.numFailures ?? 0)} failed; deploy ${answer?.result?.status ?? answer?.message ?? 'unknown'}.`
  )
  const ok = answer?.status === 0 && answer?.result?.success === true && covered && list(run.codeCoverage).length > 0
  return { ok, lines }
}

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.on('data', d => (stdout += d))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout }))
  })
}

async function main() {
  let values
  try {
    ;({ values } = parseArgs({
      options: { 'target-org': { type: 'string' }, 'dry-run': { type: 'boolean' }, wait: { type: 'string', default: '60' } }
    }))
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`)
    return 2
  }
  if (!values['target-org'] || !/^[1-9]\d*$/.test(values.wait)) {
    console.error(USAGE)
    return 2
  }
  try {
    await run('sf', ['--version'], PROJECT)
  } catch {
    console.error(NO_SF)
    return 2
  }
  const sources = Object.fromEntries(
    apexFiles(join(PROJECT, SOURCE_DIR)).map(f => [f.split('/').pop().slice(0, -4), readFileSync(f, 'utf8')])
  )
  const tests = testClasses(sources)
  const resultsDir = mkdtempSync(join(tmpdir(), 'salesforce-verify-'))
  {
    const args = deployArgs({ targetOrg: values['target-org'], tests, resultsDir, wait: values.wait, dryRun: values['dry-run'] })
    console.log(`sf ${args.join(' ')}`)
    const { stdout } = await run('sf', args, PROJECT)
    let answer
    try {
      answer = JSON.parse(stdout)
    } catch {
      console.error(`The CLI did not answer with JSON:\n${stdout.slice(0, 2000)}`)
      return 1
    }
    const { ok, lines } = report(answer)
    for (const line of lines) console.log(line)
    console.log(`Coverage reports (json-summary) in ${resultsDir}.`)
    return ok ? 0 : 1
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main()
