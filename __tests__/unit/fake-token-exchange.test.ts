// The fake org's copy of the Apex handler's validation and refusals (fake-token-exchange.mjs): header, issuer
// chosen only from active rules, keys from <issuer>/.well-known/jwks with one uncached retry, lifetime, the user
// and the permission set. Real RS256 tokens, verified against JWKS served by fake GitHubs on loopback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { defaultClaims, startFakeGitHubOidc, type FakeGitHubOidc } from '../../fakes/fake-github-oidc.mjs'
import type { FakeUser, TrustRule } from '../../fakes/fake-salesforce.mjs'
import { presented, validateIncomingToken } from '../../fakes/fake-token-exchange.mjs'

type Claims = Record<string, unknown>
type Rule = TrustRule & { DeveloperName?: string; Repository_Owner_Id__c?: string; Issuer__c?: string }
type Handler = Parameters<typeof validateIncomingToken>[0]

const AUD = 'https://acme.my.salesforce.com'
const USERNAME = 'ci-bot@acme.example'
const OTHER_USERNAME = 'other-bot@acme.example'
const GITHUB = 'https://token.actions.githubusercontent.com'
const GHES = 'https://ghes.example.test/_services/token'
const NOW = 1_900_000_000
const REJECTED = 'GitHub OIDC token rejected: '
const NOT_A_JWT = `${REJECTED}it is not a JWT (three base64url parts: a JSON header, a JSON payload, a signature).`

const RULE: Rule = {
  DeveloperName: 'Deploy_Main',
  Issuer__c: '',
  Repository_Owner_Id__c: '987654',
  Repository_Id__c: '123456789',
  Repository__c: 'acme/app',
  Ref__c: 'refs/heads/main',
  Audience__c: AUD,
  Username__c: USERNAME,
  Active__c: true
}

const user = (extra: Partial<FakeUser> = {}): FakeUser => ({
  userId: '0055g000003XYZWAA2',
  approved: true,
  active: true,
  appAccess: true,
  ipRestricted: false,
  permissionSets: ['GitHub_Actions_Keyless_Login'],
  ...extra
})

let github: FakeGitHubOidc
let ghes: FakeGitHubOidc
let stranger: FakeGitHubOidc
beforeAll(async () => {
  github = await startFakeGitHubOidc()
  ghes = await startFakeGitHubOidc({ issuer: GHES })
  stranger = await startFakeGitHubOidc()
})
afterAll(async () => {
  await Promise.all([github.close(), ghes.close(), stranger.close()])
})

const claims = (extra: Claims = {}, issuer = GITHUB): Claims => ({
  ...defaultClaims(),
  iss: issuer,
  aud: AUD,
  nbf: NOW - 5,
  iat: NOW - 5,
  exp: NOW + 300,
  ...extra
})
const token = (extra: Claims = {}, header: Record<string, unknown> = {}): string => github.sign(claims(extra), header)
/** A handler as the fake org holds it: rules, key servers for both fake issuers, an empty key cache. */
const handlerFor = (rules: Rule[] = [RULE]): Handler => ({ rules, keyServers: { ...github.keyServers(), ...ghes.keyServers() } })
const users = (...entries: [string, FakeUser][]): Map<string, FakeUser> => new Map(entries.length ? entries : [[USERNAME, user()]])
const jwksRequests = (service: FakeGitHubOidc): number => service.requests.filter(r => r.path.endsWith('/.well-known/jwks')).length

/** Validates, and checks what every refusal must never do: quote a configured username. */
async function judge(jwt: string, handler: Handler = handlerFor(), who = users(), now = NOW) {
  const verdict = await validateIncomingToken(handler, jwt, who, now)
  for (const rule of handler.rules) expect(verdict.message?.toLowerCase() ?? '').not.toContain(rule.Username__c.toLowerCase())
  return verdict
}

