// A seeded fuzz of the bundled action against the fake Salesforce: random mutations of keys,
// certificates, URLs, identities, whole numbers and org ids, and hostile token-endpoint answers; and a
// keyless lane against the fake GitHub OIDC service too (its variables, ID tokens and answers). Every
// run must end with exit code 0 or 1, one clear message, no stack, no forged workflow command and no
// leaked secret. Replay a failure with FUZZ_SEED=<seed> (and FUZZ_RUN=<run> for that run alone).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { defaultClaims, GITHUB_ISSUER, type OidcFault } from '../fakes/fake-github-oidc.mjs'
import { sfId } from '../fakes/fake-salesforce.mjs'
import { assertNoLeaks, rememberSecret, setUp, type Fixture, type Server } from './support/harness.js'
import { setUpGithubOidc, type GithubOidcFixture } from './support/github-oidc.js'
import { certificateWithBadNotAfter, certificateWithUnknownKeyAlgorithm, damagedCrtKey, makeIdentity } from '../fakes/keys.mjs'
import {
  answerHost,
  HEADER_SAFE,
  HOSTILE,
  hostileBody,
  hostRefusal,
  hostSpelling,
  LOOPBACK,
  mutateText,
  nodeDebug,
  pastedSecret,
  problems,
  proxyVariable,
  RUN_LIMIT_MS,
  runLanes,
  tlsRejectUnauthorized,
  tokenLength,
  transformedLeaks
} from './support/fuzz.js'
import { seededRandom, type Random } from './support/random.js'
import { ACTION, FORGED, runStep, type StepResult } from '../fakes/runner.mjs'

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_128)
const RUNS = Number(process.env.FUZZ_RUNS ?? 320)
const ONLY = process.env.FUZZ_RUN === undefined ? undefined : Number(process.env.FUZZ_RUN)
/** Two steps at a time on a 2-core machine, each lane with its own fake Salesforce (faults are per server). */
const LANES = 2
/** Flips, drops or cuts the base64 body of a PEM, or changes its shape the ways pasting does. */
function mutatePem(r: Random, pem: string, extra: (() => string)[]): string {
  const lines = pem.trim().split('\n')
  const body = lines.slice(1, -1)
  const i = r.int(body.length)
  switch (r.int(10)) {
    case 0:
      body[i] = mutateText(r, body[i])
      return [lines[0], ...body, lines.at(-1)].join('\n')
    case 1: {
      const b = body[i]
      const at = r.int(b.length)
      body[i] = b.slice(0, at) + r.pick([...'ABCDEFabcdef0123456789+/']) + b.slice(at + 1)
      return [lines[0], ...body, lines.at(-1)].join('\n')
    }
    case 2:
      return [lines[0], ...body.filter((_, j) => j !== i), lines.at(-1)].join('\n')
    case 3:
      return pem.slice(0, r.int(pem.length))
    case 4:
      return lines.join(r.pick(['\\n', '\r\n', ' ', '']))
    case 5:
      return Buffer.from(pem).toString('base64')
    case 6:
      return pem.replace(
        /(BEGIN|END) ([A-Z ]+)-----/g,
        `$1 ${r.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'CERTIFICATE', 'PUBLIC KEY', 'X'])}-----`
      )
    case 7:
      return r.pick(extra)()
    case 8:
      return `${pem}\n${r.pick(extra)()}`
    default:
      return mutateText(r, pem)
  }
}

