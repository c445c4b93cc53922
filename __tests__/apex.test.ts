// The Apex in salesforce/ cannot run here, so it is checked offline: apex-ls with Salesforce's standard types must
// report nothing, PMD 7's Apex rules (salesforce/pmd-ruleset.xml) must find nothing, and both must report planted
// bugs. Both need Java 11+: without it these tests are skipped with one line saying how to get it, and the rest
// of the suite runs. The fake org's handler must also refuse in the Apex handler's words.
import { afterAll, describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkApex, javaMajor, javaProblem, runPmd } from './support/apex-tools.js'
import { ROOT } from '../fakes/runner.mjs'

const PROJECT = join(ROOT, 'salesforce')
const RULESET = join(PROJECT, 'pmd-ruleset.xml')
const CLASSES = join('force-app', 'main', 'default', 'classes')
const HANDLER = join(CLASSES, 'GitHubActionsTokenExchangeHandler.cls')
const JAVA_PROBLEM = await javaProblem()
if (JAVA_PROBLEM) process.stderr.write(`${JAVA_PROBLEM}\n`)
/** A describe for tests that need Java: skipped, with the reason in its name, when Java is missing or too old. */
function describeWithJava(name: string, tests: () => void): void {
  if (JAVA_PROBLEM) describe.skip(`${name} (skipped: ${JAVA_PROBLEM})`, tests)
  else describe(name, tests)
}

const copies: string[] = []
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true })
})

/** A copy of salesforce/ with `file`'s source changed by each [original, planted] pair. */
function plantedCopy(file: string, plants: [string, string][]): string {
  const copy = mkdtempSync(join(tmpdir(), 'apex-'))
  copies.push(copy)
  cpSync(PROJECT, copy, { recursive: true })
  let source = readFileSync(join(copy, file), 'utf8')
  for (const [original, planted] of plants) {
    expect(source).toContain(original)
    source = source.replace(original, planted)
  }
  writeFileSync(join(copy, file), source)
  return copy
}

describe("the fake org refuses in the Apex handler's words", () => {
  // The action's tests trust the fake org's handler to speak as the Apex one: a reworded message must change both.
  const apex = readFileSync(join(PROJECT, HANDLER), 'utf8').replace(/\\'/g, "'")
  const fake = readFileSync(join(ROOT, 'fakes', 'fake-token-exchange.mjs'), 'utf8')
  it.each([
    'GitHub OIDC token rejected: ',
    'it is not a JWT (three base64url parts: a JSON header, a JSON payload, a signature).',
    "its header names alg '",
    "', not RS256.",
    'its header has no kid.',
    "its header names typ '",
    "', not JWT.",
    "its issuer '",
    "' is not the issuer of any active GitHub trust rule.",
    'its signature could not be verified with the keys at ',
    "'/.well-known/jwks'",
    'it has no exp claim.',
    'it has expired.',
    'it is not valid yet.',
    'it was already used, and this org accepts each token once.',
    'it has no jti claim, and this org accepts each token once.',
    'the replay cache partition named in GitHub Keyless Setting Default cannot be used.',
    ' GitHub trust rules that set none of Ref__c, Environment__c, Workflow_Ref__c never match: ',
    '; set one (Ref__c ** means every ref).',
    'No active GitHub trust rule matches ',
    'Active GitHub trust rules name more than one user for ',
    ': rules ',
    '; make the matching rules name one user.',
    'No active user for ',
    "'GitHub trust rule '",
    "'GitHub trust rules '",
    ': the user it names does not exist or is not active.',
    'No keyless login permission for ',
    ': the user it names does not hold the permission set ',
    "'GitHub_Actions_Keyless_Login'",
    "repository '",
    "' (id ",
    ', owner id ',
    "), ref '",
    "' (ref_protected '",
    "'), event '",
    "', job_workflow_ref '",
    'environment (none)',
    ", runner_environment '",
    ", audience '",
    ", issuer '",
    'SKEW_SECONDS = 60',
    'QUOTE_LENGTH = 100'
  ])('%s', words => {
    expect({ apex: apex.includes(words), fake: fake.includes(words) }).toEqual({ apex: true, fake: true })
  })
})

describe('javaMajor', () => {
  it.each<[string, number | undefined]>([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "11" 2018-09-25', 11],
    ['openjdk version "21-ea" 2023-09-19', 21],
    ['no version here', undefined]
  ])('%s → %s', (output, major) => {
    expect(javaMajor(output)).toBe(major)
  })
})

describeWithJava('the Salesforce project compiles against the platform types', () => {
  it('has no errors or warnings', async () => {
    expect(await checkApex(PROJECT)).toEqual([])
  }, 120_000)

  it('reports a wrong method name, a wrong constructor arity and an unknown custom metadata field', async () => {
    const copy = plantedCopy(HANDLER, [
      ['value.abbreviate(QUOTE_LENGTH)', 'value.abbreviates(QUOTE_LENGTH)'],
      [
        'new Auth.TokenValidationResult(false, null, null, null, tokenType, message)',
        'new Auth.TokenValidationResult(false, null, null, tokenType, message)'
      ],
      ["usernames.add(rule.Username__c.toLowerCase('en_US'))", "usernames.add(rule.User_Name__c.toLowerCase('en_US'))"]
    ])

    const findings = await checkApex(copy)

    expect(findings).toEqual([
      expect.stringMatching(/Unknown field 'User_Name__c' on SObject 'Schema.GitHub_Trust_Rule__mdt'$/),
      expect.stringMatching(/No constructor defined with 5 arguments$/),
      expect.stringMatching(/No matching method found for 'abbreviates' on 'System.String'/)
    ])
  }, 120_000)
})

describeWithJava('PMD 7 Apex rules (salesforce/pmd-ruleset.xml)', () => {
  it('find nothing', async () => {
    expect(await runPmd(PROJECT, RULESET)).toEqual([])
  }, 300_000)

  it('find a planted empty catch block and a query in a loop', async () => {
    const copy = plantedCopy(HANDLER, [
      [
        '            // Auth.JWTValidationException for a bad signature, CalloutException when the keys cannot be read.\n            return false;\n        }',
        '        }\n        return false;'
      ],
      [
        '        for (GitHub_Trust_Rule__mdt rule : matching) {\n',
        '        for (GitHub_Trust_Rule__mdt rule : matching) {\n            Integer planted = [SELECT COUNT() FROM User WITH SYSTEM_MODE];\n'
      ]
    ])

    const findings = await runPmd(copy, RULESET)

    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GitHubActionsTokenExchangeHandler\.cls:\d+ EmptyCatchBlock: /),
        expect.stringMatching(/^GitHubActionsTokenExchangeHandler\.cls:\d+ OperationWithLimitsInLoop: /)
      ])
    )
  }, 300_000)
})