describe('presented', () => {
  const ALL =
    "repository 'acme/app' (id 123456789, owner id 987654), ref 'refs/heads/main' (ref_protected 'true'), event 'push', " +
    "job_workflow_ref 'acme/app/.github/workflows/deploy.yml@refs/heads/main', environment (none), " +
    `runner_environment 'github-hosted', audience '${AUD}', issuer '${GITHUB}'`
  it.each<[string, Claims, string]>([
    ["GitHub's claims", claims(), ALL],
    ['an environment', claims({ environment: 'production' }), ALL.replace('environment (none)', "environment 'production'")],
    ['a blank environment', claims({ environment: '  ' }), ALL],
    [
      'integer ids as their digits',
      claims({ repository_id: 42, repository_owner_id: 7 }),
      ALL.replace('id 123456789, owner id 987654', 'id 42, owner id 7')
    ],
    [
      'anything else as nothing',
      claims({ repository_id: 4.5, ref_protected: true, aud: [AUD] }),
      ALL.replace('123456789', '').replace("'true'", "''").replace(`'${AUD}'`, "''")
    ],
    [
      'no claims',
      {},
      "repository '' (id , owner id ), ref '' (ref_protected ''), event '', job_workflow_ref '', environment (none), runner_environment '', audience '', issuer ''"
    ]
  ])('names %s', (_name, given, text) => {
    expect(presented(given)).toBe(text)
  })
})

describe('validateIncomingToken: accepting', () => {
  it('accepts a token a rule trusts, naming the rule user and the org user, after one key fetch', async () => {
    const handler = handlerFor()
    const who = user({ userId: '005000000000001AAA' })
    expect(await judge(token(), handler, users([USERNAME, who]))).toEqual({ username: USERNAME, user: who })
    expect(handler.keyFetches).toEqual([`${GITHUB}/.well-known/jwks`])
  })

  it("fetches a GHES issuer's keys from <issuer>/.well-known/jwks, path kept", async () => {
    const handler = handlerFor([{ ...RULE, Issuer__c: GHES }])
    const before = ghes.requests.length
    expect((await judge(ghes.sign(claims({}, GHES)), handler)).username).toBe(USERNAME)
    expect(handler.keyFetches).toEqual([`${GHES}/.well-known/jwks`])
    expect(ghes.requests.slice(before).map(r => r.path)).toEqual(['/_services/token/.well-known/jwks'])
  })

  it('accepts a header without typ', async () => {
    expect((await judge(token({}, { typ: undefined }))).username).toBe(USERNAME)
  })

  it('finds the user whatever case the rule spells the username in', async () => {
    expect((await judge(token(), handlerFor([{ ...RULE, Username__c: 'CI-Bot@Acme.Example' }]))).username).toBe('CI-Bot@Acme.Example')
  })
})

describe('validateIncomingToken: the header, before any key fetch', () => {
  it.each<[string, () => string, string]>([
    ['HS256', () => token({}, { alg: 'HS256' }), `${REJECTED}its header names alg 'HS256', not RS256.`],
    ['alg none', () => token({}, { alg: 'none' }), `${REJECTED}its header names alg 'none', not RS256.`],
    ['no alg', () => token({}, { alg: undefined }), `${REJECTED}its header names alg '', not RS256.`],
    ['a numeric alg', () => token({}, { alg: 256 }), `${REJECTED}its header names alg '256', not RS256.`],
    ['no kid', () => token({}, { kid: undefined }), `${REJECTED}its header has no kid.`],
    ['a blank kid', () => token({}, { kid: ' ' }), `${REJECTED}its header has no kid.`],
    ['typ in lower case', () => token({}, { typ: 'jwt' }), `${REJECTED}its header names typ 'jwt', not JWT.`],
    ['typ null', () => token({}, { typ: null }), `${REJECTED}its header names typ '', not JWT.`],
    ['a long typ, bounded', () => token({}, { typ: 'x'.repeat(150) }), `${REJECTED}its header names typ '${'x'.repeat(97)}...', not JWT.`],
    ['not a JWT', () => 'not-a-token', NOT_A_JWT],
    ['two parts', () => token().split('.').slice(0, 2).join('.'), NOT_A_JWT],
    ['four parts', () => `${token()}.x`, NOT_A_JWT],
    ['a header that is not JSON', () => `bm90IGpzb24.${token().split('.').slice(1).join('.')}`, NOT_A_JWT],
    [
      'a header that is a JSON array',
      () => `${Buffer.from('[]').toString('base64url')}.${token().split('.').slice(1).join('.')}`,
      NOT_A_JWT
    ],
    ['a payload that is not JSON', () => `${token().split('.')[0]}.bm90IGpzb24.${token().split('.')[2]}`, NOT_A_JWT]
  ])('refuses %s', async (_name, make, message) => {
    const handler = handlerFor()
    const before = jwksRequests(github)
    expect(await judge(make(), handler)).toEqual({ message })
    expect({ fetches: handler.keyFetches, served: jwksRequests(github) - before }).toEqual({ fetches: [], served: 0 })
  })
})

