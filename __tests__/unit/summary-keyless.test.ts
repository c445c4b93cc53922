// The step summary and the last log line after a keyless (GitHub OIDC) login, and the key-based line beside it.
import { describe, expect, it } from '@jest/globals'
import type { TrustClaims } from '../../src/flow.js'
import { authenticatedLine, summaryMarkdown, type SummaryFacts } from '../../src/summary.js'

const CLAIMS: TrustClaims = {
  repository: 'acme/app',
  repositoryId: '123456789',
  ref: 'refs/heads/main',
  environment: 'production',
  audience: 'https://acme.my.salesforce.com'
}

const KEYLESS: SummaryFacts = {
  userId: '0055g000003XYZWAA2',
  orgId: '00D5g000004ABCDEAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  loginUrl: 'https://acme.my.salesforce.com',
  audience: 'https://salesforce.acme.example/github',
  keyless: CLAIMS
}

const KEY_BASED: SummaryFacts = {
  username: 'ci-bot@acme.example',
  userId: '0055g000003XYZWAA2',
  orgId: '00D5g000004ABCDEAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  loginUrl: 'https://acme.my.salesforce.com',
  audience: 'https://login.salesforce.com'
}

const HEAD = ['### Salesforce login', '', '| | |', '| --- | --- |']

/** The table rows of the summary, without the heading and the table header. */
const rows = (markdown: string): string[] => markdown.split('\n').slice(HEAD.length, -1)

describe('summaryMarkdown: keyless', () => {
  it('is the heading and the keyless rows, then who logged in where, ending with a newline', () => {
    expect(summaryMarkdown(KEYLESS)).toBe(
      [
        ...HEAD,
        '| Login | Keyless (GitHub OIDC token exchange) |',
        '| Repository | acme/app (id 123456789) |',
        '| Ref | refs/heads/main |',
        '| Environment | production |',
        "| User | 0055g000003XYZWAA2 (chosen by the org's trust rules) |",
        '| Org id | 00D5g000004ABCDEAA |',
        '| Instance URL | https://acme.my.salesforce.com |',
        '| Login URL | https://acme.my.salesforce.com |',
        '| OIDC audience | https://salesforce.acme.example/github |',
        ''
      ].join('\n')
    )
  })

  it('shows (none) for a job without an environment', () => {
    expect(rows(summaryMarkdown({ ...KEYLESS, keyless: { ...CLAIMS, environment: '' } }))[3]).toBe('| Environment | (none) |')
  })

  it("shows 'unknown' for an unknown user and org", () => {
    expect(rows(summaryMarkdown({ ...KEYLESS, userId: '', orgId: '' })).slice(4, 6)).toEqual([
      "| User | unknown (chosen by the org's trust rules) |",
      '| Org id | unknown |'
    ])
  })

  it('adds the certificate row last when given, as in the key-based flow', () => {
    expect(rows(summaryMarkdown({ ...KEYLESS, certificateExpiresAt: '2030-06-15T12:00:00.000Z' })).slice(-2)).toEqual([
      '| OIDC audience | https://salesforce.acme.example/github |',
      '| Certificate expires | 2030-06-15T12:00:00.000Z |'
    ])
  })

  it('escapes pipes and line breaks in every claim so each stays in its cell', () => {
    const markdown = summaryMarkdown({
      ...KEYLESS,
      audience: 'https://a|b\nc',
      keyless: {
        repository: 'acme/a|pp',
        repositoryId: '1|2',
        ref: 'refs/heads/x\ny',
        environment: 'prod|eu\r\nwest\rz',
        audience: 'ignored'
      }
    })
    expect(markdown).not.toContain('\r')
    expect(rows(markdown)).toEqual([
      '| Login | Keyless (GitHub OIDC token exchange) |',
      '| Repository | acme/a\\|pp (id 1\\|2) |',
      '| Ref | refs/heads/x y |',
      '| Environment | prod\\|eu west z |',
      "| User | 0055g000003XYZWAA2 (chosen by the org's trust rules) |",
      '| Org id | 00D5g000004ABCDEAA |',
      '| Instance URL | https://acme.my.salesforce.com |',
      '| Login URL | https://acme.my.salesforce.com |',
      '| OIDC audience | https://a\\|b c |'
    ])
  })

  it('shows the audience asked of GitHub (the facts), not the claim read from the token', () => {
    const markdown = summaryMarkdown({ ...KEYLESS, keyless: { ...CLAIMS, audience: 'https://other.example' } })
    expect(rows(markdown)[8]).toBe('| OIDC audience | https://salesforce.acme.example/github |')
    expect(markdown).not.toContain('other.example')
  })

  it('keeps the key-based summary free of keyless rows', () => {
    expect(rows(summaryMarkdown(KEY_BASED))).toEqual([
      '| User | ci-bot@acme.example (0055g000003XYZWAA2) |',
      '| Org id | 00D5g000004ABCDEAA |',
      '| Instance URL | https://acme.my.salesforce.com |',
      '| Login URL | https://acme.my.salesforce.com |',
      '| Audience | https://login.salesforce.com |'
    ])
  })
})

describe('authenticatedLine', () => {
  it.each<[string, SummaryFacts, string]>([
    [
      'key-based',
      KEY_BASED,
      'Authenticated as ci-bot@acme.example (user 0055g000003XYZWAA2) to org 00D5g000004ABCDEAA at https://acme.my.salesforce.com.'
    ],
    [
      'key-based, ids unknown',
      { ...KEY_BASED, userId: '', orgId: '' },
      'Authenticated as ci-bot@acme.example (user unknown) to org unknown at https://acme.my.salesforce.com.'
    ],
    [
      'keyless',
      KEYLESS,
      "Authenticated without a key as user 0055g000003XYZWAA2 (chosen by the org's trust rules for acme/app at refs/heads/main) " +
        'to org 00D5g000004ABCDEAA at https://acme.my.salesforce.com.'
    ],
    [
      'keyless on a tag, ids unknown',
      { ...KEYLESS, userId: '', orgId: '', keyless: { ...CLAIMS, ref: 'refs/tags/v1.2.0' } },
      "Authenticated without a key as user unknown (chosen by the org's trust rules for acme/app at refs/tags/v1.2.0) " +
        'to org unknown at https://acme.my.salesforce.com.'
    ],
    [
      'no username and no claims',
      { ...KEYLESS, keyless: undefined },
      'Authenticated without a key as user 0055g000003XYZWAA2 to org 00D5g000004ABCDEAA at https://acme.my.salesforce.com.'
    ],
    [
      'a username with claims: the username wins',
      { ...KEYLESS, username: 'ci-bot@acme.example' },
      'Authenticated as ci-bot@acme.example (user 0055g000003XYZWAA2) to org 00D5g000004ABCDEAA at https://acme.my.salesforce.com.'
    ]
  ])('%s', (_name, facts, line) => {
    expect(authenticatedLine(facts)).toBe(line)
  })
})
