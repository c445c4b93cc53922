import { describe, expect, it } from '@jest/globals'
import { SECRETS_HINT } from '../../src/errors.js'
import { readInputs, type GetInput, type JwtBearerInputs } from '../../src/inputs.js'
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

  it('reports client-id first when everything is empty', () => {
    const empty = Object.fromEntries(Object.keys(BASE).map(k => [k, '']))
    expect(thrown(() => readInputs(from(empty))).message).toMatch(/^Input 'client-id' is required but empty/)
  })

  it('checks username before the key inputs', () => {
    expect(thrown(() => readInputs(from({ username: '', 'private-key': '' }))).message).toMatch(/^Input 'username' is required/)
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