describe('validateIncomingToken: the issuer, only from active rules', () => {
  it.each<[string, unknown, Rule[]]>([
    ['an issuer no rule names', 'https://evil.example/_services/token', [RULE]],
    ["GitHub's issuer with a trailing slash", `${GITHUB}/`, [RULE]],
    ['an issuer only an inactive rule names', GHES, [RULE, { ...RULE, Issuer__c: GHES, Active__c: false }]],
    ['an issuer only an invalid rule issuer names', 'https://token.actions.githubusercontent.com/', [{ ...RULE, Issuer__c: `${GITHUB}/` }]],
    ['a numeric issuer', 42, [RULE]],
    ['no issuer', undefined, [RULE]]
  ])('refuses %s without fetching any keys', async (_name, iss, rules) => {
    const handler = handlerFor(rules)
    const quoted = typeof iss === 'number' ? String(iss) : ((iss as string | undefined) ?? '')
    expect(await judge(token({ iss }), handler)).toEqual({
      message: `${REJECTED}its issuer '${quoted}' is not the issuer of any active GitHub trust rule.`
    })
    expect(handler.keyFetches).toEqual([])
  })

  it('bounds a long issuer before echoing it', async () => {
    const iss = `https://${'a'.repeat(200)}.example`
    expect((await judge(token({ iss }))).message).toBe(
      `${REJECTED}its issuer '${iss.slice(0, 97)}...' is not the issuer of any active GitHub trust rule.`
    )
  })
})

describe('validateIncomingToken: the signature and the key cache', () => {
  const unverified = (issuer = GITHUB): string =>
    `${REJECTED}its signature could not be verified with the keys at ${issuer}/.well-known/jwks.`

  it.each<[string, () => string]>([
    [
      'a token with its claims changed after signing',
      () =>
        token().replace(
          /^([^.]+)\.([^.]+)\./,
          (_m, h: string) => `${h}.${Buffer.from(JSON.stringify(claims({ repository_id: '1' }))).toString('base64url')}.`
        )
    ],
    ['a token signed by a key the JWKS does not hold', () => stranger.sign(claims())],
    ["a token signed by another key under the JWKS key's kid", () => stranger.sign(claims(), { kid: github.jwk.kid })]
  ])('refuses %s, at the cost of one extra fetch at most', async (_name, make) => {
    const handler = handlerFor()
    expect(await judge(make(), handler)).toEqual({ message: unverified() })
    expect(handler.keyFetches).toEqual([`${GITHUB}/.well-known/jwks`, `${GITHUB}/.well-known/jwks`])
    // With keys cached, a bad token costs exactly one fetch.
    expect((await judge(token(), handler)).username).toBe(USERNAME)
    expect(await judge(make(), handler)).toEqual({ message: unverified() })
    expect(handler.keyFetches).toHaveLength(4)
  })

  it('refuses when the keys cannot be read', async () => {
    const handler: Handler = {
      rules: [{ ...RULE, Issuer__c: GHES }] as Rule[],
      keyServers: { 'https://ghes.example.test': `${ghes.url}/nowhere` }
    }
    expect(await judge(ghes.sign(claims({}, GHES)), handler)).toEqual({ message: unverified(GHES) })
    expect(handler.keyFetches).toHaveLength(2)
  })

  it('verifies once more without the cache when GitHub has rotated its key', async () => {
    const rotating = await startFakeGitHubOidc()
    try {
      const handler: Handler = { rules: [RULE], keyServers: rotating.keyServers() }
      expect((await judge(rotating.sign(claims()), handler)).username).toBe(USERNAME)
      expect((await judge(rotating.sign(claims()), handler)).username).toBe(USERNAME)
      expect(handler.keyFetches).toHaveLength(1) // the second answered from the cache
      rotating.rotateKey()
      expect((await judge(rotating.sign(claims()), handler)).username).toBe(USERNAME)
      expect(handler.keyFetches).toHaveLength(2) // the cached keys failed; one fetch without the cache
      expect((await judge(rotating.sign(claims()), handler)).username).toBe(USERNAME)
      expect(handler.keyFetches).toHaveLength(2) // and that fetch refreshed the cache
    } finally {
      await rotating.close()
    }
  })
})

