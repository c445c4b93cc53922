// Redeploying must never undo an org's set-up. salesforce/ is the project that is safe to redeploy (classes, custom
// metadata types, permission sets, the static resource); salesforce/org-setup/ is a project of its own with what is
// set up once per org (the token exchange handler definition, whose enablements an admin sets in Setup; the remote
// site setting; rule records). A bare `sf project deploy start` deploys every package directory of the project it runs
// in, so a second package directory would not be enough: a separate project is. These tests keep it that way, and keep
// every documented command that deploys the whole set-up next to a warning.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../fakes/runner.mjs'
import { deployArgs, ORG_SETUP, ORG_SETUP_WARNING, orgSetupArgs } from '../script/salesforce-verify.mjs'

const SALESFORCE = join(ROOT, 'salesforce')
const REDEPLOYABLE = join(SALESFORCE, 'force-app')
const SETUP = join(SALESFORCE, 'org-setup')

/** Metadata that holds an org's own set-up, so a redeploy from source could undo what an admin did in Setup. */
const ONCE_PER_ORG: [RegExp, string][] = [
  [/\.oauthtokenexchangehandler-meta\.xml$/, 'token exchange handler: its enablements (app, Run-As user, default) are set in Setup'],
  [/\.remoteSite-meta\.xml$/, 'remote site setting: an admin may deactivate or repoint it'],
  [/\.md-meta\.xml$/, "custom metadata record: trust rules are each org's own (audience, users)"],
  [/\.(connectedApp|eca|ecaOauth|ecaOauthPlcy|ecaGlblOauth|ecaPlcy)-meta\.xml$/, 'app definitions: hold secrets and per-org policies'],
  [/\.(settings|platformCachePartition|namedCredential|externalCredential)-meta\.xml$/, 'org settings and credentials']
]

function files(folder: string): string[] {
  return readdirSync(folder).flatMap(name => {
    const path = join(folder, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

const packageDirectories = (project: string): string[] =>
  (
    JSON.parse(readFileSync(join(project, 'sfdx-project.json'), 'utf8')) as { packageDirectories: { path: string }[] }
  ).packageDirectories.map(d => d.path)

describe('what a redeploy of salesforce/ may touch', () => {
  it('salesforce/ deploys force-app only, and org-setup is a project of its own', () => {
    expect(packageDirectories(SALESFORCE)).toEqual(['force-app'])
    expect(packageDirectories(SETUP)).toEqual(['force-app'])
    expect(ORG_SETUP).toBe(SETUP)
  })

  it('holds no once-per-org metadata under salesforce/force-app', () => {
    const found = files(REDEPLOYABLE)
      .map(path => [relative(SALESFORCE, path), ONCE_PER_ORG.find(([pattern]) => pattern.test(path))?.[1]])
      .filter(([, why]) => why)
    expect(found).toEqual([])
  })

  it('holds only once-per-org metadata (and its project file) under salesforce/org-setup', () => {
    const other = files(SETUP)
      .filter(path => !path.endsWith('sfdx-project.json') && !ONCE_PER_ORG.some(([pattern]) => pattern.test(path)))
      .map(path => relative(SALESFORCE, path))
    expect(other).toEqual([])
    expect(files(SETUP).some(path => path.endsWith('.oauthtokenexchangehandler-meta.xml'))).toBe(true)
  })

  it('npm run salesforce:verify deploys force-app from salesforce/, and org-setup only when asked, from its own folder', () => {
    const args = deployArgs({ targetOrg: 'o', tests: ['T'], resultsDir: '/r', wait: '5', dryRun: false })
    expect(args.slice(0, 5)).toEqual(['project', 'deploy', 'start', '--source-dir', 'force-app'])
    expect(orgSetupArgs({ targetOrg: 'o', wait: '5', dryRun: true })).toEqual([
      'project',
      'deploy',
      'start',
      '--source-dir',
      'force-app',
      '--target-org',
      'o',
      '--wait',
      '5',
      '--dry-run',
      '--json'
    ])
    expect(ORG_SETUP_WARNING).toMatch(/^Once per org: /)
  })
})

describe('npm run salesforce:verify, run against a recording stand-in for sf', () => {
  const run = promisify(execFile)
  const bin = mkdtempSync(join(tmpdir(), 'fake-sf-'))
  const log = join(bin, 'calls.jsonl')
  writeFileSync(
    join(bin, 'sf'),
    `#!${process.execPath}\n` +
      `require('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ cwd: process.cwd(), args: process.argv.slice(2) }) + '\\n')\n` +
      `if (process.argv[2] === '--version') { console.log('@salesforce/cli/0.0.0 stand-in'); process.exit(0) }\n` +
      `console.log(JSON.stringify({ status: 0, result: { success: true, status: 'Succeeded', details: { runTestResult: ` +
      `{ numTestsRun: 1, numFailures: 0, codeCoverage: [{ name: 'C', numLocations: 4, numLocationsNotCovered: 0 }] } } } }))\n`
  )
  chmodSync(join(bin, 'sf'), 0o755)
  afterAll(() => rmSync(bin, { recursive: true, force: true }))

  async function verify(...extra: string[]): Promise<{ stdout: string; calls: { cwd: string; args: string[] }[] }> {
    rmSync(log, { force: true })
    const { stdout } = await run(process.execPath, [join(ROOT, 'script', 'salesforce-verify.mjs'), '--target-org', 'scratch', ...extra], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }
    })
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line) as { cwd: string; args: string[] })
      .filter(call => call.args[0] !== '--version')
    return { stdout, calls }
  }

  it('deploys salesforce/force-app alone by default', async () => {
    const { stdout, calls } = await verify()
    expect(calls.map(c => [relative(ROOT, c.cwd), c.args.slice(3, 5).join(' ')])).toEqual([['salesforce', '--source-dir force-app']])
    expect(stdout).not.toContain('Once per org')
  })

  it('with --with-org-setup, warns, then deploys salesforce/org-setup from its own folder, after force-app', async () => {
    const { stdout, calls } = await verify('--with-org-setup')
    expect(calls.map(c => relative(ROOT, c.cwd))).toEqual(['salesforce', join('salesforce', 'org-setup')])
    expect(calls[1].args).not.toContain('--test-level')
    expect(stdout.indexOf(ORG_SETUP_WARNING)).toBeGreaterThan(-1)
    expect(stdout.indexOf(ORG_SETUP_WARNING)).toBeLessThan(stdout.indexOf('(in salesforce/org-setup)'))
  })
})

