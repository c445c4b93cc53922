import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE } from '../fakes/fake-salesforce.mjs'
import { setUp, type Fixture, type StepResult } from './support/harness.js'
import { testTlsIdentity } from '../fakes/keys.mjs'
import { startConnectProxy, type ConnectProxy } from '../fakes/proxy.mjs'
import { ROOT } from '../fakes/runner.mjs'

// A local TLS server stands in for Salesforce's hosts, with a certificate from a test CA that Node
// trusts only through NODE_EXTRA_CA_CERTS (as behind a TLS-inspecting proxy). Host names are resolved to
// 127.0.0.1 inside the action's process, so nothing leaves this machine. Each host accepts the audiences
// Salesforce's does.
const MY_DOMAIN = 'https://acme.my.salesforce.com'
const SANDBOX_MY_DOMAIN = 'https://acme--uat.sandbox.my.salesforce.com'
const AUDIENCES_BY_HOST = {
  'login.salesforce.com': [PRODUCTION_AUDIENCE],
  'test.salesforce.com': [SANDBOX_AUDIENCE],
  'acme.my.salesforce.com': [PRODUCTION_AUDIENCE, MY_DOMAIN],
  'acme--uat.sandbox.my.salesforce.com': [SANDBOX_AUDIENCE, SANDBOX_MY_DOMAIN],
  // A name that only begins like a loopback address: @actions/http-client alone would send it past the proxy.
  '127.0.0.1.my.salesforce.com': [PRODUCTION_AUDIENCE]
}
const LOOKS_LOOPBACK = 'https://127.0.0.1.my.salesforce.com'

let f: Fixture
let proxy: ConnectProxy
let caFile: string
const loopback = `--import=${join(ROOT, 'fakes/resolve-to-loopback.mjs')}`

