// readInputs for the keyless flow (auth-flow: github-oidc), and how the key-based flow refuses its inputs.
import { describe, expect, it } from '@jest/globals'
import { SECRETS_HINT } from '../../src/errors.js'
import type { GithubOidcInputs } from '../../src/flows/github-oidc/index.js'
import type { GetInput } from '../../src/input-rules.js'
import { readInputs, type Inputs } from '../../src/inputs.js'
import { thrown } from './fixtures.js'

// Placeholder text in the shape of secrets: readInputs must refuse them in this flow without echoing them.
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7placeholder\n-----END PRIVATE KEY-----\n'
const PASSPHRASE = 'correct horse battery staple 42'
const CLIENT_ID = '3MVG9placeholderConsumerKey'
const MY_DOMAIN = 'https://acme.my.salesforce.com'

const KEYLESS: Record<string, string> = { 'auth-flow': 'github-oidc', 'client-id': CLIENT_ID, 'login-url': MY_DOMAIN }

/** core.getInput for the keyless inputs plus `overrides`: '' for any input not set (as the runner does). */
const from =
  (overrides: Record<string, string>, base: Record<string, string> = KEYLESS): GetInput =>
  name =>
    ({ ...base, ...overrides })[name] ?? ''

const read = (overrides: Record<string, string> = {}): Inputs => readInputs(from(overrides))
const keyless = (overrides: Record<string, string> = {}): GithubOidcInputs => {
  const inputs = read(overrides)
  expect(inputs.flow).toBe('github-oidc')
  return inputs as GithubOidcInputs
}
const refusal = (overrides: Record<string, string>, base?: Record<string, string>): string =>
  thrown(() => readInputs(from(overrides, base))).message

const MY_DOMAIN_FIX = "Use the org's My Domain URL (Setup > My Domain), e.g. https://acme.my.salesforce.com."
const LOGIN_URL_FIX =
  'Use https://login.salesforce.com, https://test.salesforce.com or your My Domain URL (https://yourdomain.my.salesforce.com).'
const AUDIENCE_FIX = "Use an https URL, the same as the trust rule's Audience, or leave it empty for the login URL."

describe('readInputs: auth-flow github-oidc', () => {
  it('reads the minimal inputs into the whole keyless object, with every default', () => {
    expect(read()).toEqual({
      flow: 'github-oidc',
      clientId: CLIENT_ID,
      loginUrl: MY_DOMAIN,
      tokenUrl: `${MY_DOMAIN}/services/oauth2/token`,
      orgChosenBy: "'login-url'",
      oidcAudience: MY_DOMAIN,
      tokenHandler: '',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      maxAttempts: 3,
      requestTimeoutSeconds: 30,
      revokeToken: false,
      allowedOrgIds: [],
      exportEnv: false,
      jobSummary: true
    })
  })

  it('reads every keyless and common input when given', () => {
    expect(
      read({
        'client-id': ` ${CLIENT_ID}\n`,
        'login-url': ' https://acme--uat.sandbox.my.salesforce.com/ ',
        'oidc-audience': ' https://salesforce.acme.example/github ',
        'token-handler': ' GitHubActions ',
        'subject-token-type': ' ID_TOKEN ',
        'max-attempts': '5',
        'request-timeout-seconds': '10',
        'revoke-token': 'true',
        'allowed-org-ids': '00D5g000004ABCDEAA',
        'export-env': 'True',
        'job-summary': 'false'
      })
    ).toEqual({
      flow: 'github-oidc',
      clientId: CLIENT_ID,
      loginUrl: 'https://acme--uat.sandbox.my.salesforce.com',
      tokenUrl: 'https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token',
      orgChosenBy: "'login-url'",
      oidcAudience: 'https://salesforce.acme.example/github',
      tokenHandler: 'GitHubActions',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      maxAttempts: 5,
      requestTimeoutSeconds: 10,
      revokeToken: true,
      allowedOrgIds: ['00D5g000004ABCDEAA'],
      exportEnv: true,
      jobSummary: false
    })
  })

  it.each([
    ['username', 'ci-bot@acme.example', "In this flow the org's trust rules choose the user: name it in the rule's Username field."],
    ['private-key', KEY, 'In this flow no key is used: remove it (and the secret, once keyless login works).'],
    ['private-key-file', './server.key', 'In this flow no key is used: remove it.'],
    ['private-key-passphrase', PASSPHRASE, 'In this flow no key is used: remove it.'],
    [
      'certificate',
      '-----BEGIN CERTIFICATE-----\nMIIC placeholder\n-----END CERTIFICATE-----',
      'In this flow no key or certificate is used: remove it.'
    ],
    [
      'audience',
      'sandbox',
      "In this flow GitHub's token carries the audience: set 'oidc-audience' instead, or leave it empty for the login URL."
    ]
  ])('refuses %s by name, without echoing its value', (name, value, fix) => {
    const message = refusal({ [name]: value })
    expect(message).toBe(`Input '${name}' is not used with 'auth-flow: github-oidc'. ${fix}`)
    if (name !== 'audience') expect(message).not.toContain(value.split('\n')[0])
    expect(message).not.toContain('MIIE')
    expect(message).not.toContain('horse')
  })

  it.each(['username', 'private-key', 'private-key-file', 'private-key-passphrase', 'certificate', 'audience'])(
    'ignores %s when it is only whitespace',
    name => {
      expect(keyless({ [name]: ' \n\t' }).loginUrl).toBe(MY_DOMAIN)
    }
  )

  it('names the first refused input in a fixed order: username before the key', () => {
    expect(refusal({ 'private-key': KEY, username: 'u@x', 'private-key-passphrase': PASSPHRASE })).toMatch(/^Input 'username' /)
    expect(refusal({ 'private-key-passphrase': PASSPHRASE, 'private-key': KEY })).toMatch(/^Input 'private-key' /)
  })
})

