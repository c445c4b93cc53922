import { describe, expect, it } from '@jest/globals'
import {
  parseMyDomainUrl,
  PRODUCTION_AUDIENCE,
  SANDBOX_AUDIENCE,
  isLocalHost,
  isSalesforceHost,
  isSandboxHost,
  lightningName,
  normalHost,
  parseAudience,
  parseLoginUrl,
  resolveLoginEndpoint
} from '../../src/login-url.js'
import { thrown } from './fixtures.js'

const PROD = 'https://login.salesforce.com'
const TEST = 'https://test.salesforce.com'

const AUDIENCE_FIX =
  "Use 'production', 'sandbox', or an https URL such as https://login.salesforce.com, " +
  'https://test.salesforce.com or your Experience Cloud site URL.'
const LOGIN_FIX =
  'Use https://login.salesforce.com, https://test.salesforce.com or your My Domain URL ' + '(https://yourdomain.my.salesforce.com).'
const DOMAINS = 'salesforce.com, force.com, site.com, salesforce.mil, sfcrmproducts.cn'

describe('the audience constants', () => {
  it('are the documented Salesforce audiences', () => {
    expect([PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE]).toEqual([PROD, TEST])
  })
})

describe('isSalesforceHost', () => {
  it.each([
    'login.salesforce.com',
    'test.salesforce.com',
    'salesforce.com',
    'acme.my.salesforce.com',
    'acme--uat.sandbox.my.salesforce.com',
    'acme.scratch.my.salesforce.com',
    'acme-dev-ed.develop.my.salesforce.com',
    'ACME.My.SalesForce.COM',
    'login.salesforce.com.',
    'acme.my.site.com',
    'acme.lightning.force.com',
    'force.com',
    'acme.my.salesforce.mil',
    'acme.my.sfcrmproducts.cn'
  ])('accepts %s', host => {
    expect(isSalesforceHost(host)).toBe(true)
  })

  it.each([
    'login.salesforce.com.evil.example',
    'evilsalesforce.com',
    'salesforce.com.evil.example',
    'salesforce.com-evil.example',
    'login-salesforce.com',
    'notforce.com',
    'mysite.com',
    'salesforce.co',
    'salesforce.mil.evil.example',
    'sfcrmproducts.cn.evil.example',
    'example.com',
    'localhost',
    '127.0.0.1',
    '',
    'login.salesforce.com..',
    'acme..salesforce.com',
    '.salesforce.com'
  ])('refuses %s', host => {
    expect(isSalesforceHost(host)).toBe(false)
  })
})

describe('normalHost: the one spelling every host rule reads (issue 20)', () => {
  it.each([
    ['acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['ACME.My.Salesforce.COM', 'acme.my.salesforce.com'],
    ['acme.lightning.force.com.', 'acme.lightning.force.com'],
    ['acme.lightning.force.com..', undefined],
    ['acme..lightning.force.com', undefined],
    ['.acme.my.salesforce.com', undefined],
    ['.', undefined],
    ['', undefined],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '[::1]']
  ])('%j -> %j', (host, normal) => {
    expect(normalHost(host)).toBe(normal)
  })

  // Each rule reads the host through normalHost: a spelling the URL parser keeps cannot slip past one rule.
  it.each([
    ['acme.lightning.force.com', 'acme'],
    ['ACME--UAT.Sandbox.Lightning.Force.Com.', 'acme--uat.sandbox'],
    ['lightning.force.com', ''],
    ['acme.lightning.force.com..', undefined],
    ['acme.my.salesforce.com', undefined]
  ])('lightningName(%j) is %j', (host, name) => {
    expect(lightningName(host)).toBe(name)
  })

  it.each([
    ['localhost', true],
    ['LOCALHOST.', true],
    ['127.0.0.1', true],
    ['localhost..', false],
    ['127.0.0.1.evil.example', false]
  ])('isLocalHost(%j) is %s', (host, local) => {
    expect(isLocalHost(host)).toBe(local)
  })

  it.each(['https://acme.lightning.force.com..', 'https://acme.my.salesforce.com..', 'https://acme..my.salesforce.com'])(
    'login-url %s is refused, naming the empty label',
    url => {
      expect(thrown(() => parseLoginUrl(url)).message).toBe(
        `Input 'login-url' has a host with an empty label ('${url}'), which no host name has. ${LOGIN_FIX}`
      )
    }
  )
})

