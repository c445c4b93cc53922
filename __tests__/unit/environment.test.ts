import { describe, expect, it } from '@jest/globals'
import { checkEnvironment, debuggedNetworkSection, isUsableProxy, sectionPattern } from '../../src/environment.js'
import { thrown } from './fixtures.js'

describe('debuggedNetworkSection: NODE_DEBUG read as Node (and tunnel) read it', () => {
  it.each([
    ['http', 'http'],
    ['HTTP', 'http'],
    ['https', 'https'],
    ['http2', 'http2'],
    ['net, http', 'http'],
    ['net,tls', 'net'],
    ['tls', 'tls'],
    ['*', 'http'],
    ['http*', 'http'],
    ['ht*', 'http'],
    ['h*p', 'http'],
    ['*2', 'http2'],
    ['n*', 'net'],
    ['undici', 'undici'],
    ['fetch', 'fetch'],
    ['fs,tunnel', 'tunnel'],
    ['my-tunnel-debug', 'tunnel'],
    ['', undefined],
    ['httpx', undefined],
    ['fs,module', undefined],
    ['h.tp', undefined],
    ['tunnels', undefined]
  ])('%j -> %s', (value, expected) => {
    expect(debuggedNetworkSection(value)).toBe(expected)
  })

  it('compiles a run of stars as one .*, so no entry can make the pattern backtrack for minutes', () => {
    expect(sectionPattern('***x').source).toBe('^.*x$')
    expect(sectionPattern('h**t*p').source).toBe('^h.*t.*p$')
  })

  it.each([
    ['*'.repeat(5000) + 'x', undefined],
    ['*'.repeat(5000) + 'p', 'http'],
    [`${'h*'.repeat(200)}x`, undefined]
  ])('reads a run of stars as one, at once (%#)', (value, expected) => {
    expect(debuggedNetworkSection(value)).toBe(expected)
  })
})

describe('isUsableProxy: a proxy URL as @actions/http-client reads it', () => {
  it.each([
    ['http://proxy.corp:8080', true],
    ['https://proxy.corp', true],
    ['http://user:p%40ss@proxy.corp:3128', true],
    ['proxy.corp:8080', false], // parses as a URL of scheme 'proxy.corp:' without a host
    ['proxy', true], // read as http://proxy
    ['http://u:p@@[bad:1', false],
    ['http://[::1', false],
    ['socks5://127.0.0.1:1080', false],
    ['http://user:%zz@proxy.corp', false],
    ['http://', false]
  ])('%j -> %s', (value, expected) => {
    expect(isUsableProxy(value)).toBe(expected)
  })
})

describe('checkEnvironment: refused before any request, never quoting a value', () => {
  const SECRET = 'Pr0xyPassw0rd'
  it.each([
    [{ NODE_DEBUG: 'net' }, /^NODE_DEBUG names Node's HTTP module or the network modules under it \('net'\)/],
    [{ HTTPS_PROXY: `http://u:${SECRET}@@[bad:1` }, /^HTTPS_PROXY is set but is not a proxy URL/],
    // The lower-case name wins, as in http-client: the upper-case one is never read then.
    [{ https_proxy: `http://u:${SECRET}@[::1`, HTTPS_PROXY: 'http://proxy.corp:8080' }, /^https_proxy is set/],
    [{ https_proxy: '', HTTPS_PROXY: `${SECRET}:1` }, /^HTTPS_PROXY is set/],
    [{ HTTP_PROXY: 'ftp://proxy.corp' }, /^HTTP_PROXY is set/],
    [{ NODE_TLS_REJECT_UNAUTHORIZED: '0' }, /^NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks.*NODE_EXTRA_CA_CERTS/]
  ])('%j', (env, message) => {
    const m = thrown(() => checkEnvironment(env)).message
    expect(m).toMatch(message)
    expect(m).not.toContain(SECRET)
  })

  it.each([
    {},
    { NODE_DEBUG: 'fs' },
    { HTTPS_PROXY: 'http://u:p@proxy.corp:8080', NO_PROXY: '*' },
    { https_proxy: 'http://proxy.corp:8080', HTTPS_PROXY: 'not used' },
    { NODE_TLS_REJECT_UNAUTHORIZED: '1' },
    { NODE_TLS_REJECT_UNAUTHORIZED: '' }
  ])('%j is accepted', env => {
    expect(() => checkEnvironment(env)).not.toThrow()
  })
})