/** A DER byte flipped somewhere in the certificate, re-encoded as PEM. */
function flipDerByte(r: Random, pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  der[r.int(der.length)] ^= 1 << r.int(8)
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`
}

interface Case {
  what: string[]
  inputs: Record<string, string>
  /** A scripted token-endpoint answer, or none for the fake's real logic. */
  answer?: { status: number; headers: Record<string, string>; body: string; truncateAfter?: number }
}

/** A field of a token answer: valid, hostile, of the wrong type, huge, or missing. */
function hostileField(r: Random, valid: string): unknown {
  switch (r.int(8)) {
    case 0:
    case 1:
      return valid
    case 2:
    case 3:
      return mutateText(r, valid)
    case 4:
      return r.pick([42, null, true, [], { a: 1 }, -1.5])
    case 5:
      return valid + 'x'.repeat(r.pick([300, 5000, 100_000]))
    case 6:
      return r.pick(HOSTILE)
    default:
      return undefined
  }
}

/** A server message that quotes a secret the action holds: whole, cut short, or its tail. */
function quoting(r: Random, secret: string): string {
  const quote = r.pick([() => secret, () => secret.slice(r.int(8), 30 + r.int(40)), () => secret.slice(-(24 + r.int(20)))])()
  return r.pick([`token ${quote} is invalid`, `${quote}`, `{"bad":"${quote}"}`, `${'x'.repeat(r.int(600))} ${quote}`])
}

/** A host name of thousands of characters, in labels a URL parser accepts. */
const hugeHost = (r: Random): string => `${`${'a'.repeat(20 + r.int(40))}.`.repeat(40 + r.int(80))}example`

function hostileAnswer(r: Random, server: Server, secrets: string[] = [], quoteChance = 0.25): NonNullable<Case['answer']> {
  const token = `${server.orgId.slice(0, 15)}!AR${createHash('sha256').update(String(r.next())).digest('base64url')}`
  rememberSecret(token)
  // Salesforce (or a proxy) quoting a secret back: the access token of this very answer, or one the action sent.
  const quoted = r.chance(quoteChance) ? quoting(r, r.pick([token, ...secrets])) : undefined
  const fields = {
    access_token: hostileField(r, token),
    instance_url: hostileField(r, 'https://acme.my.salesforce.com'),
    id: hostileField(r, `https://login.salesforce.com/id/${server.orgId}/${sfId('005')}`),
    scope: hostileField(r, 'api web'),
    token_type: hostileField(r, 'Bearer'),
    error: hostileField(r, r.pick(['invalid_grant', 'invalid_client_id', 'server_error'])),
    error_description: quoted ?? hostileField(r, r.pick(['invalid assertion', 'audience is invalid', 'user hasnt approved this consumer']))
  }
  if (quoted) fields.access_token = token
  const json = JSON.stringify(fields)
  const body = r.pick([
    () => json,
    () => json,
    () => json.slice(0, r.int(json.length)),
    () =>
      `<!DOCTYPE html><html><body>${r.pick(HOSTILE)} ##[error]${FORGED} <p>${'Down for maintenance. '.repeat(r.int(50))}</p></body></html>`,
    () => `{"access_token":"${token}","pad":"${'x'.repeat(1024 * 1024 + r.int(2 * 1024 * 1024))}"}`,
    () => r.pick(['', 'null', '[]', '42', '"x"', '{', '{}', '{"access_token":{}}']),
    () => mutateText(r, json)
  ])()
  const headers: Record<string, string> = {
    'content-type': r.pick([
      'application/json',
      'text/html',
      'text/plain',
      `application/json; ${r.pick(HEADER_SAFE)}`,
      `text/html; ${'p'.repeat(r.int(8000))}`
    ])
  }
  if (r.chance(0.3)) headers['retry-after'] = r.pick(['1', '0', '-5', '99999', 'Wed, 21 Oct 2015 07:28:00 GMT', r.pick(HEADER_SAFE)])
  if (r.chance(0.3))
    headers.location = r.pick([
      'https://evil.example/x',
      `https://acme.my.salesforce.com/##[warning]${FORGED}`,
      '::::',
      r.pick(HEADER_SAFE),
      `https://${hugeHost(r)}/x`
    ])
  const status = quoted ? r.pick([400, 401]) : r.pick([200, 200, 200, 200, 400, 401, 403, 404, 429, 500, 502, 503, 301, 302, 307, 204, 418])
  return { status, headers, body, truncateAfter: r.chance(0.1) ? r.int(body.length) : undefined }
}

/** The inputs of one run: a working login with one or more parts mutated. */
function makeCase(r: Random, f: Fixture, keys: Record<string, () => string>): Case {
  const what: string[] = []
  const inputs: Record<string, string> = { 'max-attempts': '1', 'request-timeout-seconds': '10' }
  const parts = ['key', 'certificate', 'url', 'audience', 'identity', 'number', 'orgs', 'answer'] as const
  const chosen = new Set<(typeof parts)[number]>([r.pick(parts)])
  while (r.chance(0.3)) chosen.add(r.pick(parts))
  const extraKeys = Object.values(keys)

  if (chosen.has('key')) {
    const base = r.pick([f.identity.pkcs8, f.identity.pkcs1])
    const key = mutatePem(r, base, extraKeys)
    // Key-like lines of the mutated key are secrets too: the leak check looks for them.
    for (const line of key.split(/\r?\n|\\n/)) if (/^[A-Za-z0-9+/=]{16,}$/.test(line.trim())) rememberSecret(line.trim())
    inputs['private-key'] = key
    what.push('key')
  }
  if (chosen.has('certificate')) {
    const cert = f.identity.certificate
    inputs.certificate = r.pick([
      () => flipDerByte(r, cert),
      () =>
        mutatePem(r, cert, [() => certificateWithBadNotAfter(cert), () => certificateWithUnknownKeyAlgorithm(cert), keys.otherCertificate]),
      () => certificateWithBadNotAfter(cert),
      () => certificateWithUnknownKeyAlgorithm(cert),
      () => cert
    ])()
    what.push('certificate')
  }
  if (chosen.has('url')) {
    const port = f.server.port
    inputs['login-url'] = r.pick([
      () => mutateText(r, f.server.url),
      () => `${f.server.url}${r.pick(['/', '/services/oauth2/token', '//', '/x/../y', '/?a=b', '/#x'])}`,
      () => `http://localhost:${port}`,
      () => `https://[::1]:${port}`,
      () =>
        r.pick(['acme', 'acme--uat.sandbox', 'a-dev-ed.develop', 'x.scratch', '']).concat('.lightning.force.com').replace(/^/, 'https://'),
      () =>
        r.pick([
          'https://login.salesforce.com',
          'https://test.salesforce.com',
          'https://acme.my.salesforce.com',
          'https://acme.my.site.com'
        ]),
      () => mutateText(r, 'https://acme--uat.sandbox.my.salesforce.com'),
      () =>
        r.pick([
          'http://login.salesforce.com',
          'https://evil.example',
          'https://u:p@acme.my.salesforce.com',
          'ftp://x',
          'not a url',
          'https://salesforce.com.evil.example',
          'javascript:alert(1)',
          // Only look like this machine: never plain http, never past a proxy.
          `http://127.0.0.1.evil.example:${port}`,
          `https://127.0.0.1.my.salesforce.com:${port}`,
          `https://${hugeHost(r)}.my.salesforce.com`
        ])
    ])()
    what.push('url')
  }
  if (chosen.has('audience')) {
    inputs.audience = mutateText(
      r,
      r.pick(['production', 'sandbox', 'https://login.salesforce.com', 'https://test.salesforce.com', 'https://acme.my.site.com'])
    )
    what.push('audience')
  }
  if (chosen.has('identity')) {
    const name = r.pick(['client-id', 'username'])
    inputs[name] = r.pick([
      () => mutateText(r, name === 'username' ? 'deploy@acme.example' : f.clientId),
      () => 'x'.repeat(r.pick([80, 81, 255, 256, 10_000])),
      () => r.pick(HOSTILE)
    ])()
    what.push(name)
  }
  if (chosen.has('number')) {
    const name = r.pick(['max-attempts', 'request-timeout-seconds', 'revoke-token', 'export-env', 'job-summary'])
    // A retried attempt may wait out a Retry-After: numbers are fuzzed only against a well-behaved server.
    chosen.delete('answer')
    inputs[name] = r.pick([
      () => mutateText(r, r.pick(['3', '1', '10', 'true', 'false'])),
      () => r.pick(['0', '-1', '11', '301', '1e3', '0x10', '٣', ' 5 ', '99999999999999999999', '3.0', 'TRUE', 'yes', ''])
    ])()
    what.push(name)
  }
  if (chosen.has('orgs')) {
    const id = f.server.orgId
    inputs['allowed-org-ids'] = r.pick([
      () => mutateText(r, id),
      () => `${mutateText(r, id.slice(0, 15))}, ${id}`,
      () => [id.slice(0, 15), sfId('00D'), sfId('005')].join(r.pick([',', '\n', ' , ', ';'])),
      () => r.pick([id, id.slice(0, 15), id.toLowerCase(), sfId('00D')])
    ])()
    what.push('allowed-org-ids')
  }
  const keyLines = f.identity.pkcs8.split('\n').filter(l => !l.startsWith('-----'))
  const answer = chosen.has('answer') ? hostileAnswer(r, f.server, keyLines) : undefined
  if (answer) what.push(`answer HTTP ${answer.status}`)
  return { what, inputs, answer }
}

