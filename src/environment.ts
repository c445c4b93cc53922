import { ActionError } from './errors.js'

/** The process environment, or a table in tests. */
export type Env = Record<string, string | undefined>

/**
 * Node's debug sections that see requests or their sockets. `http` and `net` print the request options, the
 * proxy's credentials (Proxy-Authorization) and request headers such as the runner's request token among them;
 * the rest are refused with them, as what they print is not documented and may change.
 */
const NETWORK_SECTIONS = ['http', 'http2', 'https', 'net', 'tls', 'tunnel', 'undici', 'fetch']

/**
 * One NODE_DEBUG entry as the pattern Node reads it as (`*` for any characters, any case). A run of `*` means what
 * one does, and is collapsed first: compiled as one `.*` each, 60 stars before a letter backtrack for minutes.
 */
export function sectionPattern(entry: string): RegExp {
  return new RegExp(
    `^${entry
      .replace(/\*+/g, '*')
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
    'i'
  )
}

/**
 * The first network section NODE_DEBUG turns on, read as Node reads it (comma-separated names, `*` for any
 * characters, any case) and as the `tunnel` package under @actions/http-client reads it (the word anywhere);
 * undefined when it turns on none.
 */
export function debuggedNetworkSection(nodeDebug: string): string | undefined {
  const patterns = nodeDebug
    .split(',')
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
    .map(sectionPattern)
  return NETWORK_SECTIONS.find(name => patterns.some(p => p.test(name))) ?? (/\btunnel\b/.test(nodeDebug) ? 'tunnel' : undefined)
}

/** The proxy variables as @actions/http-client reads them, for https requests and for http ones (the lower-case name wins). */
const PROXY_VARIABLES = [
  ['https_proxy', 'HTTPS_PROXY'],
  ['http_proxy', 'HTTP_PROXY']
]

/**
 * True when @actions/http-client makes of `value` a proxy it can connect to: an http or https URL with a host,
 * read as it reads one (a value without a scheme as http://). Anything else it ignores without a word, and the
 * request goes around the proxy, or it connects somewhere the value never meant.
 */
export function isUsableProxy(value: string): boolean {
  const withScheme = value.startsWith('http://') || value.startsWith('https://')
  const text = URL.canParse(value) || withScheme ? value : `http://${value}`
  if (!URL.canParse(text)) return false
  const url = new URL(text)
  try {
    // http-client decodes the user and password, and throws on a bad escape.
    decodeURIComponent(url.username)
    decodeURIComponent(url.password)
  } catch {
    return false
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
}

/**
 * Refuses an environment in which a request would leak a credential or go where nobody checked: Node's network
 * debugging (it prints proxy credentials and request headers), a proxy variable that is set but unusable, and
 * TLS verification turned off. Called once, before any input is read or any request is made, in both steps.
 * Values are never quoted: a proxy URL may hold the proxy's password.
 */
export function checkEnvironment(env: Env): void {
  const section = debuggedNetworkSection(env.NODE_DEBUG ?? '')
  if (section) {
    throw new ActionError(
      `NODE_DEBUG names Node's HTTP module or the network modules under it ('${section}'), whose debug output would ` +
        "print credentials in the log: the proxy's (Proxy-Authorization) and request headers such as the runner's " +
        'request token. Remove NODE_DEBUG from this step; use step debug logging (ACTIONS_STEP_DEBUG) instead.'
    )
  }
  for (const names of PROXY_VARIABLES) {
    const name = names.find(n => env[n])
    if (name && !isUsableProxy(env[name] ?? '')) {
      throw new ActionError(
        `${name} is set but is not a proxy URL the action can use (http://host:port, or http://user:password@host:port), ` +
          `so requests would not go through the proxy it means. Fix ${name} or unset it for this step (its value is not ` +
          "shown: it may hold the proxy's credentials)."
      )
    }
  }
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    throw new ActionError(
      'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks, so a credential would be sent to whoever ' +
        "answers for the login host. Remove it; behind a TLS-inspecting proxy, give the proxy's CA certificate to Node " +
        "with NODE_EXTRA_CA_CERTS instead (docs/faq.md, 'Proxies, retries and time limits')."
    )
  }
}
