// parseSfdxAuthUrl accepts what the Salesforce CLI's parser accepts (@salesforce/core AuthInfo.parseSfdxAuthUrl),
// refuses anything after the host, and never quotes the URL or any part of it in a refusal.
import { describe, expect, it } from '@jest/globals'
import { parseSfdxAuthUrl } from '../../src/flows/sfdx-url/auth-url.js'

const ID = '3MVG9abcDEF.ghi_jkl-mno'
const SECRET = 'A1B2C3D4E5F60718293A4B5C6D7E8F90'
const REFRESH = '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrOGgAtQeOr0Bvzt3VkCaKAW.QDGZ4Hx0iqJ9mPBpWmGOd1ln'

describe('parseSfdxAuthUrl: what the Salesforce CLI accepts', () => {
  it.each<[string, string, { clientId: string; clientSecret: string; refreshToken: string; loginUrl: string }]>([
    [
      'a My Domain URL',
      `force://${ID}:${SECRET}:${REFRESH}@acme.my.salesforce.com`,
      { clientId: ID, clientSecret: SECRET, refreshToken: REFRESH, loginUrl: 'https://acme.my.salesforce.com' }
    ],
    [
      'the CLI default app, no secret',
      `force://PlatformCLI::${REFRESH}@acme.my.salesforce.com`,
      { clientId: 'PlatformCLI', clientSecret: '', refreshToken: REFRESH, loginUrl: 'https://acme.my.salesforce.com' }
    ],
    [
      'a sandbox My Domain',
      `force://PlatformCLI::${REFRESH}@acme--uat.sandbox.my.salesforce.com`,
      { clientId: 'PlatformCLI', clientSecret: '', refreshToken: REFRESH, loginUrl: 'https://acme--uat.sandbox.my.salesforce.com' }
    ],
    [
      'test.salesforce.com',
      `force://PlatformCLI::${REFRESH}@test.salesforce.com`,
      { clientId: 'PlatformCLI', clientSecret: '', refreshToken: REFRESH, loginUrl: 'https://test.salesforce.com' }
    ],
    [
      'base64 padding on each part',
      `force://${ID}==:${SECRET}=:${REFRESH}==@login.salesforce.com`,
      { clientId: `${ID}==`, clientSecret: `${SECRET}=`, refreshToken: `${REFRESH}==`, loginUrl: 'https://login.salesforce.com' }
    ],
    [
      'an explicit port',
      `force://PlatformCLI::${REFRESH}@acme.my.salesforce.com:443`,
      { clientId: 'PlatformCLI', clientSecret: '', refreshToken: REFRESH, loginUrl: 'https://acme.my.salesforce.com' }
    ],
    [
      'surrounding white space of a pasted secret',
      `\n force://PlatformCLI::${REFRESH}@acme.my.salesforce.com \n`,
      { clientId: 'PlatformCLI', clientSecret: '', refreshToken: REFRESH, loginUrl: 'https://acme.my.salesforce.com' }
    ],
    [
      'loopback, for local testing, still over https',
      `force://PlatformCLI::${REFRESH}@127.0.0.1:8443`,
      { clientId: 'PlatformCLI', clientSecret: '', refreshToken: REFRESH, loginUrl: 'https://127.0.0.1:8443' }
    ]
  ])('accepts %s', (_name, url, expected) => {
    expect(parseSfdxAuthUrl(url)).toEqual(expected)
  })
})

describe('parseSfdxAuthUrl: refusals name the part and never quote it', () => {
  const FIX = 'Copy the whole URL that `sf org auth show-sfdx-auth-url --target-org ALIAS` prints into the secret, on one line.'
  it.each([
    ['another scheme', `https://${ID}:${SECRET}:${REFRESH}@acme.my.salesforce.com`, "does not start with 'force://'"],
    ['an upper-case scheme', `FORCE://${ID}:${SECRET}:${REFRESH}@acme.my.salesforce.com`, "does not start with 'force://'"],
    ['no @', `force://${ID}:${SECRET}:${REFRESH}`, "has no '@' between the credentials and the host"],
    [
      'two parts',
      `force://${ID}:${REFRESH}@acme.my.salesforce.com`,
      "must hold three parts before '@', client id:client secret:refresh token, separated by ':' (it holds 2)"
    ],
    ['four parts', `force://${ID}:${SECRET}:${REFRESH}:x@acme.my.salesforce.com`, '(it holds 4)'],
    ['an empty client id', `force://:${SECRET}:${REFRESH}@acme.my.salesforce.com`, 'has an empty client id (the first part)'],
    [
      'a client id with a space-free odd character',
      `force://${ID}!:${SECRET}:${REFRESH}@acme.my.salesforce.com`,
      'has a client id (the first part) with characters a client id does not have'
    ],
    [
      'a secret with an odd character',
      `force://${ID}:${SECRET}%:${REFRESH}@acme.my.salesforce.com`,
      'has a client secret (the second part) with characters'
    ],
    ['an empty refresh token', `force://${ID}:${SECRET}:@acme.my.salesforce.com`, 'has an empty refresh token (the third part)'],
    [
      'a refresh token with !',
      `force://${ID}:${SECRET}:${REFRESH}!x@acme.my.salesforce.com`,
      'has a refresh token (the third part) with characters'
    ],
    ['no host', `force://${ID}:${SECRET}:${REFRESH}@`, "has no host after '@'"],
    [
      'a path after the host, which the CLI ignores',
      `force://${ID}:${SECRET}:${REFRESH}@acme.my.salesforce.com/services`,
      'has something after the host'
    ],
    ['a query after the host', `force://${ID}:${SECRET}:${REFRESH}@acme.my.salesforce.com?x=1`, 'has something after the host'],
    ['a second @', `force://${ID}:${SECRET}:${REFRESH}@evil.example@acme.my.salesforce.com`, 'has something after the host'],
    [
      'a host that is not Salesforce',
      `force://${ID}:${SECRET}:${REFRESH}@evil.example`,
      'has a host that is not a Salesforce login or My Domain host'
    ],
    [
      'a host that only begins like loopback',
      `force://${ID}:${SECRET}:${REFRESH}@127.0.0.1.evil.example`,
      'has a host that is not a Salesforce login or My Domain host'
    ],
    [
      'a look-alike host',
      `force://${ID}:${SECRET}:${REFRESH}@acme.my.salesforce.com.evil.example`,
      'has a host that is not a Salesforce login or My Domain host'
    ],
    [
      'a Lightning host',
      `force://${ID}:${SECRET}:${REFRESH}@acme.lightning.force.com`,
      'has a host that is not a Salesforce login or My Domain host'
    ],
    ['a line break inside', `force://${ID}:${SECRET}:${REFRESH}\n@acme.my.salesforce.com`, 'holds white space or a control character'],
    ['a huge value', `force://${ID}:${SECRET}:${'x'.repeat(5000)}@acme.my.salesforce.com`, 'is 5088 characters long']
  ])('refuses %s', (_name, url, problem) => {
    let message = ''
    try {
      parseSfdxAuthUrl(url)
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/^Input 'sfdx-auth-url' /)
    expect(message).toContain(problem)
    expect(message).toContain('(the URL is not shown)')
    expect(message.endsWith(FIX)).toBe(true)
    for (const part of [ID, SECRET, REFRESH.slice(0, 12), 'evil.example', 'acme.my']) expect(message).not.toContain(part)
  })

  it('refuses an empty value with the secrets hint', () => {
    expect(() => parseSfdxAuthUrl('  ')).toThrow(
      /^Input 'sfdx-auth-url' is required but empty .*secrets are not passed to workflows triggered from forks/
    )
  })
})
