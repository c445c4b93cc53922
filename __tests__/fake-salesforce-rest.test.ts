import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import jwt from 'jsonwebtoken'
import { randomUUID } from 'node:crypto'
import { PRODUCTION_AUDIENCE, JWT_BEARER, startFakeSalesforce, type FakeSalesforce } from '../fakes/fake-salesforce.mjs'
import { makeIdentity } from '../fakes/keys.mjs'

// The fake org's REST API, through HTTP, as the Salesforce CLI calls it (npm run test:cli runs the real
// CLI against it): what it answers, and that it refuses what Salesforce refuses.
const USER = 'deploy@acme.example'
let server: FakeSalesforce
let token: string
let userId: string

beforeAll(async () => {
  server = await startFakeSalesforce()
  const identity = makeIdentity()
  server.addApp('3MVG9rest', identity.certificate)
  userId = server.addUser(USER).userId
  server.addUser('other@acme.example')
  const assertion = jwt.sign(
    { iss: '3MVG9rest', sub: USER, aud: PRODUCTION_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 180, jti: randomUUID() },
    identity.pkcs8,
    {
      algorithm: 'RS256'
    }
  )
  const answer = await fetch(`${server.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: JWT_BEARER, assertion })
  })
  token = ((await answer.json()) as { access_token: string }).access_token
})
afterAll(() => server.close())

async function get(path: string, bearer: string | undefined = token): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })
  const text = await res.text()
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text }
}

const q = (soql: string, extra = ''): string => `/services/data/v65.0/query?q=${encodeURIComponent(soql)}${extra}`

describe('the fake REST API', () => {
  it('userinfo names the user the token was issued to', async () => {
    const { status, body } = await get('/services/oauth2/userinfo')
    expect(status).toBe(200)
    expect(body).toMatchObject({ user_id: userId, organization_id: server.orgId, preferred_username: USER })
    expect((body as { sub: string }).sub).toBe(`https://acme.my.salesforce.com/id/${server.orgId}/${userId}`)
  })

  it('lists API versions without a token, with release names, newest last', async () => {
    const { status, body } = await get('/services/data', undefined)
    const versions = body as { label: string; version: string; url: string }[]
    expect(status).toBe(200)
    expect(versions.at(-1)).toEqual({ label: "Winter '26", url: '/services/data/v65.0', version: '65.0' })
    expect(versions.find(v => v.version === '63.0')!.label).toBe("Spring '25")
    expect(versions.find(v => v.version === '31.0')!.label).toBe("Summer '14")
  })

  it.each([
    ['/services/data/v65.0', 200],
    ['//services/data/v65.0/', 200],
    ['/services/data/v99.0', 404],
    ['/services/data/v65.0/nothing', 404]
  ])('GET %s answers %d', async (path, status) => {
    expect((await get(path)).status).toBe(status)
  })

  it('reads the User record by id, and 404s an unknown id', async () => {
    expect((await get(`/services/data/v51.0/sobjects/User/${userId}`)).body).toMatchObject({ Id: userId, Username: USER })
    expect((await get('/services/data/v51.0/sobjects/User/005000000000000AAA')).status).toBe(404)
  })

  it('answers SOQL on Organization and User with only the fields asked for', async () => {
    const org = await get(q('SELECT Id, Name, IsSandbox FROM Organization'))
    expect(org.body).toEqual({
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'Organization', url: `/services/data/v65.0/sobjects/Organization/${server.orgId}` },
          Id: server.orgId,
          Name: 'Acme',
          IsSandbox: false
        }
      ]
    })
    const user = await get(q(`SELECT Id FROM User WHERE Username = '${USER}'`))
    expect((user.body as { records: { Id: string }[] }).records.map(r => r.Id)).toEqual([userId])
  })

  it('gives column metadata with columns=true', async () => {
    const { body } = await get(q('SELECT Id, Name FROM Organization', '&columns=true'))
    expect(body).toMatchObject({ entityName: 'Organization', columnMetadata: [{ columnName: 'Id' }, { columnName: 'Name' }] })
  })

  it('answers the tooling SandboxProcess query with no rows', async () => {
    const { status, body } = await get(`/services/data/v65.0/tooling/query?q=${encodeURIComponent('SELECT Id FROM SandboxProcess')}`)
    expect({ status, body }).toEqual({ status: 200, body: { totalSize: 0, done: true, records: [] } })
  })

  it.each([
    ['SELECT Id FROM ScratchOrgInfo limit 1', 'INVALID_TYPE'],
    ['SELECT Nope FROM Organization', 'INVALID_FIELD'],
    ['DELETE Organization', 'MALFORMED_QUERY']
  ])('refuses %s with %s', async (soql, errorCode) => {
    const { status, body } = await get(q(soql))
    expect(status).toBe(400)
    expect((body as { errorCode: string }[])[0].errorCode).toBe(errorCode)
  })

  it('refuses an unknown token: 403 Bad_OAuth_Token at userinfo, 401 INVALID_SESSION_ID in the data API', async () => {
    expect(await get('/services/oauth2/userinfo', `${server.orgId.slice(0, 15)}!ARnotissued`)).toEqual({
      status: 403,
      body: 'Bad_OAuth_Token'
    })
    const { status, body } = await get(q('SELECT Id FROM Organization'), 'nope')
    expect(status).toBe(401)
    expect(body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
  })

  it('refuses a revoked token', async () => {
    const revoke = await fetch(`${server.url}/services/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token }) })
    expect(revoke.status).toBe(200)
    expect((await get('/services/oauth2/userinfo')).status).toBe(403)
    expect((await get(q('SELECT Id FROM Organization'))).status).toBe(401)
  })
})
