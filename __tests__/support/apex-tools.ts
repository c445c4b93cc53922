// The offline Apex checks of salesforce/: apex-ls (type-checking against Salesforce's standard types) and PMD 7's
// Apex rules, both from the jars in @salesforce/code-analyzer-pmd-engine, both needing Java 11 or newer.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../../fakes/runner.mjs'

const CLASSPATH = join(ROOT, 'node_modules', '@salesforce', 'code-analyzer-pmd-engine', 'dist', 'java-lib', '*')
const run = promisify(execFile)

/** The java to run: $JAVA_HOME/bin/java when JAVA_HOME is set, else java on the PATH. */
const JAVA = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java'

export const NEEDS_JAVA =
  'The Apex checks need Java 11 or newer: install e.g. `apt-get install openjdk-17-jre-headless` or set JAVA_HOME to a JDK/JRE 11+.'

/** The major version in `java -version` output ("17.0.15" → 17, "1.8.0_392" → 8), or undefined. */
export function javaMajor(versionOutput: string): number | undefined {
  const version = /version "([^"]+)"/.exec(versionOutput)?.[1]
  if (!version) return undefined
  const [first, second] = version.split(/[.+-]/).map(Number)
  return first === 1 ? second : first
}

/** Undefined when Java 11+ runs; else the one line that says how to get it. */
export async function javaProblem(): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(JAVA, ['-version'])
    const major = javaMajor(`${stderr}${stdout}`)
    return major !== undefined && major >= 11 ? undefined : `${NEEDS_JAVA} (found ${major ?? 'an unreadable version'})`
  } catch {
    return `${NEEDS_JAVA} (no java at ${JAVA})`
  }
}

interface LsMessage {
  category: string
  message: string
  start: { line: number }
}

/** apex-ls's findings for an SFDX project, as `file:line category: message` lines (exit 4 means "found some"). */
export async function checkApex(project: string): Promise<string[]> {
  const args = ['-cp', CLASSPATH, 'io.github.apexdevtools.apexls.CheckForIssues', '-n', '-d', 'warnings', '-f', 'json', '-w', project]
  const { stdout } = await run(JAVA, args, { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (error.code !== 4 || !error.stdout) throw new Error(`apex-ls failed (exit ${error.code}): ${error.stderr}`)
      return { stdout: error.stdout }
    }
  )
  const report = JSON.parse(stdout) as { files: { path: string; messages: LsMessage[] }[] }
  return report.files.flatMap(file =>
    file.messages.map(m => `${file.path.slice(project.length + 1)}:${m.start.line} ${m.category}: ${m.message}`)
  )
}

/** Every .cls file under a folder. */
export function apexFiles(folder: string): string[] {
  return readdirSync(folder).flatMap(name => {
    const path = join(folder, name)
    if (statSync(path).isDirectory()) return apexFiles(path)
    return name.endsWith('.cls') ? [path] : []
  })
}

/**
 * PMD's findings for the Apex classes of an SFDX project under a ruleset, as `File.cls:line Rule: message`,
 * through Code Analyzer's own PMD wrapper (the engine ships no PMD command line).
 */
export async function runPmd(project: string, ruleset: string): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'pmd-'))
  try {
    const input = join(work, 'input.json')
    const output = join(work, 'results.json')
    writeFileSync(input, JSON.stringify({ ruleSetInputFile: ruleset, runDataPerLanguage: { apex: { filesToScan: apexFiles(project) } } }))
    await run(JAVA, ['-cp', CLASSPATH, 'com.salesforce.sfca.pmdwrapper.PmdWrapper', 'run', input, output], { maxBuffer: 16 * 1024 * 1024 })
    const results = JSON.parse(readFileSync(output, 'utf8')) as {
      violations: { rule: string; message: string; codeLocation: { file: string; startLine: number } }[]
      processingErrors: { file: string; message: string }[]
    }
    return [
      ...results.processingErrors.map(e => `${e.file.slice(project.length + 1)}: processing error: ${e.message}`),
      ...results.violations.map(v => `${v.codeLocation.file.split('/').pop()}:${v.codeLocation.startLine} ${v.rule}: ${v.message}`)
    ]
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
