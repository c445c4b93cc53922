import { describe, expect, it } from '@jest/globals'
import { exec, getExecOutput } from '../../src/stubs/exec.js'
import semver, { satisfies } from '../../src/stubs/semver.js'
import { ProxyAgent } from '../../src/stubs/undici.js'

/** How jsonwebtoken calls semver: with a range, which the stub ignores. */
const withRange = satisfies as (version: string, range: string) => boolean

describe('the semver stub', () => {
  it.each(['v24.1.0', 'v20.0.0', 'v17.0.0', '24.1.0'])('satisfies(%j) is true (Node 17 or later)', version => {
    expect(satisfies(version)).toBe(true)
  })

  it.each(['v16.20.2', 'v16.0.0', 'v8.17.0', 'garbage', ''])('satisfies(%j) is false', version => {
    expect(satisfies(version)).toBe(false)
  })

  it.each([['>=15.7.0'], ['^6.12.0 || >=8.0.0'], ['>=16.9.0']])("answers yes to jsonwebtoken's range %j on node24", range => {
    expect(withRange('v24.1.0', range)).toBe(true)
  })

  it('is the default export too, as jsonwebtoken requires it', () => {
    expect(semver).toEqual({ satisfies })
  })
})

describe('the undici stub', () => {
  it('refuses to make a ProxyAgent, saying why', () => {
    expect(() => new ProxyAgent()).toThrow(new Error('undici is not bundled with this action (getAgentDispatcher is not supported)'))
  })
})

describe('the @actions/exec stub', () => {
  it.each([
    ['getExecOutput', getExecOutput],
    ['exec', exec]
  ])('%s throws, saying why', (_name, fn) => {
    expect(() => fn()).toThrow(new Error('@actions/exec is not bundled with this action (core.platform is not supported)'))
  })
})
