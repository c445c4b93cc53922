import { describe, expect, it } from '@jest/globals'
import type { TrustClaims } from '../../src/flows/github-oidc/claims.js'
import { chosenUser } from '../../src/flows/github-oidc/index.js'
import { authenticatedLine, summaryMarkdown, type SummaryFacts } from '../../src/summary.js'

const FACTS: SummaryFacts = {
  username: 'ci-bot@acme.example',
  userId: '0055g000003XYZWAA2',
  orgId: '00D5g000004ABCDEAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  loginUrl: 'https://acme.my.salesforce.com',
  audience: 'https://login.salesforce.com'
}

// A keyless login: no username, the claims of the GitHub token exchanged.
const CLAIMS: TrustClaims = {
  issuer: 'https://token.actions.githubusercontent.com',
  repositoryOwnerId: '987654',
  refProtected: 'true',
  jobWorkflowRef: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
  eventName: 'push',
  runnerEnvironment: 'github-hosted',
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
  audienceLabel: 'OIDC audience',
  chosen: chosenUser(CLAIMS)
}

const HEAD = ['### Salesforce login', '', '| | |', '| --- | --- |']

/** The table rows of the summary, without the heading and the table header. */
const rows = (markdown: string): string[] => markdown.split('\n').slice(HEAD.length, -1)

