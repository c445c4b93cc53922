import { describe, expect, it } from '@jest/globals'
import { SECRETS_HINT } from '../../src/errors.js'
import type { JwtBearerInputs } from '../../src/flows/jwt-bearer/index.js'
import { plainText, type GetInput } from '../../src/input-rules.js'
import { readInputs } from '../../src/inputs.js'
import { thrown } from './fixtures.js'

// Placeholder text: readInputs only routes the key, it never parses it.
const KEY = '-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----\n'

const BASE: Record<string, string> = {
  'client-id': '3MVG9placeholderConsumerKey',
  username: 'ci-bot@acme.example',
  'private-key': KEY,
  'private-key-file': '',
  'private-key-passphrase': '',
  'login-url': '',
  audience: ''
}

/** What core.getInput would return for these values: '' for any input not set (as the runner does). */
const from =
  (overrides: Record<string, string>): GetInput =>
  name =>
    ({ ...BASE, ...overrides })[name] ?? ''

describe('readInputs', () => {
  it('reads the identity, key and endpoint inputs', () => {
    expect(
      readInputs(
        from({
          'private-key-passphrase': 'pass phrase',
          'login-url': 'https://acme.my.salesforce.com',
          audience: 'sandbox'
        })
      )
    ).toMatchObject({
      clientId: '3MVG9placeholderConsumerKey',
      username: 'ci-bot@acme.example',
      keySource: { input: 'private-key', value: KEY },
      passphrase: 'pass phrase',
      loginUrl: 'https://acme.my.salesforce.com',
      tokenUrl: 'https://acme.my.salesforce.com/services/oauth2/token',
      orgChosenBy: "'login-url'",
      audience: 'https://test.salesforce.com'
    })
  })

  it.each([
    ['client-id', '  3MVG9placeholderConsumerKey \n', 'clientId', '3MVG9placeholderConsumerKey'],
    ['username', '\tci-bot@acme.example  ', 'username', 'ci-bot@acme.example']
  ])('trims %s', (name, value, field, expected) => {
    expect(readInputs(from({ [name]: value }))).toMatchObject({ [field]: expected })
  })

  it.each([
    [
      'the key from a secret, as given (its own parser unwraps it)',
      { 'private-key': `  ${KEY}  ` },
      { input: 'private-key', value: `  ${KEY}  ` }
    ],
    [
      'a key file path, trimmed',
      { 'private-key': '', 'private-key-file': '  ./server.key \n' },
      { input: 'private-key-file', value: './server.key' }
    ],
    [
      'a key file path when private-key is only whitespace',
      { 'private-key': ' \n ', 'private-key-file': 'keys/server.key' },
      { input: 'private-key-file', value: 'keys/server.key' }
    ],
    ['the key when private-key-file is only whitespace', { 'private-key-file': '   ' }, { input: 'private-key', value: KEY }]
  ])('takes %s', (_name, overrides, keySource) => {
    expect((readInputs(from(overrides)) as JwtBearerInputs).keySource).toEqual(keySource)
  })

  it.each([
    ['client-id', '', 'the consumer key of the connected app or External Client App'],
    ['client-id', ' \n\t', 'the consumer key of the connected app or External Client App'],
    ['username', '', 'the Salesforce username to log in as'],
    ['username', '   ', 'the Salesforce username to log in as']
  ])('requires %s (given %j), with the secrets hint', (name, value, what) => {
    expect(thrown(() => readInputs(from({ [name]: value }))).message).toBe(
      `Input '${name}' is required but empty (${what}). ${SECRETS_HINT}`
    )
  })

  it('says how to choose a flow, with the secrets hint, when no input names one', () => {
    const empty = Object.fromEntries(Object.keys(BASE).map(k => [k, '']))
    const message = thrown(() => readInputs(from(empty))).message
    expect(message).toMatch(/^No login flow is chosen: 'auth-flow' is empty and no flow's inputs are set\. /)
    expect(message).toContain('secrets are not passed to workflows triggered from forks')
  })

  it('reports client-id first when everything is empty but the flow', () => {
    const empty = Object.fromEntries(Object.keys(BASE).map(k => [k, '']))
    expect(thrown(() => readInputs(from({ ...empty, 'auth-flow': 'jwt-bearer' }))).message).toMatch(
      /^Input 'client-id' is required but empty/
    )
  })

  it('checks username before the key inputs', () => {
    const message = thrown(() => readInputs(from({ 'auth-flow': 'jwt-bearer', username: '', 'private-key': '' }))).message
    expect(message).toMatch(/^Input 'username' is required/)
  })

  it.each([
    ['both given', { 'private-key-file': 'server.key' }],
    ['both given, key with surrounding whitespace', { 'private-key': `\n${KEY}\n`, 'private-key-file': ' server.key ' }]
  ])('refuses the two key inputs %s', (_name, overrides) => {
    expect(thrown(() => readInputs(from(overrides))).message).toBe(
      "Inputs 'private-key' and 'private-key-file' are both set. Give exactly one: the key itself from a secret, or the path of a key file."
    )
  })

  it.each([
    ['both empty', { 'private-key': '', 'private-key-file': '' }],
    ['both whitespace', { 'private-key': '  \n', 'private-key-file': '\t' }]
  ])('refuses the two key inputs %s, with the secrets hint', (_name, overrides) => {
    expect(thrown(() => readInputs(from(overrides))).message).toBe(
      "Input 'private-key' is empty and 'private-key-file' is not set. Give the RSA private key from a secret " +
        '(private-key: ${{ secrets.SALESFORCE_PRIVATE_KEY }}) or the path of a key file. ' +
        SECRETS_HINT
    )
  })

  it('names the fork and Dependabot causes in the secrets hint', () => {
    expect(SECRETS_HINT).toContain('workflows triggered from forks')
    expect(SECRETS_HINT).toContain('Dependabot runs only see Dependabot secrets')
  })
})

describe('plainText: control characters and lengths', () => {
  it.each([
    ['client-id', 'LF', '3MVG9abc\ndef', '\\n at character 9'],
    ['client-id', 'NUL', '3MVG9abc\u0000', '\\u{0} at character 9'],
    ['username', 'LF and a command', 'ci@acme.com\n::warning::FORGED', '\\n at character 12'],
    ['username', 'CR', 'ci@acme.com\r::stop-commands::x', '\\r at character 12'],
    ['username', 'ESC', 'ci\u001b[2J@acme.com', '\\u{1b} at character 3'],
    ['username', 'a line separator', 'ci\u2028@acme.com', '\\u{2028} at character 3'],
    ['login-url', 'a tab URL parsers drop', 'https://acme.my.sales\tforce.com', '\\t at character 22'],
    ['audience', 'LF', 'https://login.salesforce.com/\n::warning::FORGED', '\\n at character 30']
  ])('%s with %s is refused before any request, naming it and not echoing it', (name, _, value, where) => {
    const error = thrown(() => readInputs(from({ [name]: value })))
    expect(error.message).toBe(
      `Input '${name}' holds a control character (${where}), which no valid value has. ` +
        'Remove it: values pasted into secrets often carry a stray line break.'
    )
    expect(error.message).not.toContain('FORGED')
  })

  it.each([
    ['client-id', 255, true],
    ['client-id', 256, false],
    ['username', 80, true],
    ['username', 81, false]
  ])('%s of %i characters: accepted %s', (name, length, ok) => {
    const value = `${'a'.repeat(length - 9)}@acme.com`
    if (ok) {
      expect(readInputs(from({ [name]: value }))).toBeDefined()
    } else {
      const error = thrown(() => readInputs(from({ [name]: value })))
      expect(error.message).toBe(
        `Input '${name}' is ${length} characters long; at most ${name === 'username' ? 80 : 255} are allowed. Check that it holds the right value.`
      )
    }
  })

  it('surrounding white space and line breaks are trimmed, not refused', () => {
    expect((readInputs(from({ username: '  ci@acme.com\n' })) as JwtBearerInputs).username).toBe('ci@acme.com')
  })

  it('plainText is reusable for any input', () => {
    expect(plainText('role', 'ok', 10)).toBe('ok')
    expect(thrown(() => plainText('role', 'x'.repeat(11), 10)).message).toMatch(/^Input 'role' is 11 characters long; at most 10/)
  })

  it.each([
    ['max-attempts', `3\n::warning::FORGED`, 'must be a whole number from 1 to 10, not a value of 19 characters (not shown)'],
    ['revoke-token', 'x'.repeat(65), 'must be true or false, not a value of 65 characters (not shown)'],
    ['allowed-org-ids', '00D\u0000', 'holds a value of 4 characters (not shown), which is not a Salesforce org id']
  ])('%s: a refused value is echoed only when short and printable', (name, value, problem) => {
    expect(thrown(() => readInputs(from({ [name]: value }))).message).toContain(`Input '${name}' ${problem}.`)
  })
})

describe('plainText', () => {
  it.each([
    ['\u001bX', 1],
    ['X\u001b', 2],
    ['a\nb', 2]
  ])('refuses %j, naming where the control character is', (value, at) => {
    expect(thrown(() => plainText('client-id', value, 255)).message).toContain(`at character ${at})`)
  })

  it('takes a value of exactly the maximum length, and refuses one more', () => {
    expect(plainText('username', 'x'.repeat(80), 80)).toBe('x'.repeat(80))
    expect(thrown(() => plainText('username', 'x'.repeat(81), 80)).message).toBe(
      "Input 'username' is 81 characters long; at most 80 are allowed. Check that it holds the right value."
    )
  })
})