beforeAll(async () => {
  const tls = testTlsIdentity(Object.keys(AUDIENCES_BY_HOST))
  f = await setUp({ tls: { key: tls.key, cert: tls.cert }, audiencesByHost: AUDIENCES_BY_HOST })
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

const lastClaims = (): { aud: string } => f.server.tokenRequests().at(-1)!.claims!

describe('through an HTTPS proxy (CONNECT tunnel, TLS to the real host)', () => {
  it('logs in at the default login URL through HTTPS_PROXY', async () => {
    const { r, connects, requests } = await viaProxy({ 'login-url': '' })
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    expect(connects).toEqual(['login.salesforce.com:443'])
    expect(requests).toBe(1)
    expect(f.server.tokenRequests().at(-1)!.headers.host).toBe('login.salesforce.com')
    expect(lastClaims().aud).toBe(PRODUCTION_AUDIENCE)
  })

  it('honours lower-case https_proxy', async () => {
    const { r, connects } = await viaProxy({ 'login-url': MY_DOMAIN }, { HTTPS_PROXY: '', https_proxy: proxy.url })
    expect(r.code).toBe(0)
    expect(connects).toEqual(['acme.my.salesforce.com:443'])
  })

  it('sends proxy credentials from the proxy URL', async () => {
    const { r } = await viaProxy({ 'login-url': MY_DOMAIN }, { HTTPS_PROXY: proxy.url.replace('http://', 'http://ci-user:p%40ss@') })
    expect(r.code).toBe(0)
    expect(proxy.connects.at(-1)!.authorization).toBe(`Basic ${Buffer.from('ci-user:p@ss').toString('base64')}`)
    expect(r.stderr).toBe('')
  })

  it('audience: sandbox goes to test.salesforce.com, which accepts only the sandbox audience', async () => {
    const { r, connects } = await viaProxy({ 'login-url': '', audience: 'sandbox' })
    expect(r.code).toBe(0)
    expect(connects).toEqual(['test.salesforce.com:443'])
    expect(lastClaims().aud).toBe(SANDBOX_AUDIENCE)
  })

  it('the production audience at test.salesforce.com is refused by that host', async () => {
    const { r, connects } = await viaProxy({ 'login-url': 'https://test.salesforce.com', audience: 'production' })
    expect(r.code).toBe(1)
    expect(connects).toEqual(['test.salesforce.com:443'])
    expect(r.errors[0]).toContain('error "invalid_grant", error_description "audience is invalid".')
  })

  it("derives the sandbox audience from a sandbox's My Domain", async () => {
    const { r, connects } = await viaProxy({ 'login-url': `${SANDBOX_MY_DOMAIN}/` })
    expect(r.code).toBe(0)
    expect(connects).toEqual(['acme--uat.sandbox.my.salesforce.com:443'])
    expect(r.visible).toContain(
      `Requesting a token from ${SANDBOX_MY_DOMAIN}/services/oauth2/token for deploy@acme.example (audience https://test.salesforce.com).`
    )
  })

  it.each([
    ['.salesforce.com', 'NO_PROXY'],
    ['salesforce.com', 'NO_PROXY'],
    ['login.salesforce.com', 'no_proxy']
  ])('bypasses the proxy for %s in %s', async (value, name) => {
    const { r, connects, requests } = await viaProxy({ 'login-url': `https://login.salesforce.com:${f.server.port}` }, { [name]: value })
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    expect(connects).toEqual([])
    expect(requests).toBe(1)
  })

  it('a host that only begins with 127. is not loopback: it goes through the proxy', async () => {
    const { r, connects, requests } = await viaProxy({ 'login-url': LOOKS_LOOPBACK })
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    expect(connects).toEqual(['127.0.0.1.my.salesforce.com:443'])
    expect(requests).toBe(1)
    expect(f.server.tokenRequests().at(-1)!.headers.host).toBe('127.0.0.1.my.salesforce.com')
  })

  it.each([
    ['127.0.0.1.my.salesforce.com', 'NO_PROXY'],
    ['.my.salesforce.com', 'no_proxy'],
    ['*', 'NO_PROXY']
  ])('such a host still bypasses the proxy when %s is in %s', async (value, name) => {
    const { r, connects, requests } = await viaProxy({ 'login-url': `${LOOKS_LOOPBACK}:${f.server.port}` }, { [name]: value })
    expect(r.errors).toEqual([])
    expect(connects).toEqual([])
    expect(requests).toBe(1)
  })

  it('without the proxy CA in NODE_EXTRA_CA_CERTS, fails once with the fix', async () => {
    const { r, requests } = await viaProxy({ 'login-url': '' }, { NODE_EXTRA_CA_CERTS: '' })
    expect(r.code).toBe(1)
    expect(requests).toBe(0)
    expect(r.errors[0]).toMatch(/TLS certificate could not be verified.*NODE_EXTRA_CA_CERTS/)
    expect(r.visible).not.toMatch(/^Attempt \d/m)
  })

  it('a proxy that accepts the connection but never answers CONNECT cannot hang the step', async () => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer(s => sockets.add(s))
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    try {
      const port = (silent.address() as net.AddressInfo).port
      const { r } = await viaProxy(
        { 'login-url': '', 'max-attempts': '2', 'request-timeout-seconds': '1' },
        { HTTPS_PROXY: `http://127.0.0.1:${port}` }
      )
      expect(r.code).toBe(1)
      expect(r.errors[0]).toMatch(/failed after 2 attempts; the last one: .*timed out after 1 s/)
      // 2 attempts x 1 s + at most 1 s of backoff + the 0.5 s exit grace, plus process start-up.
      expect(r.durationMs).toBeLessThan(2 * 1000 + 1000 + 500 + 2500)
    } finally {
      for (const s of sockets) s.destroy()
      silent.close()
    }
  })

  it('a proxy that refuses connections is named as the cause', async () => {
    const closed = net.createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as net.AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const { r } = await viaProxy({ 'login-url': '', 'max-attempts': '1' }, { HTTPS_PROXY: `http://127.0.0.1:${port}` })
    expect(r.code).toBe(1)
    expect(r.errors[0]).toMatch(/ECONNREFUSED: could not reach the proxy \(HTTPS_PROXY\)/)
  })
})