describe('summaryMarkdown', () => {
  it('is a heading and a two-column table of the facts, ending with a newline', () => {
    expect(summaryMarkdown(FACTS)).toBe(
      [
        ...HEAD,
        '| User | ci-bot@acme.example (0055g000003XYZWAA2) |',
        '| Org id | 00D5g000004ABCDEAA |',
        '| Instance URL | https://acme.my.salesforce.com |',
        '| Login URL | https://acme.my.salesforce.com |',
        '| Audience | https://login.salesforce.com |',
        ''
      ].join('\n')
    )
  })

  it('adds the certificate expiry as the last row when given', () => {
    expect(rows(summaryMarkdown({ ...FACTS, certificateExpiresAt: '2030-06-15T12:00:00.000Z' }))).toEqual([
      '| User | ci-bot@acme.example (0055g000003XYZWAA2) |',
      '| Org id | 00D5g000004ABCDEAA |',
      '| Instance URL | https://acme.my.salesforce.com |',
      '| Login URL | https://acme.my.salesforce.com |',
      '| Audience | https://login.salesforce.com |',
      '| Certificate expires | 2030-06-15T12:00:00.000Z |'
    ])
  })

  it.each([
    ['undefined', undefined],
    ['empty', '']
  ])('leaves the certificate row out when its date is %s', (_name, certificateExpiresAt) => {
    expect(summaryMarkdown({ ...FACTS, certificateExpiresAt })).toBe(summaryMarkdown(FACTS))
    expect(summaryMarkdown(FACTS)).not.toContain('Certificate')
  })

  it('shows the username alone when the user id is unknown', () => {
    expect(rows(summaryMarkdown({ ...FACTS, userId: '' }))[0]).toBe('| User | ci-bot@acme.example |')
  })

  it("shows 'unknown' when the org id is", () => {
    expect(rows(summaryMarkdown({ ...FACTS, orgId: '' }))[1]).toBe('| Org id | unknown |')
  })

  it('shows the different login URL, audience and instance as given', () => {
    const facts = {
      ...FACTS,
      instanceUrl: 'https://acme--uat.sandbox.my.salesforce.com',
      loginUrl: 'https://test.salesforce.com',
      audience: 'https://test.salesforce.com'
    }
    expect(rows(summaryMarkdown(facts)).slice(2)).toEqual([
      '| Instance URL | https://acme--uat.sandbox.my.salesforce.com |',
      '| Login URL | https://test.salesforce.com |',
      '| Audience | https://test.salesforce.com |'
    ])
  })

  it.each([
    ['a pipe', 'ci|bot@acme.example', 'ci\\|bot@acme.example'],
    ['several pipes', '|a||b|', '\\|a\\|\\|b\\|'],
    ['a newline', 'ci-bot\n@acme.example', 'ci-bot @acme.example'],
    ['several newlines', 'a\n\nb\n', 'a  b '],
    ['a pipe and a newline', 'a|\nb', 'a\\| b'],
    ['HTML', '<img src=x onerror=alert(1)>&', '&lt;img src=x onerror=alert(1)&gt;&amp;'],
    ['Markdown emphasis, code and links', '*a*_b_`c`[d](e)\\', '\\*a\\*\\_b\\_\\`c\\`\\[d\\](e)\\\\'],
    ['an ordinary username with an underscore', 'ci_bot@acme.example', 'ci\\_bot@acme.example']
  ])('escapes %s in a value so it stays in its cell', (_name, username, shown) => {
    const markdown = summaryMarkdown({ ...FACTS, username, userId: '' })
    expect(rows(markdown)).toHaveLength(5)
    expect(rows(markdown)[0]).toBe(`| User | ${shown} |`)
  })

  it('escapes every value, the user id and the certificate date too', () => {
    const markdown = summaryMarkdown({
      username: 'u|1',
      userId: 'id|2',
      orgId: 'o|3',
      instanceUrl: 'i|4\nx',
      loginUrl: 'l|5',
      audience: 'a|6',
      certificateExpiresAt: 'c|7\ny'
    })
    expect(rows(markdown)).toEqual([
      '| User | u\\|1 (id\\|2) |',
      '| Org id | o\\|3 |',
      '| Instance URL | i\\|4 x |',
      '| Login URL | l\\|5 |',
      '| Audience | a\\|6 |',
      '| Certificate expires | c\\|7 y |'
    ])
  })

  // CommonMark (and so GitHub's table parser) ends a line at a carriage return too, lone or before a
  // line feed: a CR left in a value splits the row just as a line feed would.
  it.each([
    ['CRLF', 'ci-bot\r\n@acme.example'],
    ['a lone CR', 'ci-bot\r@acme.example']
  ])('keeps a value with %s on its row (no carriage return left in the table)', (_name, username) => {
    const markdown = summaryMarkdown({ ...FACTS, username, userId: '' })
    expect(markdown).not.toContain('\r')
    expect(markdown.split(/\r\n|\r|\n/)).toHaveLength(HEAD.length + 5 + 1)
  })
})

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
    expect(rows(summaryMarkdown({ ...KEYLESS, chosen: chosenUser({ ...CLAIMS, environment: '' }) }))[3]).toBe('| Environment | (none) |')
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
      chosen: chosenUser({
        ...CLAIMS,
        repository: 'acme/a|pp',
        repositoryId: '1|2',
        ref: 'refs/heads/x\ny',
        environment: 'prod|eu\r\nwest\rz',
        audience: 'ignored'
      })
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
    const markdown = summaryMarkdown({ ...KEYLESS, chosen: chosenUser({ ...CLAIMS, audience: 'https://other.example' }) })
    expect(rows(markdown)[8]).toBe('| OIDC audience | https://salesforce.acme.example/github |')
    expect(markdown).not.toContain('other.example')
  })

  it('keeps the key-based summary free of keyless rows', () => {
    expect(rows(summaryMarkdown(FACTS))).toEqual([
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
      FACTS,
      'Authenticated as ci-bot@acme.example (user 0055g000003XYZWAA2) to org 00D5g000004ABCDEAA at https://acme.my.salesforce.com.'
    ],
    [
      'key-based, ids unknown',
      { ...FACTS, userId: '', orgId: '' },
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
      { ...KEYLESS, userId: '', orgId: '', chosen: chosenUser({ ...CLAIMS, ref: 'refs/tags/v1.2.0' }) },
      "Authenticated without a key as user unknown (chosen by the org's trust rules for acme/app at refs/tags/v1.2.0) " +
        'to org unknown at https://acme.my.salesforce.com.'
    ],
    [
      'no username and no claims',
      { ...KEYLESS, chosen: undefined },
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