describe('isSandboxHost', () => {
  it.each([
    ['test.salesforce.com', true],
    ['TEST.Salesforce.com.', true],
    ['acme--uat.sandbox.my.salesforce.com', true],
    ['ACME--UAT.SANDBOX.MY.SALESFORCE.COM', true],
    ['acme.scratch.my.salesforce.com', true],
    ['login.salesforce.com', false],
    ['acme.my.salesforce.com', false],
    ['acme-dev-ed.develop.my.salesforce.com', false],
    ['sandbox.my.salesforce.com', false],
    ['test.salesforce.com.evil.example', false],
    ['acme.sandbox.my.salesforce.com.evil.example', false],
    ['eviltest.salesforce.com', false],
    ['acme.my.site.com', false]
  ])('%s -> %s', (host, sandbox) => {
    expect(isSandboxHost(host)).toBe(sandbox)
  })
})

describe('parseAudience', () => {
  it.each([
    ['', undefined],
    ['   \n', undefined],
    ['production', PROD],
    [' Production ', PROD],
    ['PRODUCTION', PROD],
    ['sandbox', TEST],
    ['SandBox', TEST],
    ['https://login.salesforce.com', PROD],
    ['https://login.salesforce.com/', PROD],
    ['https://test.salesforce.com//', TEST],
    ['HTTPS://Test.Salesforce.com', TEST],
    ['https://acme.my.salesforce.com', 'https://acme.my.salesforce.com'],
    ['https://acme.my.site.com/customers/', 'https://acme.my.site.com/customers'],
    ['https://acme.my.site.com:443/customers', 'https://acme.my.site.com/customers']
  ])('%j -> %s', (input, audience) => {
    expect(parseAudience(input)).toBe(audience)
  })

  it.each([
    ['prod', "is neither 'production', 'sandbox' nor a URL ('prod')"],
    ['login.salesforce.com', "is neither 'production', 'sandbox' nor a URL ('login.salesforce.com')"],
    ['http://login.salesforce.com', 'must be an https URL, not http://'],
    ['ftp://login.salesforce.com', 'must be an https URL, not ftp://'],
    ['https://', "is not a URL ('https://')"],
    ['https://login.salesforce.com/?x=1', "must not carry credentials, a query or a fragment ('https://login.salesforce.com...')"],
    ['https://login.salesforce.com#top', "must not carry credentials, a query or a fragment ('https://login.salesforce.com...')"],
    [
      'https://admin:hunter2-secret@login.salesforce.com',
      "must not carry credentials, a query or a fragment ('https://login.salesforce.com...')"
    ]
  ])('refuses %j, naming the input and the fix', (input, problem) => {
    const error = thrown(() => parseAudience(input))
    expect(error.message).toBe(`Input 'audience' ${problem}. ${AUDIENCE_FIX}`)
    expect(error.message).not.toContain('hunter2')
  })
})

describe('parseLoginUrl', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['https://login.salesforce.com', PROD],
    ['https://login.salesforce.com/', PROD],
    [' https://test.salesforce.com/ \n', TEST],
    ['https://ACME.my.salesforce.com', 'https://acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com/services/oauth2/token', 'https://acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com/services/oauth2/token/', 'https://acme.my.salesforce.com'],
    ['https://acme--uat.sandbox.my.salesforce.com:443/', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['https://acme.my.site.com/partners/', 'https://acme.my.site.com/partners'],
    ['https://acme.my.site.com/partners/services/oauth2/token', 'https://acme.my.site.com/partners'],
    ['https://acme.my.salesforce.mil', 'https://acme.my.salesforce.mil'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://localhost:8080/services/oauth2/token', 'http://localhost:8080'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    ['https://localhost:8443', 'https://localhost:8443']
  ])('%j -> %s', (input, loginUrl) => {
    expect(parseLoginUrl(input)).toBe(loginUrl)
  })

  it.each([
    ['http://login.salesforce.com', "must be an https URL, not http:// ('http://login.salesforce.com')"],
    ['http://acme.my.salesforce.com/', "must be an https URL, not http:// ('http://acme.my.salesforce.com')"],
    ['http://localhost.evil.example', "must be an https URL, not http:// ('http://localhost.evil.example')"],
    ['http://127.0.0.2:8080', "must be an https URL, not http:// ('http://127.0.0.2:8080')"],
    ['ftp://localhost', "must be an https URL, not ftp:// ('ftp://localhost')"],
    ['login.salesforce.com', "is not a URL ('login.salesforce.com')"],
    ['acme.my.salesforce.com/', "is not a URL ('acme.my.salesforce.com/')"],
    ['https://user:secret@', 'is not a URL'],
    [
      'https://login.salesforce.com.evil.example',
      `is not a Salesforce host ('login.salesforce.com.evil.example'); the signed assertion is only ever sent to ${DOMAINS} or their subdomains`
    ],
    [
      'https://evilsalesforce.com/services/oauth2/token',
      `is not a Salesforce host ('evilsalesforce.com'); the signed assertion is only ever sent to ${DOMAINS} or their subdomains`
    ],
    [
      'https://example.com',
      `is not a Salesforce host ('example.com'); the signed assertion is only ever sent to ${DOMAINS} or their subdomains`
    ],
    [
      'https://login.salesforce.com/?startURL=/home',
      "must not carry credentials, a query or a fragment ('https://login.salesforce.com...')"
    ],
    ['https://login.salesforce.com/#x', "must not carry credentials, a query or a fragment ('https://login.salesforce.com...')"],
    [
      'https://ci:hunter2-secret@acme.my.salesforce.com',
      "must not carry credentials, a query or a fragment ('https://acme.my.salesforce.com...')"
    ]
  ])('refuses %j, naming the input and the fix', (input, problem) => {
    const error = thrown(() => parseLoginUrl(input))
    expect(error.message).toBe(`Input 'login-url' ${problem}. ${LOGIN_FIX}`)
    expect(error.message).not.toContain('hunter2')
  })
})

