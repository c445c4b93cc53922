// The inputs added after inputs.test.ts: attempts and time limit, revoke-token, certificate,
// allowed-org-ids, export-env and job-summary.
import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import type { JwtBearerInputs } from '../../src/flows/jwt-bearer/index.js'
import type { GetInput } from '../../src/input-rules.js'
import { readInputs, type Inputs } from '../../src/inputs.js'
import { ACTION } from '../../fakes/runner.mjs'

// Placeholder text: readInputs only routes the key, it never parses it.
const KEY = '-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----\n'
const ORG = '00D5g000004ABCDEAA'
const OTHER15 = '00Dxx0000001gPL'

/** core.getInput for the required inputs plus `overrides`: '' for any input not set. */
const inputs =
  (overrides: Record<string, string> = {}): GetInput =>
  name =>
    ({ 'client-id': '3MVG9placeholderConsumerKey', username: 'ci-bot@acme.example', 'private-key': KEY, ...overrides })[name] ?? ''

const read = (overrides: Record<string, string>): Inputs => readInputs(inputs(overrides))

/** Expects readInputs to refuse `overrides` with exactly `message`, as an ActionError. */
const refuses = (overrides: Record<string, string>, message: string): void => {
  expect(() => read(overrides)).toThrow(ActionError)
  expect(() => read(overrides)).toThrow(new ActionError(message))
}

const NEW_INPUTS = [
  'max-attempts',
  'request-timeout-seconds',
  'revoke-token',
  'certificate',
  'allowed-org-ids',
  'export-env',
  'job-summary'
]

describe('readInputs: defaults of the newer inputs', () => {
  it('reads everything with defaults when only the required inputs are set', () => {
    expect(read({})).toEqual({
      flow: 'jwt-bearer',
      clientId: '3MVG9placeholderConsumerKey',
      username: 'ci-bot@acme.example',
      keySource: { input: 'private-key', value: KEY },
      passphrase: '',
      loginUrl: 'https://login.salesforce.com',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      orgChosenBy: "'login-url'",
      audience: 'https://login.salesforce.com',
      maxAttempts: 3,
      requestTimeoutSeconds: 30,
      revokeToken: false,
      certificate: '',
      allowedOrgIds: [],
      exportEnv: false,
      jobSummary: true
    })
  })

  it('treats whitespace-only values as unset', () => {
    expect(read(Object.fromEntries(NEW_INPUTS.map(name => [name, ' \n\t '])))).toMatchObject({
      maxAttempts: 3,
      requestTimeoutSeconds: 30,
      revokeToken: false,
      allowedOrgIds: [],
      exportEnv: false,
      jobSummary: true
    })
  })

  it("falls back to action.yml's defaults, and action.yml declares every newer input as optional", () => {
    const defaults = read({})
    expect(NEW_INPUTS.filter(name => !(name in ACTION.inputs) || ACTION.inputs[name].required !== false)).toEqual([])
    expect({
      'max-attempts': ACTION.inputs['max-attempts'].default,
      'request-timeout-seconds': ACTION.inputs['request-timeout-seconds'].default,
      'revoke-token': ACTION.inputs['revoke-token'].default,
      'export-env': ACTION.inputs['export-env'].default,
      'job-summary': ACTION.inputs['job-summary'].default,
      certificate: ACTION.inputs.certificate.default,
      'allowed-org-ids': ACTION.inputs['allowed-org-ids'].default
    }).toEqual({
      'max-attempts': String(defaults.maxAttempts),
      'request-timeout-seconds': String(defaults.requestTimeoutSeconds),
      'revoke-token': String(defaults.revokeToken),
      'export-env': String(defaults.exportEnv),
      'job-summary': String(defaults.jobSummary),
      certificate: undefined,
      'allowed-org-ids': undefined
    })
  })
})

