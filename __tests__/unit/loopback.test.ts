import { describe, expect, it } from '@jest/globals'
import { checkBypass } from '@actions/http-client/lib/proxy'
import { isLoopbackHost, proxyStandIn } from '../../src/loopback.js'

const hostOf = (url: string): string => new URL(url).hostname

describe('isLoopbackHost: only localhost, [::1] and 127.0.0.0/8 literals', () => {
  it.each([
    ['http://localhost:8080', true],
    ['http://LOCALHOST', true],
    ['http://127.0.0.1', true],
    ['http://127.255.255.254', true],
    ['http://127.1', true], // WHATWG URL reads it as 127.0.0.1
    ['http://0x7f.0.0.1', true],
    ['http://[::1]:443', true],
    ['http://[0:0:0:0:0:0:0:1]', true],
    ['http://127.0.0.1.evil.example', false],
    ['http://127.0.0.1.my.salesforce.com', false],
    ['http://127.evil.example', false],
    ['http://127-0-0-1.example', false],
    ['http://localhost.evil.example', false],
    ['http://localhost.', false],
    ['http://128.0.0.1', false],
    ['http://[::2]', false],
    ['http://[::ffff:127.0.0.1]', false],
    ['https://acme.my.salesforce.com', false]
  ])('%s: %s', (url, loopback) => {
    expect(isLoopbackHost(hostOf(url))).toBe(loopback)
  })

  it.each([
    ['127.0.0.256', false],
    ['127.0.0', false],
    ['127.00.0.1', true]
  ])('a bare hostname %s: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback)
  })
})

describe('proxyStandIn: what @actions/http-client is asked about instead', () => {
  const withNoProxy = <T>(value: string, fn: () => T): T => {
    const saved = [process.env.NO_PROXY, process.env.no_proxy]
    process.env.NO_PROXY = value
    delete process.env.no_proxy
    try {
      return fn()
    } finally {
      if (saved[0] === undefined) delete process.env.NO_PROXY
      else process.env.NO_PROXY = saved[0]
      if (saved[1] !== undefined) process.env.no_proxy = saved[1]
    }
  }
  const url = new URL('https://127.0.0.1.evil.example:8443/services/oauth2/token')

  it('http-client itself takes the real host for loopback (the reason the stand-in exists)', () => {
    expect(withNoProxy('', () => checkBypass(url))).toBe(true)
  })

  it.each([
    ['', false],
    ['127.0.0.1.evil.example', true],
    ['127.0.0.1.evil.example:8443', true],
    ['127.0.0.1.evil.example:443', false],
    ['evil.example', true],
    ['.evil.example', true],
    ['*', true],
    ['other.example, .salesforce.com', false]
  ])('NO_PROXY %j: the stand-in is bypassed: %s', (noProxy, bypassed) => {
    const standIn = proxyStandIn(url)
    expect(standIn.protocol).toBe(url.protocol)
    expect(standIn.port).toBe(url.port)
    expect(isLoopbackHost(standIn.hostname)).toBe(false)
    expect(withNoProxy(noProxy, () => checkBypass(standIn))).toBe(bypassed)
  })
})