describe('readInputs: login-url with github-oidc', () => {
  it.each([
    ['empty', ''],
    ['whitespace', '  \n']
  ])('requires it (%s), with the secrets hint', (_name, value) => {
    expect(refusal({ 'login-url': value })).toBe(
      `Input 'login-url' is required but empty (the org's My Domain URL, e.g. https://acme.my.salesforce.com). ${SECRETS_HINT}`
    )
  })

  it.each([
    ['production login host', 'https://login.salesforce.com', 'login.salesforce.com'],
    ['sandbox login host', 'https://test.salesforce.com', 'test.salesforce.com'],
    ['Experience Cloud site', 'https://acme.my.site.com', 'acme.my.site.com'],
    ['Experience Cloud force.com site', 'https://acme.force.com', 'acme.force.com'],
    ['Visualforce host', 'https://acme--c.vf.force.com', 'acme--c.vf.force.com'],
    ['bare my.salesforce.com', 'https://my.salesforce.com', 'my.salesforce.com']
  ])('refuses a generic or non-My-Domain host: %s', (_name, url, host) => {
    expect(refusal({ 'login-url': url })).toBe(
      `Input 'login-url' must be a My Domain URL with 'auth-flow: github-oidc', not '${host}'. ${MY_DOMAIN_FIX}`
    )
  })

  it('refuses a Lightning Experience host, naming its My Domain', () => {
    expect(refusal({ 'login-url': 'https://acme.lightning.force.com' })).toBe(
      "Input 'login-url' is a Lightning Experience address ('acme.lightning.force.com'), not a login host. " +
        'Use the My Domain URL, https://acme.my.salesforce.com.'
    )
  })

  it('refuses a host outside Salesforce', () => {
    expect(refusal({ 'login-url': 'https://acme.my.salesforce.com.evil.example' })).toBe(
      "Input 'login-url' is not a Salesforce host ('acme.my.salesforce.com.evil.example'); the signed assertion is only ever " +
        `sent to salesforce.com, force.com, site.com, salesforce.mil, sfcrmproducts.cn or their subdomains. ${LOGIN_URL_FIX}`
    )
  })

  it('refuses plain http on a Salesforce host', () => {
    expect(refusal({ 'login-url': 'http://acme.my.salesforce.com' })).toBe(
      `Input 'login-url' must be an https URL, not http:// ('http://acme.my.salesforce.com'). ${LOGIN_URL_FIX}`
    )
  })

  it.each([
    ['a path', 'https://acme.my.salesforce.com/home', 'https://acme.my.salesforce.com'],
    ['a path on a sandbox', 'https://acme--uat.sandbox.my.salesforce.com/services/oauth2', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['a path on loopback', 'http://127.0.0.1:8443/x', 'http://127.0.0.1:8443']
  ])('refuses %s', (_name, url, origin) => {
    expect(refusal({ 'login-url': url })).toBe(
      `Input 'login-url' must be the My Domain origin, without a path ('${origin}/...'). ${MY_DOMAIN_FIX}`
    )
  })

  it.each([
    ['production My Domain', MY_DOMAIN, MY_DOMAIN],
    ['My Domain with a trailing slash', `${MY_DOMAIN}/`, MY_DOMAIN],
    ['My Domain in capitals', 'HTTPS://ACME.MY.SALESFORCE.COM', MY_DOMAIN],
    ['the token endpoint of a My Domain', `${MY_DOMAIN}/services/oauth2/token`, MY_DOMAIN],
    ['sandbox My Domain', 'https://acme--uat.sandbox.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce.com'],
    [
      'scratch org My Domain',
      'https://site-flow-1234-dev-ed.scratch.my.salesforce.com',
      'https://site-flow-1234-dev-ed.scratch.my.salesforce.com'
    ],
    ['Developer Edition My Domain', 'https://acme-dev-ed.develop.my.salesforce.com', 'https://acme-dev-ed.develop.my.salesforce.com'],
    ['pre-enhanced sandbox My Domain', 'https://acme--uat.my.salesforce.com', 'https://acme--uat.my.salesforce.com'],
    ['government cloud (.mil)', 'https://acme.my.salesforce.mil', 'https://acme.my.salesforce.mil'],
    ['Alibaba cloud (sfcrmproducts.cn)', 'https://acme.my.sfcrmproducts.cn', 'https://acme.my.sfcrmproducts.cn'],
    ['http on localhost', 'http://localhost:8443', 'http://localhost:8443'],
    ['http on 127.0.0.1', 'http://127.0.0.1:8443', 'http://127.0.0.1:8443']
  ])('accepts a %s', (_name, url, loginUrl) => {
    expect(keyless({ 'login-url': url })).toMatchObject({ loginUrl, tokenUrl: `${loginUrl}/services/oauth2/token`, oidcAudience: loginUrl })
  })
})

describe('readInputs: oidc-audience', () => {
  it.each([
    ['empty: the login URL', '', MY_DOMAIN],
    ['trimmed', '  https://acme.my.salesforce.com  ', MY_DOMAIN],
    ['another https URL', 'https://salesforce.acme.example', 'https://salesforce.acme.example'],
    ['with its trailing slash kept', 'https://acme.my.salesforce.com/', 'https://acme.my.salesforce.com/'],
    ['with a path', 'https://acme.example/github/deploy', 'https://acme.example/github/deploy'],
    ['in its own spelling (rules compare exactly)', 'HTTPS://Acme.Example', 'HTTPS://Acme.Example'],
    ['of 255 characters', `https://a.example/${'x'.repeat(237)}`, `https://a.example/${'x'.repeat(237)}`]
  ])('takes it %s', (_name, value, oidcAudience) => {
    expect(keyless({ 'oidc-audience': value }).oidcAudience).toBe(oidcAudience)
  })

  it.each([
    ['not a URL', 'sts.amazonaws.com', "is not a URL ('sts.amazonaws.com')"],
    ['not a URL and holding @', 'user@acme', 'is not a URL'],
    ['http', 'http://acme.my.salesforce.com', 'must be an https URL, not http://'],
    ['http on loopback', 'http://127.0.0.1:8443', 'must be an https URL, not http://'],
    ['a URN', 'urn:salesforce:acme', 'must be an https URL, not urn://'],
    ['with a query', 'https://acme.example/?a=b', "must not carry credentials, a query or a fragment ('https://acme.example...')"],
    ['with a fragment', 'https://acme.example/#a', "must not carry credentials, a query or a fragment ('https://acme.example...')"],
    ['with credentials', 'https://u:p@acme.example', "must not carry credentials, a query or a fragment ('https://acme.example...')"],
    ['of 256 characters', `https://a.example/${'x'.repeat(238)}`, 'must be one https URL of at most 255 characters, without spaces'],
    ['with a space', 'https://acme.example/a b', 'must be one https URL of at most 255 characters, without spaces'],
    ['with a tab', 'https://acme.example/a\tb', 'must be one https URL of at most 255 characters, without spaces']
  ])('refuses it %s', (_name, value, problem) => {
    expect(refusal({ 'oidc-audience': value })).toBe(`Input 'oidc-audience' ${problem}. ${AUDIENCE_FIX}`)
  })
})

describe('readInputs: subject-token-type and token-handler', () => {
  it.each([
    ['', 'id_token'],
    ['jwt', 'JWT'],
    ['JWT', 'JWT'],
    [' Jwt\n', 'JWT'],
    ['id_token', 'id_token'],
    ['ID_TOKEN', 'id_token'],
    ['Id_Token', 'id_token']
  ])('subject-token-type %j is sent as the %s URN', (value, type) => {
    expect(keyless({ 'subject-token-type': value }).subjectTokenType).toBe(`urn:ietf:params:oauth:token-type:${type}`)
  })

  it.each([
    ['access_token', "'access_token'"],
    ['id-token', "'id-token'"],
    ['urn:ietf:params:oauth:token-type:jwt', "'urn:ietf:params:oauth:token-type:jwt'"],
    [` ${'x'.repeat(70)} `, 'a value of 70 characters (not shown)']
  ])('refuses subject-token-type %j, quoting it only when short and printable', (value, quoted) => {
    expect(refusal({ 'subject-token-type': value })).toBe(
      `Input 'subject-token-type' must be 'jwt' or 'id_token', not ${quoted}. Use the type your token exchange handler enables, or remove it for 'id_token' (GitHub's token is an OIDC ID token).`
    )
  })

  it.each([
    ['', ''],
    ['GitHubActions', 'GitHubActions'],
    ['  GitHubActionsTokenExchangeHandler\n', 'GitHubActionsTokenExchangeHandler'],
    ['acme__GitHub_Handler2', 'acme__GitHub_Handler2'],
    ['A'.repeat(80), 'A'.repeat(80)]
  ])('token-handler %j is sent as %j', (value, tokenHandler) => {
    expect(keyless({ 'token-handler': value }).tokenHandler).toBe(tokenHandler)
  })

  it.each(['GitHub-Actions', 'GitHub Actions', '1Handler', '_Handler', 'A'.repeat(81), 'Handler;drop', 'Hándler'])(
    'refuses token-handler %j',
    value => {
      expect(refusal({ 'token-handler': value })).toBe(
        "Input 'token-handler' must be the name of a token exchange handler (letters, digits and underscores). " +
          'Give the handler name from Setup > Token Exchange Handlers, or remove it to use the default handler of the app.'
      )
    }
  )
})

const AUTH_FLOW_FIX =
  "Use 'github-oidc' (keyless), 'jwt-bearer' (a private key), 'client-credentials' (the app's client secret) or " +
  "'sfdx-url' (an SFDX auth URL), or remove it to let the inputs choose."
const KEY_BASED: Record<string, string> = { 'client-id': CLIENT_ID, username: 'ci-bot@acme.example', 'private-key': KEY }

describe('readInputs: auth-flow', () => {
  it.each([
    ['', 'jwt-bearer'],
    ['  ', 'jwt-bearer'],
    ['jwt-bearer', 'jwt-bearer'],
    ['JWT-Bearer', 'jwt-bearer'],
    ['github-oidc', 'github-oidc'],
    [' GitHub-OIDC\n', 'github-oidc']
  ])('%j chooses %s', (value, flow) => {
    const base = flow === 'jwt-bearer' ? KEY_BASED : KEYLESS
    expect(readInputs(from({ 'auth-flow': value }, base)).flow).toBe(flow)
  })

  it.each([
    ['oidc', "'oidc'"],
    ['github_oidc', "'github_oidc'"],
    ['jwt', "'jwt'"],
    ['keyless', "'keyless'"],
    [`  ${'y'.repeat(80)} `, 'a value of 80 characters (not shown)']
  ])('refuses %j, quoting it only when short and printable', (value, quoted) => {
    expect(refusal({ 'auth-flow': value })).toBe(
      `Input 'auth-flow' must be one of 'jwt-bearer', 'github-oidc', 'client-credentials', 'sfdx-url', not ${quoted}. ${AUTH_FLOW_FIX}`
    )
  })

  it.each([
    ['oidc-audience', 'https://acme.my.salesforce.com'],
    ['token-handler', 'GitHubActions'],
    ['subject-token-type', 'jwt']
  ])('jwt-bearer refuses the keyless-only input %s', (name, value) => {
    const expected = `Input '${name}' is only used by the keyless flow. Remove it, or set 'auth-flow: github-oidc' to log in without a key.`
    expect(refusal({ 'auth-flow': 'jwt-bearer', [name]: value }, KEY_BASED)).toBe(expected)
    // Without 'auth-flow', a key input and a keyless input name two flows: refused, naming one input of each.
    expect(refusal({ [name]: value }, KEY_BASED)).toMatch(
      new RegExp(`^Inputs '[a-z-]+' and '${name}' belong to different login flows \\(jwt-bearer, github-oidc\\)\\. `)
    )
  })

  it('jwt-bearer ignores keyless-only inputs that are only whitespace', () => {
    expect(readInputs(from({ 'oidc-audience': ' ', 'token-handler': '\n', 'subject-token-type': '\t' }, KEY_BASED)).flow).toBe('jwt-bearer')
  })
})

describe('readInputs: the order of the checks', () => {
  const first = (overrides: Record<string, string>, base?: Record<string, string>): string =>
    /^Input '([^']+)'/.exec(refusal(overrides, base))?.[1] ?? ''

  it.each<[string, Record<string, string>, Record<string, string> | undefined, string]>([
    ['auth-flow before client-id', { 'auth-flow': 'nope', 'client-id': '' }, undefined, 'auth-flow'],
    ['client-id before a refused key input', { 'client-id': '', username: 'u@x' }, undefined, 'client-id'],
    ['a refused key input before login-url', { username: 'u@x', 'login-url': '' }, undefined, 'username'],
    [
      'login-url before subject-token-type',
      { 'login-url': 'https://login.salesforce.com', 'subject-token-type': 'saml' },
      undefined,
      'login-url'
    ],
    [
      'subject-token-type before token-handler',
      { 'subject-token-type': 'saml', 'token-handler': 'bad name' },
      undefined,
      'subject-token-type'
    ],
    ['token-handler before oidc-audience', { 'token-handler': 'bad name', 'oidc-audience': 'http://x' }, undefined, 'token-handler'],
    ['oidc-audience before max-attempts', { 'oidc-audience': 'http://x', 'max-attempts': '0' }, undefined, 'oidc-audience'],
    ['max-attempts before allowed-org-ids', { 'max-attempts': '0', 'allowed-org-ids': 'x' }, undefined, 'max-attempts'],
    ['jwt-bearer: auth-flow before client-id', { 'auth-flow': 'nope', 'client-id': '' }, KEY_BASED, 'auth-flow'],
    [
      'jwt-bearer: client-id before keyless-only inputs',
      { 'auth-flow': 'jwt-bearer', 'client-id': '', 'token-handler': 'X' },
      KEY_BASED,
      'client-id'
    ],
    [
      'jwt-bearer: keyless-only inputs before username',
      { 'auth-flow': 'jwt-bearer', username: '', 'token-handler': 'X' },
      KEY_BASED,
      'token-handler'
    ],
    [
      'jwt-bearer: keyless-only inputs in a fixed order',
      { 'auth-flow': 'jwt-bearer', 'subject-token-type': 'jwt', 'token-handler': 'X', 'oidc-audience': 'https://a' },
      KEY_BASED,
      'oidc-audience'
    ]
  ])('%s', (_name, overrides, base, input) => {
    expect(first(overrides, base)).toBe(input)
  })
})