describe('validateIncomingToken: the lifetime', () => {
  it.each<[string, Claims, string | undefined]>([
    ['exp 60 s ago: inside the skew', { exp: NOW - 60 }, undefined],
    ['exp 61 s ago', { exp: NOW - 61 }, `${REJECTED}it has expired.`],
    ['nbf 60 s ahead: inside the skew', { nbf: NOW + 60 }, undefined],
    ['nbf 61 s ahead', { nbf: NOW + 61 }, `${REJECTED}it is not valid yet.`],
    ['no nbf', { nbf: undefined }, undefined],
    ['a decimal exp', { exp: NOW + 0.5 }, undefined],
    ['no exp', { exp: undefined }, `${REJECTED}it has no exp claim.`],
    ['an exp that is text', { exp: String(NOW + 300) }, `${REJECTED}it has no exp claim.`],
    ['an nbf that is text', { nbf: 'soon' }, `${REJECTED}it is not valid yet.`],
    ['expired and not valid yet: expiry first', { exp: NOW - 100, nbf: NOW + 100 }, `${REJECTED}it has expired.`]
  ])('with %s', async (_name, extra, message) => {
    const verdict = await judge(token(extra))
    if (message === undefined) expect(verdict.username).toBe(USERNAME)
    else expect(verdict).toEqual({ message })
  })
})

describe('validateIncomingToken: rules and users, naming rules and never a username', () => {
  it('refuses a token no active rule matches, presenting its claims', async () => {
    const given = claims({ ref: 'refs/heads/dev', environment: 'staging' })
    expect(await judge(github.sign(given))).toEqual({ message: `No active GitHub trust rule matches ${presented(given)}.` })
    expect(
      await judge(
        token(),
        handlerFor([
          { ...RULE, Repository_Owner_Id__c: '1' },
          { ...RULE, Active__c: false }
        ])
      )
    ).toEqual({
      message: `No active GitHub trust rule matches ${presented(claims())}.`
    })
  })

  it('refuses rules that name more than one user, naming the rules in order', async () => {
    const rules = [{ ...RULE, DeveloperName: 'Z_Any_Branch', Ref__c: 'refs/heads/*', Username__c: OTHER_USERNAME }, RULE]
    expect(await judge(token(), handlerFor(rules), users([USERNAME, user()], [OTHER_USERNAME, user()]))).toEqual({
      message: `Active GitHub trust rules name more than one user for ${presented(claims())}: rules Deploy_Main, Z_Any_Branch; make the matching rules name one user.`
    })
  })

  it.each<[string, Map<string, FakeUser>]>([
    ['does not exist', users([OTHER_USERNAME, user()])],
    ['is not active', users([USERNAME, user({ active: false })])]
  ])('refuses a user who %s, naming the rule', async (_name, who) => {
    expect(await judge(token(), handlerFor(), who)).toEqual({
      message: 'No active user for GitHub trust rule Deploy_Main: the user it names does not exist or is not active.'
    })
    const twins = handlerFor([RULE, { ...RULE, DeveloperName: 'Any_Ref', Ref__c: '**' }])
    expect(await judge(token(), twins, who)).toEqual({
      message: 'No active user for GitHub trust rules Any_Ref, Deploy_Main: the user it names does not exist or is not active.'
    })
  })

  it.each<[string, string[] | undefined]>([
    ['no permission sets', []],
    ['other permission sets', ['GitHub_Actions_Keyless_Login_Old']],
    ['permission sets not given', undefined]
  ])('refuses a user with %s, naming the rule', async (_name, permissionSets) => {
    expect(await judge(token(), handlerFor(), users([USERNAME, user({ permissionSets })]))).toEqual({
      message:
        'No keyless login permission for GitHub trust rule Deploy_Main: the user it names does not hold the permission set GitHub_Actions_Keyless_Login.'
    })
  })
})

