// The Apex in salesforce/ cannot run here, so it is type-checked offline: apex-ls with Salesforce's standard
// types (both jars in @salesforce/code-analyzer-pmd-engine) must report nothing, and must report planted bugs.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from './support/runner.mjs'

const PROJECT = join(ROOT, 'salesforce')
const HANDLER = join('force-app', 'main', 'default', 'classes', 'GitHubActionsTokenExchangeHandler.cls')
const CLASSPATH = join(ROOT, 'node_modules', '@salesforce', 'code-analyzer-pmd-engine', 'dist', 'java-lib', '*')

interface Message {
  category: string
  message: string
  start: { line: number }
}

/** apex-ls's findings for an SFDX project, as `file:line category: message` lines (exit 4 means "found some"). */
async function checkApex(project: string): Promise<string[]> {
  const args = ['-cp', CLASSPATH, 'io.github.apexdevtools.apexls.CheckForIssues', '-n', '-d', 'warnings', '-f', 'json', '-w', project]
  const { stdout } = await promisify(execFile)('java', args, { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (error.code !== 4 || !error.stdout) throw new Error(`apex-ls failed (exit ${error.code}): ${error.stderr}`)
      return { stdout: error.stdout }
    }
  )
  const report = JSON.parse(stdout) as { files: { path: string; messages: Message[] }[] }
  return report.files.flatMap(file =>
    file.messages.map(m => `${file.path.slice(project.length + 1)}:${m.start.line} ${m.category}: ${m.message}`)
  )
}

const copies: string[] = []
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true })
})

describe("the fake org refuses in the Apex handler's words", () => {
  // The action's tests trust the fake org's handler to speak as the Apex one: a reworded message must change both.
  const apex = readFileSync(join(PROJECT, HANDLER), 'utf8').replace(/\\'/g, "'")
  const fake = readFileSync(join(ROOT, '__tests__', 'support', 'fake-token-exchange.mjs'), 'utf8')
  it.each([
    'GitHub OIDC token rejected: ',
    "it could not be verified against GitHub's signing keys.",
    'it has no exp claim.',
    'it has expired.',
    'it is not valid yet.',
    'No active GitHub trust rule matches ',
    'Active GitHub trust rules name more than one user for ',
    '; make the matching rules name one user.',
    'The GitHub trust rule for ',
    "', who does not exist or is not active.",
    "repository '",
    "' (id ",
    "), ref '",
    'environment (none)',
    ", audience '"
  ])('%s', words => {
    expect({ apex: apex.includes(words), fake: fake.includes(words) }).toEqual({ apex: true, fake: true })
  })
})

describe('the Salesforce project compiles against the platform types', () => {
  it('has no errors or warnings', async () => {
    expect(await checkApex(PROJECT)).toEqual([])
  })

  it('reports a wrong method name, a wrong constructor arity and an unknown custom metadata field', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'apex-'))
    copies.push(copy)
    cpSync(PROJECT, copy, { recursive: true })
    const plants: [string, string][] = [
      ["ref.startsWith(pattern.removeEnd('*'))", "ref.beginsWith(pattern.removeEnd('*'))"],
      [
        'new Auth.TokenValidationResult(false, null, null, null, tokenType, message)',
        'new Auth.TokenValidationResult(false, null, null, tokenType, message)'
      ],
      ['String.isNotBlank(rule.Username__c)', 'String.isNotBlank(rule.User_Name__c)']
    ]
    let source = readFileSync(join(copy, HANDLER), 'utf8')
    for (const [original, planted] of plants) {
      expect(source).toContain(original)
      source = source.replace(original, planted)
    }
    writeFileSync(join(copy, HANDLER), source)

    const findings = await checkApex(copy)

    expect(findings).toEqual([
      expect.stringMatching(/Unknown field 'User_Name__c' on SObject 'Schema.GitHub_Trust_Rule__mdt'$/),
      expect.stringMatching(/No matching method found for 'beginsWith' on 'System.String'/),
      expect.stringMatching(/No constructor defined with 5 arguments$/)
    ])
  })
})
