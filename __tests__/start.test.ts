// `npm start` is the first thing a new user runs: it must work for both flows, fail as documented with
// --fail, and show no secret.
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './support/runner.mjs'

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
    expect(out).toContain("GitHub's OIDC token: repository acme/app, repository id 123456789, ref refs/heads/main")
    expect(out).toContain('| Login | Keyless (GitHub OIDC token exchange) |')
    expect(out).not.toMatch(/00D\w{12}!AR|eyJ/)
  })

  it('--keyless --fail shows the handler refusing a branch no rule names', async () => {
    const { code, out } = await start('--keyless', '--fail')
    expect(code).toBe(1)
    expect(out).toContain(
      "No active GitHub trust rule matches repository 'acme/app' (id 123456789, owner id 987654), ref 'refs/heads/feature'"
    )
  })

  it('refuses --sandbox with --keyless', async () => {
    const { code, out } = await start('--keyless', '--sandbox')
    expect(code).toBe(2)
    expect(out).toContain('--sandbox and --keyless do not go together.')
  })
})
