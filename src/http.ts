import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http'
import { HttpClient } from '@actions/http-client'
import { checkBypass } from '@actions/http-client/lib/proxy'
import { isLoopbackHost, proxyStandIn } from './loopback.js'

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** Sends a form-encoded POST (every call to Salesforce). Injected so the retry policy is testable. */
export type PostForm = (url: string, form: Record<string, string>, timeoutMs: number) => Promise<HttpResponse>

/** Sends a GET with the given headers (GitHub's ID token service). */
export type GetUrl = (url: string, headers: Record<string, string>, timeoutMs: number) => Promise<HttpResponse>

/** A request that got no complete HTTP answer: `code` is Node's error code, or ETIMEDOUT for our deadline. */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'TransportError'
  }
}

/** http-client does not export its handler interface from the package root. */
type RequestHandler = NonNullable<ConstructorParameters<typeof HttpClient>[1]>[number]

const USER_AGENT = 'salesforce-oauth-login'

/**
 * The agent for a host that http-client sends past HTTPS_PROXY only because its name begins with `127.`;
 * undefined where http-client's own decision stands (real loopback, NO_PROXY, or no proxy at all).
 */
function proxyAgentFor(client: HttpClient, href: string): RequestOptions['agent'] | undefined {
  const url = URL.canParse(href) ? new URL(href) : undefined
  if (!url || isLoopbackHost(url.hostname) || !checkBypass(url)) return undefined
  const standIn = proxyStandIn(url)
  return checkBypass(standIn) ? undefined : client.getAgent(standIn.href)
}

/**
 * Passes our abort signal into every request http-client makes, so a deadline really ends the socket, and
 * sends a host that only looks like loopback through the proxy.
 */
function requestHandler(signal: AbortSignal, agent: RequestOptions['agent'] | undefined): RequestHandler {
  return {
    prepareRequest: (options: RequestOptions) => {
      options.signal = signal
      if (agent) options.agent = agent
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported'))
  }
}

/** A JSON object body, or undefined for anything else (not JSON, an array, null). */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** A token answer is a few KiB; a bigger body is not one, and is not read into memory. */
export const MAX_BODY_BYTES = 1024 * 1024

function readBody(message: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk)
      reject(Object.assign(new Error('the answer is larger than 1 MiB, which no token answer is'), { code: 'ETOOLARGE' }))
      message.destroy()
    })
    message.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    message.on('error', reject)
    message.on('close', () => {
      if (!message.complete) reject(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' }))
    })
  })
}

function toTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err
  const e = err as { code?: string; message?: string }
  const message = String(e.message ?? err)
  const tunnel = /tunneling socket could not be established, statusCode=(\d+)/.exec(message)
  if (tunnel) return new TransportError('EPROXY', `the proxy refused the connection (HTTP ${tunnel[1]})`)
  const unreachable = /tunneling socket could not be established, cause=.*?\b(E[A-Z_]+)/.exec(message)
  if (unreachable) return new TransportError(unreachable[1], `${unreachable[1]}: could not reach the proxy (HTTPS_PROXY)`)
  const code = e.code ?? 'ERROR'
  return new TransportError(code, `${code}: ${message.replace(/\s+/g, ' ').slice(0, 200)}`)
}

/**
 * One request through @actions/http-client (which honours HTTPS_PROXY and NO_PROXY) with redirects and its
 * own retries off, and one deadline covering connect to last byte: a stalled server cannot hang a job.
 */
async function send(
  method: 'GET' | 'POST',
  url: string,
  body: string | null,
  headers: Record<string, string>,
  timeoutMs: number
): Promise<HttpResponse> {
  const controller = new AbortController()
  const handlers: RequestHandler[] = []
  const client = new HttpClient(USER_AGENT, handlers, {
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false
  })
  handlers.push(requestHandler(controller.signal, proxyAgentFor(client, url)))
  const exchange = (async (): Promise<HttpResponse> => {
    const res = await client.request(method, url, body, { accept: 'application/json', ...headers })
    const text = await readBody(res.message)
    return { status: res.message.statusCode ?? 0, headers: res.message.headers, body: text }
  })()
  // The deadline wins whatever the request is doing (a proxy that never answers CONNECT leaves the request
  // without a socket for the abort signal to end); the abort then frees whatever it holds.
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new TransportError('ETIMEDOUT', `timed out after ${timeoutMs / 1000} s`))
    }, timeoutMs)
  })
  exchange.catch(() => undefined) // settled later by the abort, after the deadline has answered
  try {
    return await Promise.race([exchange, deadline])
  } catch (err) {
    throw toTransportError(err)
  } finally {
    clearTimeout(timer)
    client.dispose()
  }
}

/** A form-encoded POST: the only way a credential is ever sent to Salesforce (never in a URL or header). */
export const postForm: PostForm = (url, form, timeoutMs) =>
  send('POST', url, new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded' }, timeoutMs)

/** A GET under the same deadline and proxy rules as every other request. */
export const getUrl: GetUrl = (url, headers, timeoutMs) => send('GET', url, null, headers, timeoutMs)