/** The inputs as a failure report shows them: key material and passphrases by length and hash only. */
function redactedInputs(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) =>
      /private-key$|passphrase/.test(k)
        ? [k, `<${v.length} chars, sha256 ${createHash('sha256').update(v).digest('hex').slice(0, 12)}>`]
        : [k, JSON.stringify(v).slice(0, 300)]
    )
  )
}

describe(`fuzz of the bundled action (FUZZ_SEED=${SEED}, ${RUNS} runs)`, () => {
  const lanes: Fixture[] = []
  const extra: Record<string, () => string>[] = []
  beforeAll(async () => {
    for (let i = 0; i < LANES; i++) {
      const f = await setUp()
      const other = makeIdentity()
      rememberSecret(other.pkcs8, other.pkcs1)
      const damaged = damagedCrtKey(f.identity.privateKey)
      rememberSecret(damaged)
      lanes.push(f)
      extra.push({
        damaged: () => damaged,
        otherKey: () => other.pkcs8,
        otherCertificate: () => other.certificate,
        certificate: () => f.identity.certificate,
        publicKey: () => f.identity.publicKey.export({ type: 'spki', format: 'pem' }) as string
      })
    }
  }, 60_000)
  afterAll(() => Promise.all(lanes.map(f => f.close())))

  it(`${RUNS} runs end cleanly: exit 0 or 1, one message, no stack, no forged command, no leak`, async () => {
    const failures = await runLanes(lanes, RUNS, ONLY, async (f, run) => {
      const r = seededRandom(SEED * 1_000_003 + run)
      const c = makeCase(r, f, extra[lanes.indexOf(f)])
      f.server.faults.length = 0
      if (c.answer) f.server.fault({ raw: c.answer })
      const result = await runStep({
        inputs: {
          'client-id': f.clientId,
          username: 'deploy@acme.example',
          'private-key': f.identity.pkcs8,
          'login-url': f.server.url,
          ...c.inputs
        },
        env: { NODE_OPTIONS: LOOPBACK },
        timeoutMs: RUN_LIMIT_MS
      })
      f.server.faults.length = 0
      const found = problems(result, res => assertNoLeaks(f.server, res), c.inputs)
      if (found.length > 0) {
        return (
          `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (${c.what.join(', ')}): ${found.join('; ')}\n  inputs: ${JSON.stringify(redactedInputs(c.inputs))}` +
          (c.answer ? `\n  answer: HTTP ${c.answer.status} ${JSON.stringify(c.answer.body.slice(0, 300))}` : '')
        )
      }
      return undefined
    })
    expect(failures).toEqual([])
  }, 300_000)
})

// The keyless lane: the same checks for 'auth-flow: github-oidc', where the runner's ID token variables and
// GitHub's token service are inputs too. Replay a failure the same way (FUZZ_RUN replays that run of both lanes).
const KEYLESS_RUNS = Number(process.env.FUZZ_KEYLESS_RUNS ?? 120)

/** A JWT-shaped run in a report: the signed ID tokens a case used are shown by their claims instead. */
const hideJwts = (text: string): string => text.replace(/[\w-]{16,}\.[\w-]{16,}\.[\w-]{16,}/g, '<ID token>')

/** `length` characters of base64url noise from the seeded source. */
function noise(r: Random, length: number): string {
  let text = ''
  while (text.length < length) text += createHash('sha512').update(String(r.next())).digest('base64url')
  return text.slice(0, length)
}