describe.each([
  ['max-attempts', 'maxAttempts', 1, 10],
  ['request-timeout-seconds', 'requestTimeoutSeconds', 1, 300]
] as const)('readInputs: %s', (name, field, min, max) => {
  it.each([
    [String(min), min],
    [String(max), max],
    [String(max - 1), max - 1],
    ['5', 5],
    [' 7 \n', 7],
    ['08', 8]
  ])('reads %j as %s', (value, expected) => {
    expect(read({ [name]: value })[field]).toBe(expected)
  })

  it.each([
    ['below the range', String(min - 1)],
    ['above the range', String(max + 1)],
    ['far above the range', '99999999999999999999'],
    ['negative', '-3'],
    ['signed', '+3'],
    ['decimal', '2.5'],
    ['a whole decimal', '3.0'],
    ['exponent', '1e1'],
    ['hex', '0x3'],
    ['with a unit', '3s'],
    ['words', 'three'],
    ['two numbers', '3 4'],
    ['non-ASCII digits', '٣'],
    ['a YAML boolean', 'true']
  ])('refuses %s (%j), naming the input, the range and the value', (_kind, value) => {
    refuses(
      { [name]: ` ${value} ` },
      `Input '${name}' must be a whole number from ${min} to ${max}, not '${value}'. Set it to a number in that range, or remove it for the default.`
    )
  })
})

describe.each([
  ['revoke-token', 'revokeToken', false],
  ['export-env', 'exportEnv', false],
  ['job-summary', 'jobSummary', true]
] as const)('readInputs: %s (Inputs.%s)', (name, field, fallback) => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    [' true\n', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['\tFALSE ', false],
    ['', fallback],
    ['   ', fallback]
  ])('reads %j as %s', (value, expected) => {
    expect(read({ [name]: value })[field]).toBe(expected)
  })

  it.each([['yes'], ['no'], ['on'], ['off'], ['1'], ['0'], ['y'], ['t'], ['tRUE'], ['fAlse'], ['truee'], ['true false'], ['"true"']])(
    'refuses %j, naming the input and the value',
    value => {
      refuses(
        { [name]: value },
        `Input '${name}' must be true or false, not '${value}'. Set it to true or false, or remove it for the default.`
      )
    }
  )

  it('is read independently of the other two booleans', () => {
    const others = ['revoke-token', 'export-env', 'job-summary'].filter(n => n !== name)
    const value = read({ [name]: String(!fallback), ...Object.fromEntries(others.map(n => [n, String(fallback)])) })
    expect(value[field]).toBe(!fallback)
  })
})

describe('readInputs: certificate', () => {
  it.each([
    ['a PEM, untouched (its own parser unwraps it)', '\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n  '],
    ['text that is no certificate (checked later, only when given)', 'not a certificate'],
    ['literal \\n sequences', '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----']
  ])('passes %s through as given', (_name, value) => {
    expect((read({ certificate: value }) as JwtBearerInputs).certificate).toBe(value)
  })
})

describe('readInputs: allowed-org-ids', () => {
  it.each([
    ['one id', ORG, [ORG]],
    ['a comma-separated list', `${ORG}, ${OTHER15}`, [ORG, OTHER15]],
    ['a newline-separated list with blank lines', `\n${ORG}\n\n${OTHER15}\n`, [ORG, OTHER15]]
  ])('parses %s', (_name, value, ids) => {
    expect(read({ 'allowed-org-ids': value }).allowedOrgIds).toEqual(ids)
  })

  it('refuses a user id, naming the input and the value', () => {
    refuses(
      { 'allowed-org-ids': `${ORG}\n005000000000001` },
      "Input 'allowed-org-ids' holds '005000000000001', which is not a Salesforce org id. " +
        'Org ids begin with 00D and have 15 or 18 letters and digits (Setup > Company Information).'
    )
  })
})

describe('readInputs: order of the checks', () => {
  it('reports a missing client-id before a bad newer input', () => {
    expect(() => read({ 'client-id': '', 'max-attempts': '0', 'revoke-token': 'yes' })).toThrow(/^Input 'client-id' is required but empty/)
  })

  it('reports the key inputs before a bad newer input', () => {
    expect(() => read({ 'private-key-file': 'server.key', 'job-summary': 'nope' })).toThrow(
      /^Inputs 'private-key' and 'private-key-file' are both set\./
    )
  })
})
