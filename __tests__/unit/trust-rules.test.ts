// The fake org's copy of the Apex handler's trust rules and refusals (fake-token-exchange.mjs), checked
// against the spec, with real RS256 tokens verified against a JWKS served on loopback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeGitHubOidc, type FakeGitHubOidc } from '../support/fake-github-oidc.mjs'
import type { FakeUser, TrustRule } from '../support/fake-salesforce.mjs'
import { presented, ruleMatches, validateIncomingToken } from '../support/fake-token-exchange.mjs'

type Claims = Record<string, unknown>
type Verdict = Awaited<ReturnType<typeof validateIncomingToken>>

const AUD = 'https://acme.my.salesforce.com'
const USERNAME = 'ci-bot@acme.example'

const RULE: TrustRule = {
  Repository_Owner_Id__c: '987654',
  Repository_Id__c: '123456789',
  Repository__c: 'acme/app',
  Ref__c: 'refs/heads/main',
  Environment__c: '',
  Audience__c: AUD,
  Username__c: USERNAME,
  Active__c: true
}
const CLAIMS: Claims = {
  iss: 'https://token.actions.githubusercontent.com',
  repository: 'acme/app',
  repository_id: '123456789',
  repository_owner_id: '987654',
  ref: 'refs/heads/main',
  event_name: 'push',
  aud: AUD
}

describe('ruleMatches', () => {
  it.each<[string, Partial<TrustRule> | Record<string, unknown>, Claims, boolean]>([
    ['the rule as written', {}, {}, true],
    // Owner id: required, exact (the full table of every field is the shared one, trust-rules-table.test.ts).
    ['another owner id', {}, { repository_owner_id: '987655' }, false],
    ['a rule without an owner id', { Repository_Owner_Id__c: undefined }, {}, false],
    ['no event_name claim', {}, { event_name: undefined }, false],
    // Repository id: required, exact.
    ['another repository id', {}, { repository_id: '123456780' }, false],
    ['a repository id the rule only starts', {}, { repository_id: '1234567890' }, false],
    ['a numeric repository id claim', {}, { repository_id: 123456789 }, true],
    ['no repository id claim', {}, { repository_id: undefined }, false],
    ['a rule with a blank repository id', { Repository_Id__c: '' }, {}, false],
    ['a rule with a whitespace repository id', { Repository_Id__c: '  ' }, {}, false],
    ['a rule without a repository id', { Repository_Id__c: undefined }, {}, false],
    ['a rule repository id with spaces around it', { Repository_Id__c: ' 123456789 ' }, {}, false],
    // Repository: case-insensitive when set, any when blank.
    ['the repository in other case', { Repository__c: 'ACME/App' }, {}, true],
    ['another repository name for the same id (renamed)', {}, { repository: 'acme/renamed' }, false],
    ['a rule without a repository name, any name', { Repository__c: '' }, { repository: 'acme/renamed' }, true],
    ['a rule with a whitespace repository name, any name', { Repository__c: '  ' }, { repository: 'acme/renamed' }, true],
    ['a rule repository name and no repository claim', {}, { repository: undefined }, false],
    // Ref: exact, or a filter pattern ('*' within one path segment, '**' across them), blank any.
    ['another branch', {}, { ref: 'refs/heads/main2' }, false],
    ['the branch in other case', {}, { ref: 'refs/heads/Main' }, false],
    ['no ref claim', {}, { ref: undefined }, false],
    ['no ref claim under a bare *', { Ref__c: '*' }, { ref: undefined }, false],
    ['the prefix further in, not at the start', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/heads/refs/tags/v1' }, false],
    ['a tag under a prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/tags/v1.2.0' }, true],
    ['the bare prefix under a prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/tags/v' }, true],
    ['another tag under a prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/tags/release-1' }, false],
    ['a branch under a tag prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/heads/v1' }, false],
    ['a branch under refs/heads/*', { Ref__c: 'refs/heads/*' }, { ref: 'refs/heads/feature' }, true],
    ['a nested branch under refs/heads/*: * does not cross /', { Ref__c: 'refs/heads/*' }, { ref: 'refs/heads/feature/x' }, false],
    ['a nested branch under refs/heads/**', { Ref__c: 'refs/heads/**' }, { ref: 'refs/heads/feature/x' }, true],
    ['any ref under **', { Ref__c: '**' }, { ref: 'refs/pull/1/merge' }, true],
    ['not every ref under a bare *', { Ref__c: '*' }, { ref: 'refs/pull/1/merge' }, false],
    ["a '*' inside a rule matches one segment", { Ref__c: 'refs/*/main' }, { ref: 'refs/heads/main' }, true],
    ["a '*' inside a rule matches itself too", { Ref__c: 'refs/*/main' }, { ref: 'refs/*/main' }, true],
    ["a '*' inside a rule does not cross /", { Ref__c: 'refs/*/main' }, { ref: 'refs/heads/x/main' }, false],
    ['a rule without a ref, any ref', { Ref__c: '' }, { ref: 'refs/pull/1/merge' }, true],
    ['a rule with an undefined ref, any ref', { Ref__c: undefined }, { ref: 'refs/tags/x' }, true],
    // Environment: exact when set (absent claim: no match), any when blank.
    ['a rule environment and the same environment', { Environment__c: 'production' }, { environment: 'production' }, true],
    ['a rule environment and another environment', { Environment__c: 'production' }, { environment: 'staging' }, false],
    ['a rule environment and the environment in other case', { Environment__c: 'production' }, { environment: 'Production' }, false],
    ['a rule environment and a job without one', { Environment__c: 'production' }, {}, false],
    ['a rule environment and an empty environment claim', { Environment__c: 'production' }, { environment: '' }, false],
    ['a rule without an environment and a job with one', { Environment__c: '' }, { environment: 'production' }, true],
    ['a rule without an environment and a job without one', { Environment__c: undefined }, {}, true],
    // Audience: required, exact.
    ['another audience', {}, { aud: 'https://other.my.salesforce.com' }, false],
    ['the audience with a trailing slash', {}, { aud: `${AUD}/` }, false],
    ['the audience in other case', {}, { aud: 'https://ACME.my.salesforce.com' }, false],
    ['no audience claim', {}, { aud: undefined }, false],
    ['a rule with a blank audience and no audience claim', { Audience__c: '' }, { aud: undefined }, false],
    ['a rule with a blank audience and an empty audience claim', { Audience__c: '' }, { aud: '' }, false],
    // Active and username.
    ['an inactive rule', { Active__c: false }, {}, false],
    ['a rule without Active', { Active__c: undefined }, {}, false],
    ['a rule with a blank username', { Username__c: '' }, {}, false],
    ['a rule with a whitespace username', { Username__c: ' ' }, {}, false],
    ['a rule without a username', { Username__c: undefined }, {}, false]
  ])('%s → %s', (_name, rule, claims, expected) => {
    expect(ruleMatches({ ...RULE, ...rule }, { ...CLAIMS, ...claims })).toBe(expected)
  })
})

