// The network layer against a local HTTP server on 127.0.0.1: what it sends, what it hands back, and how
// it ends a request that will not finish (one deadline, a body cap, no redirects, Node's error codes).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getUrl, MAX_BODY_BYTES, postForm, TransportError } from '../../src/http.js'

interface Seen {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
}

/** What the server does at each path; every request it gets is recorded. */
const ROUTES: Record<string, (res: ServerResponse) => void> = {
  '/json': res => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-answer': 'yes' })
    res.end('{"ok":true}')
  },
  '/refused': res => {
    res.writeHead(400, { 'content-type': 'application/json' })
    res.end('{"error":"invalid_grant"}')
  },
  '/redirect': res => {
    res.writeHead(302, { location: '/json' })
    res.end()
  },
  // Never answers: only the deadline ends it.
  '/silent': () => undefined,
  // Sends the headers and part of the body, then stalls.
  '/stalls': res => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    res.write('{"access_token":')
  },
  '/cut': res => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    res.write('{"access_token":', () => res.socket?.destroy())
  },
  '/hang-up': res => void res.socket?.destroy(),
  '/max': res => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('a'.repeat(MAX_BODY_BYTES))
  },
  '/too-big': res => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('a'.repeat(MAX_BODY_BYTES + 1))
  }
}

let server: Server
let base: string
const seen: Seen[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString('utf8')))
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body })
      ROUTES[req.url ?? '']?.(res)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

/** The TransportError a request ends in; fails the test if it succeeds or throws anything else. */
async function failure(request: Promise<unknown>): Promise<TransportError> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(TransportError)
  return error as TransportError
}

const requestsTo = (path: string): Seen[] => seen.filter(s => s.path === path)

describe('postForm', () => {
  it('sends the form URL-encoded, asks for JSON, and hands back status, headers and body', async () => {
    const res = await postForm(`${base}/json`, { grant_type: 'client_credentials', client_secret: 'a b&c=d' }, 5_000)
    expect(res).toEqual({ status: 200, headers: expect.objectContaining({ 'x-answer': 'yes' }), body: '{"ok":true}' })
    const [req] = requestsTo('/json').slice(-1)
    expect(req.method).toBe('POST')
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(req.headers.accept).toBe('application/json')
    expect(req.headers['user-agent']).toBe('salesforce-oauth-login')
    expect(req.body).toBe('grant_type=client_credentials&client_secret=a+b%26c%3Dd')
  })

  it('hands back an error status as an answer, not a failure', async () => {
    const res = await postForm(`${base}/refused`, {}, 5_000)
    expect([res.status, res.body]).toEqual([400, '{"error":"invalid_grant"}'])
  })

  it('never follows a redirect: the credential is sent once, to the URL given', async () => {
    const before = requestsTo('/json').length
    const res = await postForm(`${base}/redirect`, { client_secret: 'secret' }, 5_000)
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/json')
    expect(requestsTo('/redirect')).toHaveLength(1)
    expect(requestsTo('/json')).toHaveLength(before)
  })
})

describe('getUrl', () => {
  it('sends a GET with the headers given and no body', async () => {
    const res = await getUrl(`${base}/json`, { authorization: 'Bearer runner-request-token' }, 5_000)
    expect(res.status).toBe(200)
    const [req] = requestsTo('/json').slice(-1)
    expect([req.method, req.headers.authorization, req.headers.accept, req.body]).toEqual([
      'GET',
      'Bearer runner-request-token',
      'application/json',
      ''
    ])
  })
})

describe('one deadline from connect to last byte', () => {
  it('ends a request the server never answers', async () => {
    const error = await failure(postForm(`${base}/silent`, {}, 300))
    expect([error.code, error.message]).toEqual(['ETIMEDOUT', 'timed out after 0.3 s'])
  })

  it('ends a request whose body stalls after the headers', async () => {
    const error = await failure(getUrl(`${base}/stalls`, {}, 300))
    expect([error.code, error.message]).toEqual(['ETIMEDOUT', 'timed out after 0.3 s'])
  })
})

describe('the 1 MiB body cap', () => {
  it('reads a body of exactly 1 MiB', async () => {
    expect((await getUrl(`${base}/max`, {}, 10_000)).body).toHaveLength(MAX_BODY_BYTES)
  })

  it('refuses one byte more', async () => {
    const error = await failure(getUrl(`${base}/too-big`, {}, 10_000))
    expect([error.code, error.message]).toEqual(['ETOOLARGE', 'ETOOLARGE: the answer is larger than 1 MiB, which no token answer is'])
  })
})

describe("connection failures carry Node's error code", () => {
  it('ECONNREFUSED when nothing listens', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const error = await failure(postForm(`http://127.0.0.1:${port}/`, {}, 5_000))
    expect(error.code).toBe('ECONNREFUSED')
    expect(error.message).toMatch(/^ECONNREFUSED: /)
  })

  it.each([
    ['the server hangs up before answering', '/hang-up'],
    ['the connection closes mid-body', '/cut']
  ])('ECONNRESET when %s', async (_name, path) => {
    const error = await failure(postForm(`${base}${path}`, {}, 5_000))
    expect(error.code).toBe('ECONNRESET')
    expect(error.message).toMatch(/^ECONNRESET: /)
  })
})
