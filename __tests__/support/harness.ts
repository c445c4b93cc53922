// Shared set-up for tests of the bundled action: one fake Salesforce, apps registered per key, and a
// step runner that checks every run's log for leaked secrets.
import { expect } from '@jest/globals'
import { createPrivateKey, randomUUID } from 'node:crypto'
import { startFakeSalesforce, type FakeSalesforce, type FakeSalesforceOptions } from '../../fakes/fake-salesforce.mjs'
import { makeIdentity, selfSignedCertificate, type Identity } from '../../fakes/keys.mjs'
import { findLeaks, forgedCommands, removeStepFolders, runStep, type StepOptions, type StepResult } from '../../fakes/runner.mjs'

export type Server = FakeSalesforce
export type { StepOptions, StepResult }

export const USERNAME = 'deploy@acme.example'

/** Secrets every run's log is checked against, besides what the server saw and issued. */
const knownSecrets = new Set<string>()

/** Remembers key text and passphrases so every later run checks the log for them. */
export function rememberSecret(...texts: string[]): void {
  for (const text of texts) {
    for (const raw of text.split(/\r?\n|\\n/)) {
      const line = raw.trim()
      if (line.length >= 8 && !line.startsWith('-----')) knownSecrets.add(line)
    }
    if (text.trim().length >= 6) knownSecrets.add(text.trim())
  }
}

/** Registers a new app whose certificate belongs to this key; returns its consumer key. */
export function appFor(server: Server, pem: string, passphrase?: string): string {
  const plain = createPrivateKey(passphrase ? { key: pem, passphrase } : pem).export({ type: 'pkcs8', format: 'pem' }) as string
  const clientId = `3MVG9${randomUUID().replace(/-/g, '')}`
  server.addApp(clientId, selfSignedCertificate(plain))
  rememberSecret(pem, plain)
  if (passphrase) rememberSecret(passphrase)
  return clientId
}

export interface Fixture {
  server: Server
  identity: Identity
  clientId: string
  /** Runs the bundled action's main step with working defaults, overridden by `inputs`. */
  step(inputs?: Record<string, string>, options?: StepOptions): Promise<StepResult>
  /** Runs the post step after `main`, with the state it saved and the same inputs, as the runner does. */
  post(main: StepResult, inputs?: Record<string, string>): Promise<StepResult>
  /** Stops the server and removes the step folders. */
  close(): Promise<void>
}

export async function setUp(serverOptions: FakeSalesforceOptions = {}): Promise<Fixture> {
  const server = await startFakeSalesforce(serverOptions)
  const identity = makeIdentity()
  const clientId = appFor(server, identity.pkcs8)
  rememberSecret(identity.pkcs1)
  server.addUser(USERNAME)
  const withDefaults = (inputs: Record<string, string>): Record<string, string> => ({
    'client-id': clientId,
    username: USERNAME,
    'private-key': identity.pkcs8,
    'login-url': server.url,
    ...inputs
  })
  const step = async (inputs: Record<string, string> = {}, options: StepOptions = {}): Promise<StepResult> => {
    const result = await runStep({ ...options, inputs: withDefaults(inputs) })
    assertNoLeaks(server, result)
    return result
  }
  const post = async (main: StepResult, inputs: Record<string, string> = {}): Promise<StepResult> => {
    const result = await runStep({ inputs: withDefaults(inputs), state: main.state, post: true, dir: main.dir })
    assertNoLeaks(server, result)
    return result
  }
  const close = async (): Promise<void> => {
    await server.close()
    removeStepFolders()
  }
  return { server, identity, clientId, step, post, close }
}

/**
 * Fails the test if any key line, passphrase, assertion or token shows outside an ::add-mask:: line, if a
 * stack trace shows, or if the log holds a workflow command the action did not mean to write.
 */
export function assertNoLeaks(server: Server, result: StepResult, moreOpaque: string[] = []): void {
  // The signature alone is enough to rebuild an assertion from the (debug-logged) claims, and the part of
  // a token after '!' is the secret: look for both, and for any 24-character run of an opaque secret.
  const jwts = [...server.assertions, ...server.subjectTokens, ...moreOpaque.filter(s => s.split('.').length === 3)]
  const opaque = [...jwts, ...jwts.map(a => a.split('.')[2] ?? ''), ...server.tokens, ...moreOpaque]
  const runs = opaque.flatMap(s =>
    Array.from({ length: Math.max(0, Math.floor((s.length - 24) / 8) + 1) }, (_, i) => s.slice(i * 8, i * 8 + 24))
  )
  const secrets = [...knownSecrets, ...opaque, ...runs]
  expect(findLeaks(result, secrets)).toEqual([])
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  expect(forgedCommands(result)).toEqual([])
}
