// The floor for `npm run bench`: the least a JWT bearer login costs in Node, with built-ins alone. One
// process reads the key, signs one RS256 assertion, makes one POST and reads the token. Set up through
// FLOOR_* variables by script/bench.mjs. It loads https as well as http, as any client of real Salesforce
// must; the loopback server it is measured against speaks https, as Salesforce does.
import { createPrivateKey, randomUUID, sign } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'

const { FLOOR_TOKEN_URL: url, FLOOR_CLIENT_ID: iss, FLOOR_USERNAME: sub, FLOOR_AUDIENCE: aud, FLOOR_PRIVATE_KEY: key } = process.env

const part = value => Buffer.from(JSON.stringify(value)).toString('base64url')
const claims = { iss, sub, aud, exp: Math.floor(Date.now() / 1000) + 180, jti: randomUUID() }
const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`
const assertion = `${signed}.${sign('sha256', Buffer.from(signed), createPrivateKey(key)).toString('base64url')}`
const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString()

const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
const request = (url.startsWith('https:') ? https : http).request(url, { method: 'POST', headers }, res => {
  let text = ''
  res.setEncoding('utf8')
  res.on('data', chunk => (text += chunk))
  res.on('end', () => {
    if (res.statusCode !== 200 || !JSON.parse(text).access_token) {
      console.error(`HTTP ${res.statusCode}: ${text}`)
      process.exitCode = 1
    }
  })
})
request.on('error', err => {
  console.error(err.message)
  process.exitCode = 1
})
request.end(body)
