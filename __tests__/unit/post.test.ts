// The post step in-process, through the edge main.ts hands it (a recording @actions/core and network).
import { describe, expect, it } from '@jest/globals'
import { TransportError } from '../../src/http.js'
import { cleanup } from '../../src/post.js'
import { STATE } from '../../src/state.js'
import { json, recordingEdge, type EdgeOptions } from './step-edge.js'

const LOGIN_URL = 'https://acme--uat.sandbox.my.salesforce.com'
const REVOKE_URL = `${LOGIN_URL}/services/oauth2/revoke`
// A made-up token in the shape Salesforce uses.
const TOKEN = `00D5g000004ABCD!AR8AQO.fake.access.token.${'y'.repeat(40)}`
/** The inputs of the main step, which the post step reads again (only the time limit matters to it). */
const INPUTS = { 'client-id': '3MVG9placeholderConsumerKey', 'client-secret': 'not-used-by-the-post-step', 'login-url': LOGIN_URL }
/** What the main step saved when it left a token to revoke. */
const SAVED = { [STATE.isPost]: 'true', [STATE.token]: TOKEN, [STATE.loginUrl]: LOGIN_URL }
const NOTHING = 'debug No token to revoke: revoke-token is off, or the login step did not get one.'

async function post(state: Record<string, string>, options: EdgeOptions = {}) {
  const r = recordingEdge({ inputs: INPUTS, state, ...options })
  await cleanup(r.edge)
  return r
}

describe('the post step', () => {
  it('has nothing to do without a token, and that is not an error', async () => {
    const r = await post({ [STATE.isPost]: 'true' })
    expect(r.events).toEqual([NOTHING])
  })

  it('clears the variables export-env set, even with no token to revoke', async () => {
    const r = await post({ [STATE.isPost]: 'true', [STATE.exported]: 'true' })
    expect(r.events).toEqual(['export SF_ACCESS_TOKEN=', 'export SF_ORG_INSTANCE_URL=', NOTHING])
  })

  it('masks the saved token, then revokes it at the saved login URL with the time limit of the inputs', async () => {
    const r = await post(
      { [STATE.isPost]: 'true', [STATE.exported]: 'true', [STATE.token]: TOKEN, [STATE.loginUrl]: LOGIN_URL },
      { inputs: { ...INPUTS, 'request-timeout-seconds': '9' } }
    )
    expect(r.events).toEqual([
      'export SF_ACCESS_TOKEN=',
      'export SF_ORG_INSTANCE_URL=',
      `mask ${TOKEN}`,
      `post ${REVOKE_URL} ${new URLSearchParams({ token: TOKEN })}`,
      `info Revoked the access token at ${REVOKE_URL}.`
    ])
    expect(r.posts).toEqual([{ url: REVOKE_URL, form: { token: TOKEN }, timeoutMs: 9_000 }])
  })

  it('revokes where the token came from, whatever login-url says by now', async () => {
    const r = await post(SAVED, { inputs: { ...INPUTS, 'login-url': 'https://other.my.salesforce.com' } })
    expect(r.posts.map(p => [p.url, p.timeoutMs])).toEqual([[REVOKE_URL, 30_000]])
  })

  it('only warns when Salesforce refuses, quoting its words without the token', async () => {
    const r = await post(SAVED, {
      answer: () => json(400, { error: 'unsupported_token_type', error_description: `this token ${TOKEN} is not supported` })
    })
    expect(r.failures).toEqual([])
    expect(r.logs()).toEqual([
      `warning Could not revoke the access token at ${REVOKE_URL} (HTTP 400 unsupported_token_type: this token *** is not ` +
        'supported); it stays valid until its session times out.'
    ])
  })

  it('only warns when the revoke endpoint cannot be reached', async () => {
    const r = await post(SAVED, {
      answer: () => {
        throw new TransportError('ETIMEDOUT', 'timed out after 30 s')
      }
    })
    expect(r.failures).toEqual([])
    expect(r.logs()).toEqual([
      `warning Could not revoke the access token at ${REVOKE_URL} (timed out after 30 s); it stays valid until its session times out.`
    ])
  })

  it('still revokes when another input now reads as something the main step would refuse', async () => {
    const r = await post(SAVED, {
      inputs: { ...INPUTS, 'login-url': 'https://acme.lightning.force.com', 'request-timeout-seconds': 'soon' }
    })
    expect(r.failures).toEqual([])
    expect(r.posts.map(p => [p.url, p.timeoutMs])).toEqual([[REVOKE_URL, 30_000]])
  })

  it.each([
    ['not a Salesforce host', 'https://collector.evil.example'],
    ['plain http', 'http://acme.my.salesforce.com'],
    ['a Lightning host', 'https://acme.lightning.force.com'],
    ['a path', 'https://acme.my.salesforce.com/services/oauth2/token'],
    ['not a URL', 'nothing']
  ])('never sends the token to a saved login URL that is %s, and says so', async (_what, saved) => {
    const r = await post({ ...SAVED, [STATE.loginUrl]: saved })
    expect(r.posts).toEqual([])
    expect(r.failures).toEqual([])
    expect(r.logs()).toEqual([
      `warning Did not revoke the access token: the saved login URL (${saved}) is not one the action logs in at, so the ` +
        'token was not sent there. It stays valid until its session times out.'
    ])
  })
})
