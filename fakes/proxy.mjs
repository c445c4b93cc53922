// A forward proxy for tests: answers CONNECT like a corporate proxy and plays "the internet" by
// tunnelling every target to one local server. Records each CONNECT target and Proxy-Authorization.
import http from 'node:http'
import net from 'node:net'

/**
 * @typedef {object} ConnectProxy
 * @property {string} url
 * @property {{ target: string, authorization?: string }[]} connects every CONNECT, in order
 * @property {() => Promise<void>} close
 */

/**
 * Starts the proxy, tunnelling every CONNECT to 127.0.0.1:`targetPort`.
 * @param {number} targetPort
 * @returns {Promise<ConnectProxy>}
 */
export async function startConnectProxy(targetPort) {
  const proxy = { connects: [], url: '', close: undefined }
  const server = http.createServer((req, res) => {
    res.writeHead(405)
    res.end('CONNECT only')
  })
  const sockets = new Set()
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('connect', (req, client, head) => {
    proxy.connects.push({ target: req.url, authorization: req.headers['proxy-authorization'] })
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${server.address().port}`
  proxy.close = () =>
    new Promise(resolve => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return proxy
}
