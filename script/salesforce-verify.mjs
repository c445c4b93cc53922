// `npm run salesforce:verify -- --target-org ALIAS [--dry-run] [--wait MINUTES] [--with-org-setup]`: deploys
// salesforce/force-app (what is safe to redeploy: classes, custom metadata types, permission sets, the static resource)
// with every Apex test class of the project (RunSpecifiedTests, as a production deploy would run them), and reports
// the tests and the coverage per class. --dry-run validates without saving (the CLI's own --dry-run).
// salesforce/org-setup (the handler definition, the remote site setting, the placeholder rule: set up once per org) is
// its own SFDX project and is deployed only with --with-org-setup, meant for a new org such as the workflow's
// scratch org. Flags as `sf project deploy start --help` documents them (plugin-deploy-retrieve, CLI 2.135.x).
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', 'salesforce')
const SOURCE_DIR = 'force-app'
/** The once-per-org project: its own sfdx-project.json, so no command run in salesforce/ can deploy it. */
export const ORG_SETUP = join(PROJECT, 'org-setup')
export const ORG_SETUP_WARNING =
  'Once per org: --with-org-setup also deploys salesforce/org-setup (the token exchange handler definition, the remote ' +
  "site setting, the placeholder rule). On an org that is already set up, that can undo the handler's enablements (its " +
  'app and Run-As user) and edits made in Setup. Use it only on a new org, such as a scratch org made for this run.'
/** Salesforce's bar for RunSpecifiedTests: each class and trigger in the deploy at 75 % (Metadata API guide). */
const REQUIRED_COVERAGE = 75
export const NO_SF =
  'The Salesforce CLI (sf) is not installed or not on PATH: install it with `npm install --global @salesforce/cli@2.150.6` ' +
  '(the version this project tests; on Node 20 see the README about undici), then log in to the org and re-run.'
const USAGE = 'Usage: npm run salesforce:verify -- --target-org ALIAS [--dry-run] [--wait MINUTES] [--with-org-setup]'

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

/** The `sf project deploy start` arguments for the once-per-org project (run in salesforce/org-setup/); no Apex, no tests. */
export function orgSetupArgs({ targetOrg, wait, dryRun }) {
  return [
    'project',
    'deploy',
    'start',
    '--source-dir',
    SOURCE_DIR,
    '--target-org',
    targetOrg,
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
      options: {
        'target-org': { type: 'string' },
        'dry-run': { type: 'boolean' },
        wait: { type: 'string', default: '60' },
        'with-org-setup': { type: 'boolean' }
      }
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
  const answer = await deploy(
    deployArgs({ targetOrg: values['target-org'], tests, resultsDir, wait: values.wait, dryRun: values['dry-run'] }),
    PROJECT,
    'salesforce'
  )
  if (!answer) return 1
  const { ok, lines } = report(answer)
  for (const line of lines) console.log(line)
  console.log(`Coverage reports (json-summary) in ${resultsDir}.`)
  if (!ok || !values['with-org-setup']) return ok ? 0 : 1
  console.log(ORG_SETUP_WARNING)
  const setUp = await deploy(
    orgSetupArgs({ targetOrg: values['target-org'], wait: values.wait, dryRun: values['dry-run'] }),
    ORG_SETUP,
    'salesforce/org-setup'
  )
  if (!setUp) return 1
  for (const f of list(setUp.result?.details?.componentFailures)) console.log(`NOT DEPLOYED ${f.componentType} ${f.fullName}: ${f.problem}`)
  console.log(`Org set-up deploy ${setUp.result?.status ?? setUp.message ?? 'unknown'}.`)
  return setUp.status === 0 && setUp.result?.success === true ? 0 : 1
}

/** Runs one `sf project deploy start … --json` in a folder: its answer, or undefined (saying why) when it is not JSON. */
async function deploy(args, cwd, folder) {
  console.log(`(in ${folder}) sf ${args.join(' ')}`)
  const { stdout } = await run('sf', args, cwd)
  try {
    return JSON.parse(stdout)
  } catch {
    console.error(`The CLI did not answer with JSON:\n${stdout.slice(0, 2000)}`)
    return undefined
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main()
