// `npm start` is the first thing a new user runs: it must work for both flows, fail as documented with
// --fail, and show no secret.
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from '../fakes/runner.mjs'

async function start(...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'script', 'start.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', d => (out += d))
  child.stderr.on('data', d => (out += d))
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  return { code, out }
}

describe('npm start', () => {
  it('logs in with a key and shows the outputs, the token masked', async () => {
    const { code, out } = await start()
    expect(code).toBe(0)
    expect(out).toMatch(/Authenticated as deploy@acme\.example \(user 005\w{15}\)/)
    expect(out).toContain('access_token = ***')
    expect(out).not.toMatch(/00D\w{12}!AR/)
  })

  it('--keyless logs in without a key and shows the claims the trust rule matched', async () => {
    const { code, out } = await start('--keyless')
    expect(code).toBe(0)
    expect(out).toMatch(
      /GitHub's OIDC token: issuer \S+, repository acme\/app, repository id 123456789, owner id 987654, ref refs\/heads\/main /
    )
    expect(out).toContain('| Login | Keyless (GitHub OIDC token exchange) |')
    expect(out).not.toMatch(/00D\w{12}!AR|eyJ/)
  })

  it('--keyless --fail shows the handler refusing a branch no rule names, the error before the ready rule record', async () => {
    const { code, out } = await start('--keyless', '--fail')
    expect(code).toBe(1)
    const refusal = "No active GitHub trust rule matches repository 'acme/app' (id 123456789, owner id 987654), ref 'refs/heads/feature'"
    expect(out).toContain(refusal)
    const error = out.indexOf(`Error: Salesforce refused the login`)
    expect(error).toBeGreaterThan(0)
    expect(out.indexOf(refusal)).toBeGreaterThan(error)
    expect(error).toBeLessThan(out.indexOf('<CustomMetadata'))
    expect(out.indexOf('Annotations')).toBeLessThan(out.indexOf('Run ./ (dist/index.js)'))
  })

  it('--help gives a usage line that works as typed, and documents --sandbox', async () => {
    const { code, out } = await start('--help')
    expect(code).toBe(0)
    const usage = out.split('\n')[0]
    expect(usage).toMatch(/^Usage: npm start -- \[--flow [a-z|-]+\] \[--sandbox\] \[--fail\]$/)
    expect(usage.split(' -- ')).toHaveLength(2) // npm passes on what follows its one `--`; a second `--` ends parsing
    expect(out).toMatch(/^ {2}--sandbox {2}/m)
    // The example it gives, typed as shown: npm hands the script everything after `npm start --`.
    const example = /e\.g\. npm start -- (.+?)\s{2,}/.exec(out)![1].split(' ')
    const run = await start(...example)
    expect(run.code).toBe(1) // the example asks for --fail
    expect(run.out).toContain('No active GitHub trust rule matches')
  })

  it('logs a header as the run page shows it, with no double space', async () => {
    const { out } = await start('--sandbox')
    expect(out).toContain('\nRun ./ (dist/index.js)\n')
    expect(out).toContain('\nPost Run ./ (dist/index.js)\n')
    expect(out).not.toMatch(/\S {2}\(/)
    expect(out).toContain('(audience https://test.salesforce.com)')
  })

  it('refuses --sandbox with --keyless, and an unknown flow', async () => {
    const sandbox = await start('--keyless', '--sandbox')
    expect(sandbox.code).toBe(2)
    expect(sandbox.out).toContain('--sandbox goes with the jwt-bearer flow only.')
    const unknown = await start('--flow', 'saml')
    expect(unknown.code).toBe(2)
    expect(unknown.out).toContain('--flow must be one of jwt-bearer, github-oidc, client-credentials, sfdx-url.')
  })

  it('--flow client-credentials shows a masked run as the Run-As user, secret shown as ***', async () => {
    const { code, out } = await start('--flow', 'client-credentials')
    expect(code).toBe(0)
    expect(out).toContain('    client-secret: ***')
    expect(out).toMatch(/Authenticated as user 005\w{15}, the app's Run-As user \(client credentials flow\)/)
    expect(out).not.toMatch(/00D\w{12}!AR|[0-9A-F]{64}/)
  })

  it('--flow sfdx-url shows a masked run, the URL shown as ***; --fail a revoked refresh token', async () => {
    const ok = await start('--flow', 'sfdx-url')
    expect(ok.code).toBe(0)
    expect(ok.out).toContain('    sfdx-auth-url: ***')
    expect(ok.out).not.toMatch(/force:\/\/|5Aep861|00D\w{12}!AR/)
    const failed = await start('--flow', 'sfdx-url', '--fail')
    expect(failed.code).toBe(1)
    expect(failed.out).toContain('error_description "expired access/refresh token"')
  })

  it('--flow client-credentials --fail shows the app without a Run-As user', async () => {
    const { code, out } = await start('--flow', 'client-credentials', '--fail')
    expect(code).toBe(1)
    expect(out).toContain('error_description "no client credentials user enabled"')
  })
})