describe('resolveLoginEndpoint', () => {
  it.each([
    ['empty', 'empty', '', '', PROD, PROD],
    ['empty', 'production', '', 'production', PROD, PROD],
    ['empty', 'sandbox', '', 'sandbox', TEST, TEST],
    ['empty', 'the sandbox URL', '', 'https://test.salesforce.com/', TEST, TEST],
    ['empty', 'the production URL', '', 'https://login.salesforce.com', PROD, PROD],
    ['empty', 'an Experience Cloud site', '', 'https://acme.my.site.com/customers', PROD, 'https://acme.my.site.com/customers'],
    ['test.salesforce.com', 'empty', 'https://test.salesforce.com', '', TEST, TEST],
    ['login.salesforce.com', 'empty', 'https://login.salesforce.com/', '', PROD, PROD],
    [
      'a sandbox My Domain',
      'empty',
      'https://acme--uat.sandbox.my.salesforce.com/',
      '',
      'https://acme--uat.sandbox.my.salesforce.com',
      TEST
    ],
    ['a scratch org My Domain', 'empty', 'https://acme.scratch.my.salesforce.com', '', 'https://acme.scratch.my.salesforce.com', TEST],
    ['a production My Domain', 'empty', 'https://acme.my.salesforce.com', '', 'https://acme.my.salesforce.com', PROD],
    [
      'empty',
      'a sandbox My Domain (login follows to the sandbox host)',
      '',
      'https://acme--uat.sandbox.my.salesforce.com',
      TEST,
      'https://acme--uat.sandbox.my.salesforce.com'
    ],
    ['empty', 'a production My Domain', '', 'https://acme.my.salesforce.com', PROD, 'https://acme.my.salesforce.com'],
    ['a sandbox without enhanced domains', 'empty', 'https://acme--uat.my.salesforce.com', '', 'https://acme--uat.my.salesforce.com', TEST],
    [
      'a sandbox on an instance host',
      'empty',
      'https://acme--uat.cs42.my.salesforce.com',
      '',
      'https://acme--uat.cs42.my.salesforce.com',
      TEST
    ],
    [
      'a government sandbox',
      'empty',
      'https://agency--uat.sandbox.my.salesforce.mil',
      '',
      'https://agency--uat.sandbox.my.salesforce.mil',
      TEST
    ],
    [
      'a China sandbox',
      'empty',
      'https://acme--uat.sandbox.my.sfcrmproducts.cn',
      '',
      'https://acme--uat.sandbox.my.sfcrmproducts.cn',
      TEST
    ],
    [
      'a Developer Edition My Domain',
      'empty',
      'https://acme-dev-ed.develop.my.salesforce.com',
      '',
      'https://acme-dev-ed.develop.my.salesforce.com',
      PROD
    ],
    [
      'a full token URL on a sandbox My Domain',
      'empty',
      'https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token',
      '',
      'https://acme--uat.sandbox.my.salesforce.com',
      TEST
    ],
    [
      'a sandbox My Domain',
      'that My Domain',
      'https://acme--uat.sandbox.my.salesforce.com',
      'https://acme--uat.sandbox.my.salesforce.com',
      'https://acme--uat.sandbox.my.salesforce.com',
      'https://acme--uat.sandbox.my.salesforce.com'
    ],
    ['test.salesforce.com', 'production (explicit, kept)', 'https://test.salesforce.com', 'production', TEST, PROD],
    ['login.salesforce.com', 'sandbox (explicit, kept)', 'https://login.salesforce.com', 'sandbox', PROD, TEST],
    [
      'a production My Domain',
      'sandbox (explicit, kept)',
      'https://acme.my.salesforce.com',
      'SANDBOX',
      'https://acme.my.salesforce.com',
      TEST
    ],
    [
      'a production My Domain',
      'an Experience Cloud site',
      'https://acme.my.salesforce.com',
      'https://acme.my.site.com/customers/',
      'https://acme.my.salesforce.com',
      'https://acme.my.site.com/customers'
    ],
    ['a local test server', 'empty', 'http://localhost:8080', '', 'http://localhost:8080', PROD],
    ['a local test server', 'sandbox', 'http://127.0.0.1:8080/', 'sandbox', 'http://127.0.0.1:8080', TEST]
  ])('login-url %s, audience %s', (_l, _a, loginInput, audienceInput, loginUrl, audience) => {
    expect(resolveLoginEndpoint(loginInput, audienceInput)).toEqual({
      loginUrl,
      tokenUrl: `${loginUrl}/services/oauth2/token`,
      audience
    })
  })

  it('gives the exact token URL for the default', () => {
    expect(resolveLoginEndpoint('', '').tokenUrl).toBe('https://login.salesforce.com/services/oauth2/token')
  })

  it.each([
    ['http://login.salesforce.com', '', "Input 'login-url' must be an https URL"],
    ['https://login.salesforce.com.evil.example', 'sandbox', "Input 'login-url' is not a Salesforce host"],
    ['', 'prod', "Input 'audience' is neither 'production', 'sandbox' nor a URL ('prod')"],
    ['https://test.salesforce.com', 'http://test.salesforce.com', "Input 'audience' must be an https URL, not http://"]
  ])('refuses login-url %j with audience %j', (loginInput, audienceInput, start) => {
    expect(thrown(() => resolveLoginEndpoint(loginInput, audienceInput)).message.startsWith(start)).toBe(true)
  })
})

