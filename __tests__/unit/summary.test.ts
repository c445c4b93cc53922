import { describe, expect, it } from '@jest/globals'
import { summaryMarkdown, type SummaryFacts } from '../../src/summary.js'

const FACTS: SummaryFacts = {
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