/** A deploy command in the docs, with the text around it. */
interface Documented {
  file: string
  line: number
  command: string
  context: string
}

/** A command that deploys to an org (it names one): `sf project deploy start …` or `npm run salesforce:verify …`. */
const DEPLOY = /(sf project deploy start|npm run salesforce:verify)\b[^`\n]*--target-org[^`\n]*/

/**
 * Every deploy command of the repository's docs and workflows, with its context: in Markdown, from the nearest heading
 * above it to the end of its paragraph or code block; in a workflow, the step's comment lines and the 6 lines before.
 */
function documentedDeploys(): Documented[] {
  const docs = [
    'README.md',
    'salesforce/README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter(f => f.endsWith('.md'))
      .map(f => `docs/${f}`),
    ...readdirSync(join(ROOT, '.github', 'workflows')).map(f => `.github/workflows/${f}`)
  ]
  return docs.flatMap(file => {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
    const markdown = file.endsWith('.md')
    let fenced = false
    return lines.flatMap((text, i) => {
      if (/^\s*```/.test(text)) fenced = !fenced
      const command = DEPLOY.exec(text)?.[0]
      if (!command) return []
      if (!markdown) return [{ file, line: i + 1, command, context: lines.slice(Math.max(0, i - 6), i + 1).join('\n') }]
      let from = i
      while (from > 0 && !/^#{1,6} /.test(lines[from])) from--
      let to = i
      while (to < lines.length - 1 && (fenced ? !/^\s*```/.test(lines[to + 1]) : lines[to + 1].trim() !== '')) to++
      return [{ file, line: i + 1, command, context: lines.slice(from, to + 2).join('\n') }]
    })
  })
}

/** The deploys of the whole once-per-org project (not one component by --metadata) with no "Once per org" warning. */
function unwarned(deploys: Documented[]): string[] {
  return deploys
    .filter(d => /org-setup/.test(d.context) && !/--metadata/.test(d.command) && !/once per org/i.test(d.context))
    .map(d => `${d.file}:${d.line} ${d.command}`)
}

describe('documented deploy commands', () => {
  const deploys = documentedDeploys()

  it('are found, in the workflow and the READMEs', () => {
    const files = new Set(deploys.map(d => d.file))
    for (const file of ['.github/workflows/salesforce-org.yml', 'salesforce/README.md', 'docs/keyless.md'])
      expect(files.has(file)).toBe(true)
  })

  it('never deploy the whole of salesforce/org-setup without saying "Once per org" right there', () => {
    expect(unwarned(deploys)).toEqual([])
  })

  it('would report a planted unwarned one, and not a one-record deploy', () => {
    const command = 'sf project deploy start --source-dir force-app --target-org prod'
    expect(
      unwarned([
        { file: 'a.md', line: 2, command, context: '```sh\ncd salesforce/org-setup\n' + command + '\n```' },
        { file: 'b.md', line: 2, command, context: '**Once per org.**\n```sh\ncd salesforce/org-setup\n' + command + '\n```' },
        {
          file: 'c.md',
          line: 2,
          command: 'sf project deploy start --metadata CustomMetadata:GitHub_Trust_Rule.X',
          context: 'cd salesforce/org-setup'
        },
        {
          file: 'd.md',
          line: 1,
          command: 'npm run salesforce:verify -- --target-org o --with-org-setup',
          context: 'npm run salesforce:verify -- --target-org o --with-org-setup'
        }
      ])
    ).toEqual(['a.md:2 ' + command, 'd.md:1 npm run salesforce:verify -- --target-org o --with-org-setup'])
  })
})