describe('parseLoginUrl: Lightning Experience hosts of every shape', () => {
  it.each([
    ['https://acme.lightning.force.com', 'https://acme.my.salesforce.com'],
    ['https://acme--uat.sandbox.lightning.force.com', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['https://acme-dev-ed.develop.lightning.force.com/lightning/page/home', 'https://acme-dev-ed.develop.my.salesforce.com'],
    ['https://site-ability-1234.scratch.lightning.force.com', 'https://site-ability-1234.scratch.my.salesforce.com'],
    ['https://ACME--UAT.Sandbox.Lightning.Force.com.', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['https://lightning.force.com', 'https://yourdomain.my.salesforce.com']
  ])('refuses %s, naming login-url and %s', (input, myDomain) => {
    const error = thrown(() => parseLoginUrl(input))
    expect(error.message).toMatch(/^Input 'login-url' is a Lightning Experience address \('[^']+'\), not a login host\. /)
    expect(error.message).toContain(`Use the My Domain URL, ${myDomain}.`)
  })

  it('still accepts other force.com hosts', () => {
    expect(parseLoginUrl('https://acme.my.salesforce.com')).toBe('https://acme.my.salesforce.com')
    expect(parseLoginUrl('https://lightningforce.com.force.com')).toBe('https://lightningforce.com.force.com')
  })
})

describe('parseMyDomainUrl', () => {
  it.each([
    'https://acme.my.salesforce.com.force.com',
    'https://acme.my.salesforce.com.evil.example',
    'https://my.salesforce.com',
    'https://acme.lightning.force.com'
  ])('refuses %s, which is not a My Domain', value => {
    expect(thrown(() => parseMyDomainUrl(value, 'github-oidc')).message).toMatch(
      /^Input 'login-url' (must be a My Domain URL|is not a Salesforce host|is a Lightning)/
    )
  })

  it.each([
    ['https://acme.my.salesforce.com', 'https://acme.my.salesforce.com'],
    ['https://acme--uat.sandbox.my.salesforce.com/', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['https://acme.my.salesforce.com/services/oauth2/token', 'https://acme.my.salesforce.com'],
    ['https://acme.my.salesforce.mil', 'https://acme.my.salesforce.mil']
  ])('takes %s as %s', (value, expected) => {
    expect(parseMyDomainUrl(value, 'github-oidc')).toBe(expected)
  })
})
