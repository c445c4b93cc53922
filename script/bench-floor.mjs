// The floors for `npm run bench`: the least a login costs in Node, with built-ins alone, set up through
// FLOOR_* variables by script/bench.mjs. The key-based floor reads the key, signs one RS256 assertion and
// makes one POST; the keyless floor (FLOOR_ID_TOKEN_URL set) makes the same two requests as the action's
// keyless flow: a GET of GitHub's ID token, then the token exchange POST; the single-request floor (FLOOR_FORM
// set) makes the one POST of the client credentials and refresh token flows. All load http and https, as any
// client of GitHub and Salesforce must.
import { createPrivateKey, randomUUID, sign } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'

const env = process.env

/** One request; resolves with the answer's JSON, rejects on anything but a 200 with JSON. */
function request(url, options, body) {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? https : http).request(url, options, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (text += chunk))
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`HTTP ${res.statusCode}: ${text}`))))
    })
    req.on('error', reject)
    req.end(body)
  })
}

function post(url, form) {
  const body = new URLSearchParams(form).toString()
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
  return request(url, { method: 'POST', headers }, body)
}

async function jwtBearer() {
  const part = value => Buffer.from(JSON.stringify(value)).toString('base64url')
  const claims = {
    iss: env.FLOOR_CLIENT_ID,
    sub: env.FLOOR_USERNAME,
    aud: env.FLOOR_AUDIENCE,
    exp: Math.floor(Date.now() / 1000) + 180,
    jti: randomUUID()
  }
  const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`
  const assertion = `${signed}.${sign('sha256', Buffer.from(signed), createPrivateKey(env.FLOOR_PRIVATE_KEY)).toString('base64url')}`
  return post(env.FLOOR_TOKEN_URL, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion })
}

async function keyless() {
  const url = new URL(env.FLOOR_ID_TOKEN_URL)
  url.searchParams.set('audience', env.FLOOR_AUDIENCE)
  const { value } = await request(url.toString(), { headers: { authorization: `Bearer ${env.FLOOR_REQUEST_TOKEN}` } })
  return post(env.FLOOR_TOKEN_URL, {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: value,
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    client_id: env.FLOOR_CLIENT_ID
  })
}

try {
  const answer = await (env.FLOOR_FORM
    ? post(env.FLOOR_TOKEN_URL, JSON.parse(env.FLOOR_FORM))
    : env.FLOOR_ID_TOKEN_URL
      ? keyless()
      : jwtBearer())
  if (!answer.access_token) throw new Error('no access_token in the answer')
} catch (err) {
  console.error(err.message)
  process.exitCode = 1
}