interface GithubOidcCase {
  what: string[]
  inputs: Record<string, string>
  /** The runner's ID token variables; a missing one is left out. */
  env: Record<string, string>
  /** A scripted answer of GitHub's token service. */
  github?: OidcFault
  /** The claims of the signed ID tokens the case hands out, for a failure report. */
  claims: Record<string, unknown>[]
  /** Those tokens: secrets the leak check looks for. */
  signed: string[]
  answer?: Case['answer']
}

/** Claims as GitHub issues them for acme/app at main, for the org's own URL: the trust rule matches. */
function githubClaims(r: Random, audience: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return { jti: String(r.int(1e9)), ...defaultClaims(), aud: audience, iss: GITHUB_ISSUER, nbf: now - 5, iat: now - 5, exp: now + 300 }
}

/** An ID token signed by the fake GitHub (so the org verifies it) with one to three hostile claims. */
function hostileIdToken(r: Random, k: GithubOidcFixture, c: GithubOidcCase): string {
  const claims = githubClaims(r, k.server.url)
  // environment, actor and workflow are not in the trust rule: a hostile one still logs in.
  const fields = [
    'environment',
    'environment',
    'actor',
    'workflow',
    'repository',
    'repository_id',
    'ref',
    'aud',
    'sub',
    'iss',
    'exp',
    'nbf'
  ]
  for (let n = 1 + r.int(3); n > 0; n--) {
    const field = r.pick(fields)
    const value = hostileField(r, String(claims[field] ?? 'production'))
    claims[field] = value === undefined ? undefined : r.chance(0.5) ? `${String(value)}${r.pick(HOSTILE)}` : value
  }
  const header = r.chance(0.15) ? r.pick([{ alg: 'none' }, { alg: 'HS256' }, { kid: 'other' }, { typ: `JWT${r.pick(HOSTILE)}` }]) : {}
  const token = k.github.sign(claims, header)
  c.claims.push(claims)
  c.signed.push(token)
  return token
}

/**
 * What GitHub's token service answers: most often a well-formed answer whose signed ID token carries
 * hostile claims (so the org verifies it, and some log in), else odd values, bodies, statuses and headers.
 */