describe('validateIncomingToken: narrowing and permission set groups, as the Apex', () => {
  it('names the rules that would match but set none of Ref__c, Environment__c, Workflow_Ref__c', async () => {
    const rules = [
      { ...RULE, DeveloperName: 'Every_Ref', Ref__c: '' },
      { ...RULE, DeveloperName: 'Other_Repository', Ref__c: '', Repository_Id__c: '1' },
      { ...RULE, DeveloperName: 'Also_Every_Ref', Ref__c: ' ' }
    ]
    expect(await judge(token(), handlerFor(rules))).toEqual({
      message:
        `No active GitHub trust rule matches ${presented(claims())}. GitHub trust rules that set none of Ref__c, Environment__c, ` +
        'Workflow_Ref__c never match: Also_Every_Ref, Every_Ref; set one (Ref__c ** means every ref).'
    })
    expect((await judge(token(), handlerFor([{ ...RULE, Ref__c: '**' }]))).username).toBe(USERNAME)
  })

  it('accepts a user who holds the permission set only through a permission set group', async () => {
    const grouped = user({ permissionSets: [], permissionSetGroups: [{ name: 'CI', permissionSets: ['GitHub_Actions_Keyless_Login'] }] })
    expect((await judge(token(), handlerFor(), users([USERNAME, grouped]))).username).toBe(USERNAME)
    const otherGroup = user({ permissionSets: [], permissionSetGroups: [{ name: 'CI', permissionSets: ['Other'] }] })
    expect((await judge(token(), handlerFor(), users([USERNAME, otherGroup]))).message).toMatch(/^No keyless login permission for/)
  })
})

describe('validateIncomingToken: replay, when the org names a cache partition', () => {
  it('refuses, naming the setting, when the store fails (no such partition, no capacity)', async () => {
    const failing = {
      has: (): boolean => {
        throw new Error('Cache.Org.OrgCacheException')
      },
      add: (): never => {
        throw new Error('unreachable')
      }
    }
    expect(await judge(token({ jti: 'one' }), { ...handlerFor(), replay: failing })).toEqual({
      message: `${REJECTED}the replay cache partition named in GitHub Keyless Setting Default cannot be used.`
    })
  })

  it('accepts a token once, another jti again, and refuses a token without jti', async () => {
    const handler = { ...handlerFor(), replay: new Set<string>() }
    expect((await judge(token({ jti: 'one' }), handler)).username).toBe(USERNAME)
    expect(await judge(token({ jti: 'one' }), handler)).toEqual({
      message: `${REJECTED}it was already used, and this org accepts each token once.`
    })
    expect((await judge(token({ jti: 'two' }), handler)).username).toBe(USERNAME)
    expect(await judge(token({ jti: undefined }), handler)).toEqual({
      message: `${REJECTED}it has no jti claim, and this org accepts each token once.`
    })
  })

  it('remembers nothing without one, nor for a refused token', async () => {
    expect((await judge(token({ jti: 'one' }))).username).toBe(USERNAME)
    expect((await judge(token({ jti: 'one' }))).username).toBe(USERNAME)
    const handler = { ...handlerFor(), replay: new Set<string>() }
    expect((await judge(token({ jti: 'one' }), handler, users([USERNAME, user({ active: false })]))).message).toContain('No active user')
    expect((await judge(token({ jti: 'one' }), handler)).username).toBe(USERNAME)
  })
})
