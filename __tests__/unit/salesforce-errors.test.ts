import { describe, expect, it } from '@jest/globals'
import { explainOAuthError, type LoginContext } from '../../src/flows/salesforce-errors.js'
import { FLOWS } from '../../src/flows/index.js'

const ctx: LoginContext = {
  advice: FLOWS['jwt-bearer'].advice,
  loginUrl: 'https://acme--uat.sandbox.my.salesforce.com',
  audience: 'https://login.salesforce.com',
  username: 'ci-bot@acme.example.uat'
}
const USED = `(login-url ${ctx.loginUrl}, audience ${ctx.audience})`

const said = (status: number, error: string, description: string): string =>
  `Salesforce refused the login (HTTP ${status}): error "${error}", error_description "${description}". `

/** The fix part of the message: what follows Salesforce's own words. */
const fixOf = (message: string, status: number, error: string, description: string): string => {
  const prefix = said(status, error, description)
  expect(message.startsWith(prefix)).toBe(true)
  return message.slice(prefix.length)
}

const GENERIC_FIX = `Check 'client-id', 'username', the certificate uploaded to the app and the app's policies ${USED}.`

// [error, Salesforce's error_description, phrases the fix must contain, whether it shows login-url and audience]
const CATALOGUE: Array<[string, string, string[], boolean]> = [
  [
    'invalid_grant',
    "user hasn't approved this consumer",
    [
      `The user ${ctx.username} is not pre-authorized for this app.`,
      "'Admin approved users are pre-authorized'",
      "add the user's profile or a permission set to the app",
      "audience 'sandbox' or the sandbox's My Domain URL"
    ],
    true
  ],
  [
    'invalid_grant',
    'invalid assertion',
    ['the certificate uploaded to the app ("Use digital signatures") does not belong to this private key', "'certificate' input"],
    false
  ],
  [
    'invalid_grant',
    'audience is invalid',
    [
      `The audience is not the one ${ctx.loginUrl} expects ${USED}.`,
      "audience 'sandbox' (https://test.salesforce.com)",
      "'production' (https://login.salesforce.com)",
      "Leave 'audience' empty to derive it from 'login-url'."
    ],
    true
  ],
  ['invalid_grant', 'expired authorization code', ["the runner's clock is behind Salesforce's", 'enable NTP'], false],
  [
    'invalid_client_id',
    'client identifier invalid',
    ["'client-id' is not the consumer key of an app that this org knows", 'Manage Consumer Details', '2 to 10 minutes'],
    true
  ],
  [
    'invalid_app_access',
    'user is not admin approved to access this app',
    [`The user ${ctx.username} may not use this app.`, 'assign the app to the user'],
    false
  ],
  [
    'app_not_found',
    'External client app is not installed in this org',
    ['Install (or deploy) the External Client App in this org', "use the org's My Domain URL as 'login-url'"],
    true
  ],
  [
    'invalid_grant',
    'login rate exceeded',
    [`The user ${ctx.username} has logged in too often`, '3,600 logins per user per hour', 'Authenticate once per job and reuse the token'],
    false
  ],
  ['invalid_grant', 'inactive user', [`The user ${ctx.username} is deactivated or frozen.`, 'Reactivate the user'], false],
  ['invalid_grant', 'ip restricted', ['Login IP Ranges', "'Relax IP restrictions'"], false],
  [
    'unsupported_grant_type',
    'grant type not supported',
    ['turned the POST into a GET', "Point 'login-url' straight at the org's https login host"],
    true
  ]
]

describe('explainOAuthError: the catalogue', () => {
  it.each(CATALOGUE)('%s "%s": quotes Salesforce verbatim, then the fix', (error, description, phrases, showsEndpoint) => {
    const message = explainOAuthError(400, error, description, ctx)
    const fix = fixOf(message, 400, error, description)
    for (const phrase of phrases) expect(fix).toContain(phrase)
    if (showsEndpoint) {
      expect(fix).toContain(USED)
    } else {
      expect(fix).not.toContain(ctx.loginUrl)
    }
    expect(fix).not.toBe(GENERIC_FIX)
  })

  it('gives every catalogue entry its own fix', () => {
    const fixes = CATALOGUE.map(([error, description]) => fixOf(explainOAuthError(400, error, description, ctx), 400, error, description))
    expect(new Set(fixes).size).toBe(CATALOGUE.length)
  })

  it.each([
    ['invalid_grant', "User hasn't approved this consumer", "user hasn't approved this consumer"],
    ['invalid_grant', 'INVALID ASSERTION', 'invalid assertion'],
    ['invalid_grant', 'Audience Is Invalid', 'audience is invalid'],
    ['app_not_found', 'EXTERNAL CLIENT APP IS NOT INSTALLED IN THIS ORG', 'External client app is not installed in this org'],
    ['invalid_grant', 'ip restricted or invalid login hours', 'ip restricted'],
    ['invalid_grant', 'authentication failure: inactive user', 'inactive user']
  ])('matches %s "%s" case-insensitively and inside longer text, still quoting it as sent', (error, description, catalogued) => {
    const message = explainOAuthError(400, error, description, ctx)
    const expected = explainOAuthError(400, error, catalogued, ctx)
    expect(fixOf(message, 400, error, description)).toBe(fixOf(expected, 400, error, catalogued))
  })

  it.each([
    ['invalid_client_id', 'client identifier is not known'],
    ['invalid_app_access', ''],
    ['app_not_found', 'app missing'],
    ['unsupported_grant_type', 'something else']
  ])('falls back on the error code alone: %s "%s"', (error, description) => {
    const entry = CATALOGUE.find(([e]) => e === error)!
    const fix = fixOf(explainOAuthError(400, error, description, ctx), 400, error, description)
    expect(fix).toBe(fixOf(explainOAuthError(400, entry[0], entry[1], ctx), 400, entry[0], entry[1]))
  })
})

describe('explainOAuthError: anything else', () => {
  it.each([
    [400, 'invalid_request', 'a brand new refusal'],
    [400, 'invalid_grant', 'something Salesforce added next release'],
    [401, 'invalid_client', 'invalid client credentials'],
    [403, 'access_denied', ''],
    // A catalogued description under an error code it does not belong to is not matched.
    [400, 'invalid_grant', 'client identifier invalid']
  ])('HTTP %s %s "%s": quoted verbatim with the generic fix naming login-url and audience', (status, error, description) => {
    expect(explainOAuthError(status, error, description, ctx)).toBe(said(status, error, description) + GENERIC_FIX)
  })

  it('shows the HTTP status it was given', () => {
    expect(explainOAuthError(401, 'invalid_grant', 'invalid assertion', ctx)).toMatch(/^Salesforce refused the login \(HTTP 401\): /)
  })

  it('uses the context it is given', () => {
    const other: LoginContext = {
      advice: FLOWS['jwt-bearer'].advice,
      loginUrl: 'https://test.salesforce.com',
      audience: 'https://test.salesforce.com',
      username: 'u@x'
    }
    expect(explainOAuthError(400, 'invalid_grant', 'audience is invalid', other)).toContain(
      'The audience is not the one https://test.salesforce.com expects (login-url https://test.salesforce.com, audience https://test.salesforce.com).'
    )
  })
})