function hostileGithubAnswer(r: Random, k: GithubOidcFixture, c: GithubOidcCase): OidcFault {
  if (r.chance(0.05)) {
    c.inputs['request-timeout-seconds'] = '1'
    return r.pick<OidcFault>([{ reset: true }, { hang: true }])
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (r.chance(0.45)) return { raw: { status: 200, headers, body: JSON.stringify({ count: 1, value: hostileIdToken(r, k, c) }) } }
  const valid = (): string => {
    const token = k.github.sign(githubClaims(r, k.server.url))
    c.signed.push(token)
    return token
  }
  const value = r.pick<() => unknown>([
    () => hostileIdToken(r, k, c),
    () => mutateText(r, valid()),
    () => `${valid()}${r.pick(HOSTILE)}`,
    () => r.pick(HOSTILE),
    () => r.pick([42, null, true, [], { a: 1 }, '', 'a.b.c']),
    // Noise, not a repeated letter: the org keeps every subject token as a secret for later runs' leak checks.
    () => `eyJhbGciOiJSUzI1NiJ9.${noise(r, r.pick([10_001, 200_000]))}.sig`,
    () => undefined
  ])()
  const json = JSON.stringify({ count: 1, value, ...(r.chance(0.2) ? { message: r.pick(HOSTILE) } : {}) })
  const body = r.pick([
    () => json,
    () => json,
    () => json.slice(0, r.int(json.length)),
    () => `<!DOCTYPE html><html><body>${r.pick(HOSTILE)} ##[error]${FORGED} <p>${'Unicorn! '.repeat(r.int(50))}</p></body></html>`,
    () => `{"value":"${valid()}","pad":"${'x'.repeat(1024 * 1024 + r.int(1024 * 1024))}"}`,
    () => r.pick(['', 'null', '[]', '42', '"x"', '{', '{}', '{"value":{}}']),
    () => mutateText(r, json)
  ])()
  if (r.chance(0.4)) headers['content-type'] = r.pick(['text/html', 'text/plain', `application/json; ${r.pick(HEADER_SAFE)}`])
  if (r.chance(0.3)) headers['retry-after'] = r.pick(['1', '0', '-5', '99999', r.pick(HEADER_SAFE)])
  if (r.chance(0.3)) {
    headers.location = r.pick(['https://evil.example/x', `https://token.actions.githubusercontent.com/##[warning]${FORGED}`, '::::'])
  }
  const status = r.pick([200, 200, 200, 400, 401, 403, 404, 429, 500, 502, 503, 504, 301, 302, 307, 204, 418])
  return { raw: { status, headers, body, truncateAfter: r.chance(0.1) ? r.int(body.length) : undefined } }
}

/** The inputs, runner variables and answers of one keyless run: a working login with parts mutated. */
function makeGithubOidcCase(r: Random, k: GithubOidcFixture): GithubOidcCase {
  const c: GithubOidcCase = {
    what: [],
    inputs: { 'max-attempts': '1', 'request-timeout-seconds': '10' },
    env: k.github.env(),
    claims: [],
    signed: []
  }
  const parts = [
    'flow',
    'url',
    'oidc-audience',
    'handler',
    'type',
    'refused',
    'identity',
    'number',
    'env',
    'github',
    'github',
    'github',
    'github',
    'answer',
    'answer',
    'quote',
    'quote'
  ] as const
  const chosen = new Set<(typeof parts)[number]>([r.pick(parts)])
  while (r.chance(0.3)) chosen.add(r.pick(parts))
  // A retried attempt may wait out a backoff: numbers are fuzzed only where no attempt fails for a moment.
  if (chosen.has('number')) for (const p of ['url', 'env', 'github', 'answer', 'quote'] as const) chosen.delete(p)
  // A quote scripts both answers itself.
  if (chosen.has('quote')) for (const p of ['github', 'answer'] as const) chosen.delete(p)
  const url = k.server.url

  if (chosen.has('flow')) {
    c.inputs['auth-flow'] = r.pick([
      () => mutateText(r, 'github-oidc'),
      () => r.pick(['GitHub-OIDC', ' github-oidc ', 'GITHUB-OIDC', 'github_oidc', 'oidc', 'jwt-bearer', '', 'github-oidc\n'])
    ])()
    c.what.push('auth-flow')
  }
  if (chosen.has('url')) {
    c.inputs['login-url'] = r.pick([
      () => mutateText(r, url),
      () => `${url}${r.pick(['/', '/services/oauth2/token', '//', '/x', '/?a=b', '/#x'])}`,
      () => `http://localhost:${k.server.port}`,
      () =>
        r.pick([
          'https://acme.my.salesforce.com',
          'https://acme--uat.sandbox.my.salesforce.com',
          'https://acme.develop.my.salesforce.com',
          'https://acme.my.salesforce.mil',
          'https://acme.my.sfcrmproducts.cn',
          'https://ACME.MY.SALESFORCE.COM.',
          'https://acme.my.salesforce.com:8443',
          'https://login.salesforce.com',
          'https://test.salesforce.com',
          'https://acme.my.site.com',
          'https://acme.lightning.force.com',
          'https://acme--uat.sandbox.lightning.force.com'
        ]),
      () => mutateText(r, 'https://acme--uat.sandbox.my.salesforce.com'),
      () =>
        r.pick([
          'http://acme.my.salesforce.com',
          'https://u:p@acme.my.salesforce.com',
          'https://acme.my.salesforce.com.evil.example',
          'not a url',
          ''
        ])
    ])()
    c.what.push('login-url')
  }
  if (chosen.has('oidc-audience')) {
    c.inputs['oidc-audience'] = r.pick([
      () => mutateText(r, r.pick([url, 'https://acme.my.salesforce.com', 'https://acme.my.salesforce.com/github'])),
      () =>
        r.pick(['production', 'sandbox', 'http://acme.my.salesforce.com', `https://x/${'a'.repeat(300)}`, 'https://a b', r.pick(HOSTILE)])
    ])()
    c.what.push('oidc-audience')
  }
  if (chosen.has('handler')) {
    c.inputs['token-handler'] = r.pick([
      () => mutateText(r, 'GitHubActionsTokenExchangeHandler'),
      () => r.pick(['GitHubActionsTokenExchangeHandler', 'Other_Handler', 'A'.repeat(80), 'A'.repeat(81), '1Handler', r.pick(HOSTILE)])
    ])()
    c.what.push('token-handler')
  }
  if (chosen.has('type')) {
    c.inputs['subject-token-type'] = r.pick([
      () => mutateText(r, r.pick(['jwt', 'id_token'])),
      () => r.pick(['JWT', ' ID_TOKEN ', 'saml2', 'access_token', 'urn:ietf:params:oauth:token-type:jwt', r.pick(HOSTILE)])
    ])()
    c.what.push('subject-token-type')
  }
  if (chosen.has('refused')) {
    const name = r.pick(['username', 'private-key', 'private-key-file', 'private-key-passphrase', 'certificate', 'audience'])
    const secret = `-----BEGIN PRIVATE KEY-----\n${createHash('sha512').update(String(r.next())).digest('base64')}\n-----END PRIVATE KEY-----`
    if (/private-key$|passphrase/.test(name)) rememberSecret(secret)
    c.inputs[name] = r.pick([() => (/private-key$|passphrase/.test(name) ? secret : mutateText(r, 'production')), () => r.pick(HOSTILE)])()
    c.what.push(name)
  }
  if (chosen.has('identity')) {
    c.inputs['client-id'] = r.pick([() => mutateText(r, k.clientId), () => 'x'.repeat(r.pick([255, 256, 10_000])), () => r.pick(HOSTILE)])()
    c.what.push('client-id')
  }
  if (chosen.has('number')) {
    const name = r.pick(['max-attempts', 'request-timeout-seconds'])
    c.inputs[name] = r.pick([
      () => mutateText(r, r.pick(['3', '1', '10', '30'])),
      () => r.pick(['0', '-1', '11', '301', '1e3', '0x10', '٣', ' 5 ', '99999999999999999999', '3.0', ''])
    ])()
    c.what.push(name)
  }
  if (chosen.has('env')) {
    const name = r.pick(['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const)
    const port = new URL(k.github.url).port
    const value = r.pick<() => string | undefined>([
      () => undefined,
      () => '',
      () => mutateText(r, c.env[name]),
      () => r.pick(HOSTILE),
      () =>
        name === 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
          ? r.pick(['x'.repeat(10_000), 'é', ' '])
          : r.pick([
              'not a url',
              'ftp://x',
              `https://127.0.0.1:${port}/_apis/oidc/token?api-version=2.0`,
              `http://127.0.0.1:1/_apis/oidc/token?api-version=2.0`,
              'http://evil.example/token?api-version=2.0',
              'https://token.actions.githubusercontent.com/_apis/oidc/token?api-version=2.0',
              `${k.github.url}/_apis/oidc/token`,
              `${k.github.requestUrl}&audience=${FORGED}`,
              `${k.github.requestUrl}#x`,
              // Only look like this machine: plain http is refused, https is a host like any other.
              `http://127.0.0.1.evil.example:${port}/_apis/oidc/token?api-version=2.0`,
              `https://127.0.0.1.evil.example:${port}/_apis/oidc/token?api-version=2.0`,
              `https://${hugeHost(r)}/_apis/oidc/token?api-version=2.0`
            ])
    ])()
    if (value === undefined) delete c.env[name]
    else c.env[name] = value
    c.what.push(value === undefined ? `no ${name}` : name)
  }
  if (chosen.has('github')) {
    c.github = hostileGithubAnswer(r, k, c)
    c.what.push(`GitHub ${'raw' in c.github ? `HTTP ${c.github.raw.status}` : Object.keys(c.github)[0]}`)
  }
  if (chosen.has('answer')) {
    c.answer = hostileAnswer(r, k.server)
    c.what.push(`answer HTTP ${c.answer.status}`)
  }
  if (chosen.has('quote')) {
    // GitHub hands out a good ID token; the org, or GitHub itself, quotes a secret the action holds.
    const idToken = k.github.sign(githubClaims(r, k.server.url))
    c.signed.push(idToken)
    const secret = r.pick([idToken, idToken.split('.')[2], k.github.requestToken])
    if (r.chance(0.25) && secret === k.github.requestToken) {
      c.github = { status: r.pick([401, 403]), body: { message: quoting(r, secret) } }
      c.what.push('GitHub quotes the request token')
    } else {
      c.github = { status: 200, body: { count: 1, value: idToken } }
      c.answer = hostileAnswer(r, k.server, [secret, secret], 1)
      c.what.push(`answer HTTP ${c.answer.status} quoting ${secret === k.github.requestToken ? 'the request token' : 'the ID token'}`)
    }
  }
  return c
}

describe(`keyless fuzz of the bundled action (FUZZ_SEED=${SEED}, ${KEYLESS_RUNS} runs)`, () => {
  const lanes: GithubOidcFixture[] = []
  beforeAll(async () => {
    for (let i = 0; i < LANES; i++) lanes.push(await setUpGithubOidc())
  }, 60_000)
  afterAll(() => Promise.all(lanes.map(k => k.close())))

  it(`${KEYLESS_RUNS} runs end cleanly, and every refused input is refused before any request`, async () => {
    const failures = await runLanes(lanes, KEYLESS_RUNS, ONLY, async (k, run) => {
      const r = seededRandom(SEED * 1_000_003 + 500_000 + run)
      const c = makeGithubOidcCase(r, k)
      k.github.faults.length = 0
      k.server.faults.length = 0
      if (c.github) k.github.fault(c.github)
      if (c.answer) k.server.fault({ raw: c.answer })
      const sent = k.github.requests.length + k.server.requests.length
      const result = await runStep({
        inputs: { 'auth-flow': 'github-oidc', 'client-id': k.clientId, 'login-url': k.server.url, ...c.inputs },
        env: { NODE_OPTIONS: LOOPBACK, ...c.env },
        timeoutMs: RUN_LIMIT_MS
      })
      k.github.faults.length = 0
      k.server.faults.length = 0
      const found = problems(
        result,
        res => assertNoLeaks(k.server, res, [...k.github.idTokens, k.github.requestToken, ...c.signed]),
        c.inputs
      )
      if (/^Input '/.test(result.errors[0] ?? '') && k.github.requests.length + k.server.requests.length !== sent) {
        found.push(`a request was sent before refusing an input: ${result.errors[0].slice(0, 200)}`)
      }
      if (found.length > 0) {
        const env = Object.entries(c.env).map(([name, v]) =>
          name.endsWith('TOKEN') ? `${name}=<${v.length} chars>` : `${name}=${JSON.stringify(v.slice(0, 200))}`
        )
        return (
          `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (keyless: ${c.what.join(', ')}): ${found.join('; ')}\n  inputs: ${JSON.stringify(redactedInputs(c.inputs))}` +
          `\n  env: ${env.join(' ')}` +
          (c.github ? `\n  GitHub: ${hideJwts(JSON.stringify(c.github)).slice(0, 400)}` : '') +
          (c.claims.length > 0 ? `\n  signed claims: ${JSON.stringify(c.claims).slice(0, 600)}` : '') +
          (c.answer ? `\n  answer: HTTP ${c.answer.status} ${JSON.stringify(c.answer.body.slice(0, 300))}` : '')
        )
      }
      return undefined
    })
    expect(failures).toEqual([])
  }, 300_000)
})

// The families of issue 20, a few targeted runs each (FUZZ_FAMILY_RUNS, round robin over the families): a secret
// pasted into any input, a 1 MiB hostile answer under a deadline, the debug, proxy and TLS variables, hostile
// instance_url and identity hosts, token lengths around the floor, and host spellings. Replay one with FUZZ_SEED and FUZZ_RUN.
const FAMILY_RUNS = Number(process.env.FUZZ_FAMILY_RUNS ?? 36)
const FAMILIES = ['pasted secret', 'hostile body', 'environment', 'answer host', 'token length', 'host spelling'] as const
/** The deadline of a run that receives a 1 MiB answer: it must end within this plus a second. */
const BODY_DEADLINE_S = 2
const PROXY_PASSWORD = 'Pr0xyFuzzPassw0rd'

interface FamilyCase {
  what: string
  inputs: Record<string, string>
  env: Record<string, string>
  answer?: { status: number; headers: Record<string, string>; body: string }
  /** What this run must hold, given its result and the requests the org saw. */
  check: (r: StepResult, sent: number) => string[]
  /** A run that must end sooner than RUN_LIMIT_MS is killed soon after its limit, so a failure is quick too. */
  timeoutMs?: number
}

function makeFamilyCase(r: Random, f: Fixture, run: number): FamilyCase {
  const family = FAMILIES[run % FAMILIES.length]
  const refusedBefore = (rx: RegExp) => (res: StepResult, sent: number) =>
    rx.test(res.errors[0] ?? '') && sent === 0
      ? []
      : [`expected a refusal before any request matching ${rx}, got ${res.errors[0]?.slice(0, 200)}`]
  if (family === 'pasted secret') {
    const secret = pastedSecret(r)
    const name = r.pick(Object.keys(ACTION.inputs))
    const inputs: Record<string, string> = { [name]: secret.value }
    if (name === 'private-key-file') inputs['private-key'] = ''
    return { what: `${family} in '${name}'`, inputs, env: {}, check: res => transformedLeaks(res, secret) }
  }
  if (family === 'hostile body') {
    const { what, body } = hostileBody(r)
    const status = r.pick([200, 400, 401, 404, 500, 503])
    const limit = (BODY_DEADLINE_S + 1) * 1000
    return {
      what: `${family}: HTTP ${status}, ${what}`,
      inputs: { 'request-timeout-seconds': String(BODY_DEADLINE_S) },
      env: {},
      answer: { status, headers: { 'content-type': r.pick(['text/html', 'application/json', 'text/plain']) }, body },
      timeoutMs: limit + 3000,
      check: res => (res.code === 1 && res.durationMs < limit ? [] : [`code ${res.code} after ${res.durationMs} ms (limit ${limit} ms)`])
    }
  }
  if (family === 'host spelling') {
    const { host, kind } = hostSpelling(r)
    const refusal = hostRefusal('login-url', kind)
    return {
      what: `${family}: login-url https://${host} (${kind})`,
      inputs: { 'login-url': `https://${host}`, 'request-timeout-seconds': '2' },
      env: {},
      check: refusal
        ? refusedBefore(refusal)
        : res => (/^Input 'login-url'/.test(res.errors[0] ?? '') ? [`refused: ${res.errors[0].slice(0, 200)}`] : [])
    }
  }
  if (family === 'environment') {
    const pick = r.int(3)
    if (pick === 0) {
      const { value, refused } = nodeDebug(r)
      return {
        what: `NODE_DEBUG=${value}`,
        inputs: {},
        env: { NODE_DEBUG: value },
        check: refused ? refusedBefore(/^NODE_DEBUG names/) : res => (res.code === 0 ? [] : [`refused: ${res.errors[0]?.slice(0, 200)}`])
      }
    }
    if (pick === 1) {
      const { name, value, refused } = proxyVariable(r, PROXY_PASSWORD)
      const leak = (res: StepResult): string[] =>
        `${res.stdout}${res.stderr}`.includes(PROXY_PASSWORD) ? ['the proxy password shows'] : []
      return {
        what: `${name}=<${value.length} characters>`,
        inputs: {},
        env: { [name]: value },
        check: refused
          ? (res, sent) => [...refusedBefore(new RegExp(`^${name} is set but is not a proxy URL`))(res, sent), ...leak(res)]
          : res => [...(res.code === 0 ? [] : [`refused: ${res.errors[0]?.slice(0, 200)}`]), ...leak(res)]
      }
    }
    const { value, refused } = tlsRejectUnauthorized(r)
    return {
      what: `NODE_TLS_REJECT_UNAUTHORIZED=${JSON.stringify(value)}`,
      inputs: {},
      env: { NODE_TLS_REJECT_UNAUTHORIZED: value },
      check: refused
        ? refusedBefore(/^NODE_TLS_REJECT_UNAUTHORIZED=0 .*NODE_EXTRA_CA_CERTS/)
        : res => (res.code === 0 ? [] : [`refused: ${res.errors[0]}`])
    }
  }
  const token = `${f.server.orgId.slice(0, 15)}!AR${createHash('sha256').update(String(r.next())).digest('base64url')}`
  rememberSecret(token)
  const fields: Record<string, string> = {
    access_token: token,
    instance_url: 'https://acme.my.salesforce.com',
    id: `https://login.salesforce.com/id/${f.server.orgId}/${sfId('005')}`,
    token_type: 'Bearer'
  }
  const answer = (): FamilyCase['answer'] => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields)
  })
  if (family === 'answer host') {
    const field = r.pick(['instance_url', 'id'])
    const { host, trusted } = answerHost(r, `127.0.0.1:${f.server.port}`)
    fields[field] = `https://${host}${field === 'id' ? `/id/${f.server.orgId}/${sfId('005')}` : ''}`
    return {
      what: `${family}: ${field} ${fields[field]}`,
      inputs: {},
      env: {},
      answer: answer(),
      check: res =>
        trusted === (res.code === 0) && (trusted || /which is neither a Salesforce host nor the login host/.test(res.errors[0] ?? ''))
          ? []
          : [`${trusted ? 'refused' : 'accepted'}: ${res.errors[0]?.slice(0, 200) ?? res.outputs[field]}`]
    }
  }
  const field = r.pick(['access_token', 'refresh_token'])
  const length = tokenLength(r)
  const value = noise(r, length)
  if (length >= 8) rememberSecret(value)
  fields[field] = value
  const usable = field === 'access_token' ? length >= 32 : length === 0 || length >= 32
  return {
    what: `${family}: ${field} of ${length}`,
    inputs: {},
    env: {},
    answer: answer(),
    check: res => [
      ...(usable === (res.code === 0) ? [] : [`${usable ? 'refused' : 'accepted'}: ${res.errors[0]?.slice(0, 200)}`]),
      ...(length > 0 && length < 32 && res.masks.includes(value) ? ['a token too short to be real was masked'] : []),
      ...(!usable && length > 0 && !res.errors[0]?.includes(`${field} of ${length} character`)
        ? ['the refusal does not name the field and length']
        : [])
    ]
  }
}