describe('presented', () => {
  it.each<[string, Claims, string]>([
    [
      'a job with an environment',
      { ...CLAIMS, environment: 'production' },
      `repository 'acme/app' (id 123456789), ref 'refs/heads/main', environment 'production', audience '${AUD}'`
    ],
    ['a job without one', CLAIMS, `repository 'acme/app' (id 123456789), ref 'refs/heads/main', environment (none), audience '${AUD}'`],
    [
      'an empty environment',
      { ...CLAIMS, environment: '' },
      `repository 'acme/app' (id 123456789), ref 'refs/heads/main', environment (none), audience '${AUD}'`
    ],
    [
      'a whitespace environment',
      { ...CLAIMS, environment: '  ' },
      `repository 'acme/app' (id 123456789), ref 'refs/heads/main', environment (none), audience '${AUD}'`
    ],
    [
      'a numeric repository id',
      { ...CLAIMS, repository_id: 42 },
      `repository 'acme/app' (id 42), ref 'refs/heads/main', environment (none), audience '${AUD}'`
    ],
    ['no claims', {}, "repository '' (id ), ref '', environment (none), audience ''"]
  ])('names %s', (_name, claims, text) => {
    expect(presented(claims)).toBe(text)
  })
})

describe('validateIncomingToken', () => {
  let github: FakeGitHubOidc
  let stranger: FakeGitHubOidc
  beforeAll(async () => {
    github = await startFakeGitHubOidc()
    stranger = await startFakeGitHubOidc()
  })
  afterAll(async () => {
    await github.close()
    await stranger.close()
  })

  const NOW = 1_900_000_000
  const ISSUER = 'https://token.actions.githubusercontent.com'
  const token = (claims: Claims = {}): string =>
    github.sign({ iss: ISSUER, ...CLAIMS, nbf: NOW - 5, iat: NOW - 5, exp: NOW + 300, ...claims })
  const user = (extra: Partial<FakeUser> = {}): FakeUser => ({
    userId: '0055g000003XYZWAA2',
    approved: true,
    active: true,
    appAccess: true,
    ipRestricted: false,
    ...extra
  })
  const users = (...entries: [string, FakeUser][]): Map<string, FakeUser> => new Map(entries.length ? entries : [[USERNAME, user()]])
  const judge = (jwt: string, rules: TrustRule[] = [RULE], who = users(), now = NOW): Promise<Verdict> =>
    validateIncomingToken({ jwksUrl: github.jwksUrl, rules }, jwt, who, now)

  const UNVERIFIED = "GitHub OIDC token rejected: it could not be verified against GitHub's signing keys."
  const PRESENTED = `repository 'acme/app' (id 123456789), ref 'refs/heads/main', environment (none), audience '${AUD}'`

  it('accepts a token a rule trusts, naming the rule user and the org user', async () => {
    const who = user({ userId: '005000000000001AAA' })
    expect(await judge(token(), [RULE], users([USERNAME, who]))).toEqual({ username: USERNAME, user: who })
  })

  it.each([
    ['the rule', 'CI-Bot@Acme.Example', USERNAME],
    ['the org', USERNAME, 'CI-Bot@Acme.Example']
  ])('finds the user when %s spells the username in other case, and answers with the rule spelling', async (_name, ruleName, orgName) => {
    const who = user()
    expect(await judge(token(), [{ ...RULE, Username__c: ruleName }], users([orgName, who]))).toEqual({ username: ruleName, user: who })
  })

  it('accepts two matching rules that name one user in different case, answering with the first', async () => {
    const rules = [
      { ...RULE, Username__c: 'CI-BOT@acme.example' },
      { ...RULE, Ref__c: '', Username__c: USERNAME }
    ]
    expect((await judge(token(), rules)).username).toBe('CI-BOT@acme.example')
  })

  it('ignores rules that do not match, however many users they name', async () => {
    const rules = [
      RULE,
      { ...RULE, Active__c: false, Username__c: 'other@acme.example' },
      { ...RULE, Ref__c: 'refs/heads/dev', Username__c: 'dev@acme.example' }
    ]
    expect((await judge(token(), rules)).username).toBe(USERNAME)
  })

  it.each<[string, () => string]>([
    ['a token that is not a JWT', () => 'not-a-token'],
    ['a token of two parts', () => token().split('.').slice(0, 2).join('.')],
    [
      'a token with its claims changed after signing',
      () =>
        token().replace(
          /^([^.]+)\.([^.]+)\./,
          (_m, h: string) => `${h}.${Buffer.from(JSON.stringify({ ...CLAIMS, iss: ISSUER, exp: NOW + 300 })).toString('base64url')}.`
        )
    ],
    ['a token signed by a key the JWKS does not hold', () => stranger.sign({ iss: ISSUER, ...CLAIMS, exp: NOW + 300 })],
    [
      "a token signed by another key under the JWKS key's kid",
      () => stranger.sign({ iss: ISSUER, ...CLAIMS, exp: NOW + 300 }, { kid: github.jwk.kid })
    ],
    ['a token that names another algorithm', () => github.sign({ iss: ISSUER, ...CLAIMS, exp: NOW + 300 }, { alg: 'HS256' })],
    [
      'a token with alg none and no signature',
      () =>
        `${github
          .sign({ iss: ISSUER, ...CLAIMS, exp: NOW + 300 }, { alg: 'none' })
          .split('.')
          .slice(0, 2)
          .join('.')}.`
    ]
  ])('refuses %s', async (_name, make) => {
    expect(await judge(make())).toEqual({ message: UNVERIFIED })
  })

  it('refuses a signed token when the JWKS cannot be read', async () => {
    const rules = [RULE]
    expect(await validateIncomingToken({ jwksUrl: `${github.url}/no-such-path`, rules }, token(), users(), NOW)).toEqual({
      message: UNVERIFIED
    })
    expect(
      await validateIncomingToken({ jwksUrl: `${github.url}/.well-known/openid-configuration`, rules }, token(), users(), NOW)
    ).toEqual({
      message: UNVERIFIED
    })
  })

  it.each<[string, Claims, string]>([
    [
      'another issuer',
      { iss: 'https://evil.example' },
      "GitHub OIDC token rejected: issuer 'https://evil.example' is not https://token.actions.githubusercontent.com."
    ],
    ["GitHub's issuer with a trailing slash", { iss: `${ISSUER}/` }, `GitHub OIDC token rejected: issuer '${ISSUER}/' is not ${ISSUER}.`],
    ['no issuer', { iss: undefined }, `GitHub OIDC token rejected: issuer '' is not ${ISSUER}.`],
    [
      'the wrong issuer and no exp: the issuer first',
      { iss: 'https://x.example', exp: undefined },
      `GitHub OIDC token rejected: issuer 'https://x.example' is not ${ISSUER}.`
    ],
    ['no exp', { exp: undefined }, 'GitHub OIDC token rejected: it has no exp claim.'],
    ['an exp that is text', { exp: String(NOW + 300) }, 'GitHub OIDC token rejected: it has no exp claim.']
  ])('refuses %s', async (_name, claims, message) => {
    expect(await judge(token(claims))).toEqual({ message })
  })

  it.each<[string, Claims, number, Verdict | string]>([
    ['exp 60 s ago: inside the skew', { exp: NOW - 60 }, NOW, USERNAME],
    ['exp 61 s ago', { exp: NOW - 61 }, NOW, 'GitHub OIDC token rejected: it has expired.'],
    ['exp an hour ago', { exp: NOW - 3600 }, NOW, 'GitHub OIDC token rejected: it has expired.'],
    ['nbf 60 s ahead: inside the skew', { nbf: NOW + 60 }, NOW, USERNAME],
    ['nbf 61 s ahead', { nbf: NOW + 61 }, NOW, 'GitHub OIDC token rejected: it is not valid yet.'],
    ['no nbf', { nbf: undefined }, NOW, USERNAME],
    ['expired and not valid yet: expiry first', { exp: NOW - 100, nbf: NOW + 100 }, NOW, 'GitHub OIDC token rejected: it has expired.']
  ])('with %s', async (_name, claims, now, expected) => {
    const verdict = await judge(token(claims), [RULE], users(), now)
    if (expected === USERNAME) expect(verdict.username).toBe(USERNAME)
    else expect(verdict).toEqual({ message: expected })
  })

  it('refuses a token no active rule matches, presenting its claims', async () => {
    expect(await judge(token({ ref: 'refs/heads/dev', environment: 'staging' }))).toEqual({
      message: `No active GitHub trust rule matches repository 'acme/app' (id 123456789), ref 'refs/heads/dev', environment 'staging', audience '${AUD}'.`
    })
    expect(await judge(token(), [{ ...RULE, Active__c: false }])).toEqual({ message: `No active GitHub trust rule matches ${PRESENTED}.` })
    expect(await judge(token(), [])).toEqual({ message: `No active GitHub trust rule matches ${PRESENTED}.` })
  })

  it('refuses a token that matching rules map to more than one user', async () => {
    const rules = [RULE, { ...RULE, Ref__c: 'refs/heads/*', Username__c: 'other@acme.example' }]
    const who = users([USERNAME, user()], ['other@acme.example', user()])
    expect(await judge(token(), rules, who)).toEqual({
      message: `Active GitHub trust rules name more than one user for ${PRESENTED}; make the matching rules name one user.`
    })
  })

  it.each<[string, Map<string, FakeUser>]>([
    [
      'does not exist',
      new Map([['someone-else@acme.example', { userId: '1', approved: true, active: true, appAccess: true, ipRestricted: false }]])
    ],
    ['is not active', new Map([[USERNAME, { userId: '1', approved: true, active: false, appAccess: true, ipRestricted: false }]])]
  ])('refuses a token whose rule names a user who %s', async (_name, who) => {
    expect(await judge(token(), [{ ...RULE, Username__c: 'CI-Bot@acme.example' }], who)).toEqual({
      message: `The GitHub trust rule for ${PRESENTED} names user 'CI-Bot@acme.example', who does not exist or is not active.`
    })
  })
})
