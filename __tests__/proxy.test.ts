import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE } from './support/fake-salesforce.mjs'
import { setUp, type Fixture, type StepResult } from './support/harness.js'
import { testTlsIdentity } from './support/keys.mjs'
import { startConnectProxy, type ConnectProxy } from './support/proxy.mjs'
import { ROOT } from './support/runner.mjs'

// A local TLS server stands in for Salesforce's hosts, with a certificate from a test CA that Node
// trusts only through NODE_EXTRA_CA_CERTS (as behind a TLS-inspecting proxy). Host names are resolved to
// 127.0.0.1 inside the action's process, so nothing leaves this machine.
const HOSTS = ['login.salesforce.com', 'test.salesforce.com', 'acme.my.salesforce.com', 'acme--uat.sandbox.my.salesforce.com']

let f: Fixture
let proxy: ConnectProxy
let caFile: string
const loopback = `--import=${join(ROOT, '__tests__/support/resolve-to-loopback.mjs')}`

beforeAll(async () => {
  const tls = testTlsIdentity(HOSTS)
  f = await setUp({ tls: { key: tls.key, cert: tls.cert } })
  proxy = await startConnectProxy(f.server.port)
  caFile = join(mkdtempSync(join(tmpdir(), 'sf-jwt-ca-')), 'ca.crt')
  writeFileSync(caFile, tls.ca)
})
afterAll(async () => {
  await proxy.close()
  await f.close()
  rmSync(dirname(caFile), { recursive: true, force: true })
})

async function viaProxy(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<{ r: StepResult; connects: string[]; requests: number }> {
  const c0 = proxy.connects.length
  const q0 = f.server.tokenRequests().length
  const r = await f.step(inputs, {
    env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile, NODE_OPTIONS: loopback, ...env }
  })
  return { r, connects: proxy.connects.slice(c0).map(c => c.target), requests: f.server.tokenRequests().length - q0 }
}

describe('through an HTTPS proxy (CONNECT tunnel, TLS to the real host)', () => {
  it('logs in at the default login URL through HTTPS_PROXY', async () => {
    const { r, connects, requests } = await viaProxy({ 'login-url': '' })
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    expect(connects).toEqual(['login.salesforce.com:443'])
    expect(requests).toBe(1)
    expect(f.server.tokenRequests().at(-1)!.headers.host).toBe('login.salesforce.com')
    expect(f.server.tokenRequests().at(-1)!.claims!.aud).toBe(PRODUCTION_AUDIENCE)
  })

  it('honours lower-case https_proxy', async () => {
    const { r, connects } = await viaProxy({ 'login-url': 'https://acme.my.salesforce.com' }, { HTTPS_PROXY: '', https_proxy: proxy.url })
    expect(r.code).toBe(0)
    expect(connects).toEqual(['acme.my.salesforce.com:443'])
  })

  it('derives the sandbox: audience sandbox goes to test.salesforce.com', async () => {
    f.server.audiences = [SANDBOX_AUDIENCE]
    try {
      const { r, connects } = await viaProxy({ 'login-url': '', audience: 'sandbox' })
      expect(r.code).toBe(0)
      expect(connects).toEqual(['test.salesforce.com:443'])
      expect(f.server.tokenRequests().at(-1)!.claims!.aud).toBe(SANDBOX_AUDIENCE)
    } finally {
      f.server.audiences = [PRODUCTION_AUDIENCE]
    }
  })

  it("derives the sandbox audience from a sandbox's My Domain", async () => {
    f.server.audiences = [SANDBOX_AUDIENCE]
    try {
      const { r, connects } = await viaProxy({ 'login-url': 'https://acme--uat.sandbox.my.salesforce.com/' })
      expect(r.code).toBe(0)
      expect(connects).toEqual(['acme--uat.sandbox.my.salesforce.com:443'])
      expect(r.visible).toContain(
        'Requesting a token from https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token for deploy@acme.example (audience https://test.salesforce.com).'
      )
    } finally {
      f.server.audiences = [PRODUCTION_AUDIENCE]
    }
  })

  it('bypasses the proxy for hosts in NO_PROXY', async () => {
    const port = f.server.port
    const { r, connects, requests } = await viaProxy(
      { 'login-url': `https://login.salesforce.com:${port}` },
      { NO_PROXY: '.salesforce.com' }
    )
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    expect(connects).toEqual([])
    expect(requests).toBe(1)
  })

  it('honours lower-case no_proxy', async () => {
    const { r, connects } = await viaProxy(
      { 'login-url': `https://acme.my.salesforce.com:${f.server.port}` },
      { no_proxy: 'acme.my.salesforce.com' }
    )
    expect(r.code).toBe(0)
    expect(connects).toEqual([])
  })

  it('without the proxy CA in NODE_EXTRA_CA_CERTS, fails once with the fix', async () => {
    const { r, requests } = await viaProxy({ 'login-url': '' }, { NODE_EXTRA_CA_CERTS: '' })
    expect(r.code).toBe(1)
    expect(requests).toBe(0)
    expect(r.errors[0]).toMatch(/TLS certificate could not be verified.*NODE_EXTRA_CA_CERTS/)
    expect(r.visible).not.toMatch(/^Attempt \d/m)
  })
})
