// Set-up for tests of the client credentials and SFDX auth URL flows: one fake org with an app for each grant,
// a Run-As user, refresh tokens issued as a web login would, and a step runner that checks every run for leaks
// of the client secrets and refresh tokens as well as of everything the org issued.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeSalesforce } from '../../fakes/fake-salesforce.mjs'
import { assertNoLeaks, USERNAME, type Server, type StepOptions, type StepResult } from './harness.js'
import { testTlsIdentity } from '../../fakes/keys.mjs'
import { removeStepFolders, runStep } from '../../fakes/runner.mjs'

export const RUN_AS = 'integration@acme.example'

export interface FlowsFixture {
  server: Server
  /** The client credentials app, whose Run-As user is RUN_AS. */
  cc: { clientId: string; clientSecret: string }
  /** An app with a secret for the refresh token flow, without rotation. */
  refresh: { clientId: string; clientSecret: string }
  /** A fresh refresh token of USERNAME for an app (the refresh app unless named), as its SFDX auth URL. */
  sfdxUrl(app?: { clientId: string; clientSecret: string }, host?: string): string
  /** Every client secret and refresh token handed out so far: no log may show them. */
  secrets: string[]
  /** Runs the main step with the inputs given (no defaults: each flow's tests give their own). */
  step(inputs: Record<string, string>, options?: StepOptions): Promise<StepResult>
  post(main: StepResult, inputs: Record<string, string>): Promise<StepResult>
  close(): Promise<void>
}

/** The org serves https on loopback (an SFDX auth URL always logs in over https), trusted through NODE_EXTRA_CA_CERTS. */
export async function setUpFlows(): Promise<FlowsFixture> {
  const tls = testTlsIdentity(['acme.my.salesforce.com'])
  const server = await startFakeSalesforce({ tls: { key: tls.key, cert: tls.cert } })
  const caDir = mkdtempSync(join(tmpdir(), 'sf-flows-ca-'))
  writeFileSync(join(caDir, 'ca.crt'), tls.ca)
  const trust = { NODE_EXTRA_CA_CERTS: join(caDir, 'ca.crt') }
  server.addUser(USERNAME)
  server.addUser(RUN_AS)
  const cc = server.addClientCredentialsApp({ runAs: RUN_AS })
  const refresh = server.addRefreshTokenApp()
  const secrets = [cc.clientSecret, refresh.clientSecret]
  const sfdxUrl = (app = refresh, host?: string): string => {
    const token = server.issueRefreshToken(app.clientId, USERNAME)
    secrets.push(token)
    if (app.clientSecret) secrets.push(app.clientSecret)
    return server.sfdxAuthUrl(app.clientId, app.clientSecret, token, host)
  }
  const check = (result: StepResult): StepResult => {
    assertNoLeaks(server, result, [...secrets, ...server.refreshTokens.keys()])
    return result
  }
  return {
    server,
    cc,
    refresh,
    sfdxUrl,
    secrets,
    step: async (inputs, stepOptions = {}) => check(await runStep({ ...stepOptions, inputs, env: { ...trust, ...stepOptions.env } })),
    post: async (main, inputs) => check(await runStep({ inputs, state: main.state, post: true, dir: main.dir, env: trust })),
    close: async () => {
      await server.close()
      rmSync(caDir, { recursive: true, force: true })
      removeStepFolders()
    }
  }
}

/** The one error line of a failed step, which set no outputs and showed no stack trace. */
export function failure(r: StepResult): string {
  if (r.code !== 1 || r.errors.length !== 1 || Object.keys(r.outputs).length !== 0 || /Unexpected error/.test(r.errors[0])) {
    throw new Error(
      `expected one clean failure, got code ${r.code}, errors ${JSON.stringify(r.errors)}, outputs ${JSON.stringify(r.outputs)}`
    )
  }
  return r.errors[0]
}

/** The index of the first log line that is not a mask or state command: nothing secret may come before its mask. */
export function firstTextLine(r: StepResult): number {
  return r.stdout.split('\n').findIndex(l => l.trim() !== '' && !l.startsWith('::add-mask::') && !l.startsWith('::save-state'))
}

/** The index of a secret's mask line. */
export function maskLine(r: StepResult, secret: string): number {
  return r.stdout.split('\n').indexOf(`::add-mask::${secret}`)
}