describe(`the issue 20 families (FUZZ_SEED=${SEED}, ${FAMILY_RUNS} runs)`, () => {
  const lanes: Fixture[] = []
  beforeAll(async () => {
    for (let i = 0; i < LANES; i++) lanes.push(await setUp())
  }, 60_000)
  afterAll(() => Promise.all(lanes.map(f => f.close())))

  it(`${FAMILY_RUNS} runs hold what each family promises, and end cleanly`, async () => {
    const failures = await runLanes(lanes, FAMILY_RUNS, ONLY, async (f, run) => {
      const r = seededRandom(SEED * 1_000_003 + 900_000 + run)
      const c = makeFamilyCase(r, f, run)
      f.server.faults.length = 0
      if (c.answer) f.server.fault({ raw: c.answer })
      const before = f.server.requests.length
      const result = await runStep({
        inputs: {
          'client-id': f.clientId,
          username: 'deploy@acme.example',
          'private-key': f.identity.pkcs8,
          'login-url': f.server.url,
          'max-attempts': '1',
          'request-timeout-seconds': '10',
          ...c.inputs
        },
        env: { NODE_OPTIONS: LOOPBACK, ...c.env },
        timeoutMs: c.timeoutMs ?? RUN_LIMIT_MS
      })
      f.server.faults.length = 0
      // Node prints its own warnings (debug output of a harmless NODE_DEBUG section) to stderr: not the action's.
      const found = [
        ...problems(result, res => assertNoLeaks(f.server, res), c.inputs).filter(p => !(c.env.NODE_DEBUG && p.startsWith('stderr'))),
        ...c.check(result, f.server.requests.length - before)
      ]
      return found.length > 0 ? `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (${c.what}): ${found.join('; ')}` : undefined
    })
    expect(failures).toEqual([])
  }, 300_000)
})

