// `npm run salesforce:verify`: which classes it runs as tests, the exact CLI arguments, how it reads the answer,
// and its one message when the CLI is missing. (The deploy itself needs a real org: see salesforce-org.yml.)
import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../../fakes/runner.mjs'
import { deployArgs, NO_SF, report, testClasses } from '../../script/salesforce-verify.mjs'

describe('testClasses', () => {
  it('takes @IsTest classes with test methods, not test utilities or production classes', () => {
    expect(
      testClasses({
        HandlerTest: '/** doc */\n@IsTest\nprivate class HandlerTest {\n  @IsTest static void runs() {}\n}',
        OldStyleTest: '@isTest class OldStyleTest { static testMethod void runs() {} }',
        Users: '@IsTest\npublic class Users {\n  public static User make() { return null; }\n}',
        Handler: '// @IsTest in a comment\npublic class Handler { }'
      })
    ).toEqual(['HandlerTest', 'OldStyleTest'])
  })
})

describe('deployArgs', () => {
  it('deploys force-app with the named tests, coverage and a wait, as `sf project deploy start --help` documents', () => {
    expect(deployArgs({ targetOrg: 'ci', tests: ['A', 'B'], resultsDir: '/tmp/r', wait: '60', dryRun: false })).toEqual(
      'project deploy start --source-dir force-app --target-org ci --test-level RunSpecifiedTests --tests A --tests B --coverage-formatters json-summary --results-dir /tmp/r --wait 60 --json'.split(
        ' '
      )
    )
    expect(deployArgs({ targetOrg: 'ci', tests: [], resultsDir: '/r', wait: '5', dryRun: true }).slice(-2)).toEqual(['--dry-run', '--json'])
  })
})

describe('report', () => {
  const answer = (coverage: unknown, extra: Record<string, unknown> = {}) => ({
    status: 0,
    result: {
      success: true,
      status: 'Succeeded',
      details: { runTestResult: { numTestsRun: 12, numFailures: 0, codeCoverage: coverage, ...extra } }
    }
  })

  it('lists the coverage per class and passes at 75 % each', () => {
    expect(
      report(
        answer([
          { name: 'B', numLocations: '100', numLocationsNotCovered: '25' },
          { name: 'A', numLocations: 10, numLocationsNotCovered: 0 }
        ])
      )
    ).toEqual({
      ok: true,
      lines: ['coverage A: 100 % of 10 lines', 'coverage B: 75 % of 100 lines', '12 tests run, 0 failed; deploy Succeeded.']
    })
  })

  it('fails below 75 % for one class, on a test failure, and without any coverage', () => {
    expect(report(answer({ name: 'A', numLocations: 100, numLocationsNotCovered: 26 })).ok).toBe(false)
    expect(report(answer({ name: 'A', numLocations: 100, numLocationsNotCovered: 26 })).lines[0]).toBe('LOW coverage A: 74 % of 100 lines')
    const failed = { ...answer([]), status: 1 }
    failed.result.details.runTestResult = {
      numTestsRun: 1,
      numFailures: 1,
      codeCoverage: [],
      failures: { name: 'T', methodName: 'm', message: 'boom' }
    } as never
    expect(report(failed)).toEqual({ ok: false, lines: ['FAILED T.m: boom', '1 tests run, 1 failed; deploy Succeeded.'] })
    expect(report({ status: 1, message: 'No authorization information found for x.' }).lines).toEqual([
      '0 tests run, 0 failed; deploy No authorization information found for x..'
    ])
  })
})

describe('without the Salesforce CLI', () => {
  it('says in one line how to get it, and exits 2', async () => {
    const result = await promisify(execFile)(process.execPath, [join(ROOT, 'script', 'salesforce-verify.mjs'), '--target-org', 'ci'], {
      env: { PATH: '/nonexistent' }
    }).catch((error: { code: number; stdout: string; stderr: string }) => error)
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: `${NO_SF}\n` })
  })
})
