/**
 * Which hosts are this machine. @actions/http-client sends every host that merely begins with `127.` past
 * HTTPS_PROXY (lib/proxy.js, isLoopbackAddress), so a name such as `127.0.0.1.evil.example` would leave the
 * proxy; the action decides that itself, by this stricter test.
 */

/**
 * True only for `localhost`, `[::1]` and IPv4 literals in 127.0.0.0/8, given a hostname as WHATWG URL parsing
 * leaves it (IPv4 in dotted decimal, IPv6 in brackets, lower case).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host === '[::1]') return true
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  return octets !== null && octets.slice(1).every(o => Number(o) <= 255)
}

/**
 * For a host http-client would wrongly send past the proxy: a stand-in URL whose host is one label longer,
 * so every NO_PROXY entry naming the real host or a parent domain of it matches the stand-in too, and
 * http-client's loopback test does not. Asked of http-client, it gives the proxy decision and agent the
 * real host should have had (the agent tunnels to whatever host the request names).
 */
export function proxyStandIn(url: URL): URL {
  const standIn = new URL(url.href)
  standIn.hostname = `proxied.${url.hostname}`
  return standIn
}