// The keyless side of the families: GitHub's ID token at lengths around the floor, and 1 MiB hostile answers from
// GitHub's token service under the same deadline.
const KEYLESS_FAMILY_RUNS = Number(process.env.FUZZ_KEYLESS_FAMILY_RUNS ?? 6)

describe(`the issue 20 families, keyless (FUZZ_SEED=${SEED}, ${KEYLESS_FAMILY_RUNS} runs)`, () => {
  let k: GithubOidcFixture
  beforeAll(async () => {
    k = await setUpGithubOidc()
  }, 60_000)
  afterAll(() => k.close())

  it(`${KEYLESS_FAMILY_RUNS} runs hold what each family promises, and end cleanly`, async () => {
    const failures = await runLanes([k], KEYLESS_FAMILY_RUNS, ONLY, async (_, run) => {
      const r = seededRandom(SEED * 1_000_003 + 950_000 + run)
      const s = k.server.tokenRequests().length
      const limit = (BODY_DEADLINE_S + 1) * 1000
      let what: string
      let check: (res: StepResult) => string[]
      if (run % 2 === 0) {
        const length = tokenLength(r)
        const value = noise(r, length)
        if (length >= 8) rememberSecret(value)
        k.github.fault({ status: 200, body: { count: 1, value } })
        what = `an ID token of ${length} characters`
        check = res =>
          length > 0 && length < 32
            ? [
                ...(res.masks.includes(value) ? ['a token too short to be real was masked'] : []),
                ...(k.server.tokenRequests().length === s ? [] : ['it was sent to the org']),
                ...(res.errors[0]?.includes(`a value of ${length} characters, too short`)
                  ? []
                  : [`not refused by length: ${res.errors[0]}`])
              ]
            : []
      } else {
        const { what: shape, body } = hostileBody(r)
        const status = r.pick([200, 401, 403, 500, 503])
        k.github.fault({ raw: { status, headers: { 'content-type': 'text/html' }, body } })
        what = `GitHub HTTP ${status}, ${shape}`
        check = res => (res.code === 1 && res.durationMs < limit ? [] : [`code ${res.code} after ${res.durationMs} ms (limit ${limit} ms)`])
      }
      const result = await k
        .step(
          { 'max-attempts': '1', 'request-timeout-seconds': String(BODY_DEADLINE_S) },
          { env: { NODE_OPTIONS: LOOPBACK }, timeoutMs: limit + 3000 }
        )
        .catch((err: Error) => err)
      k.github.faults.length = 0
      if (result instanceof Error) return `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (${what}): ${result.message.split('\n').slice(0, 6).join(' ')}`
      const found = [...problems(result, () => undefined, {}), ...check(result)]
      return found.length > 0 ? `FUZZ_SEED=${SEED} FUZZ_RUN=${run} (keyless: ${what}): ${found.join('; ')}` : undefined
    })
    expect(failures).toEqual([])
  }, 120_000)
})
