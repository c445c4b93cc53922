// The fake Salesforce as a client on the internet sees it: https on the org's real My Domain name, with a
// certificate from a test CA, reached through a local CONNECT proxy. Any client that honours HTTPS_PROXY
// and NODE_EXTRA_CA_CERTS (the action, the Salesforce CLI) talks to it unchanged and nothing leaves this
// machine. One app and one pre-authorized user are registered.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PRODUCTION_AUDIENCE, startFakeSalesforce } from './fake-salesforce.mjs'
import { makeIdentity, testTlsIdentity } from './keys.mjs'
import { startConnectProxy } from './proxy.mjs'

export const MY_DOMAIN = 'https://acme.my.salesforce.com'
export const USERNAME = 'deploy@acme.example'

/** Starts the org; `env` is what a client needs to reach it, `inputs` the action's working inputs. */
export async function startFakeOrg() {
  const tls = testTlsIdentity([new URL(MY_DOMAIN).hostname])
  const server = await startFakeSalesforce({
    tls: { key: tls.key, cert: tls.cert },
    instanceUrl: MY_DOMAIN,
    audiences: [PRODUCTION_AUDIENCE, MY_DOMAIN]
  })
  server.loginRateLimit = Infinity
  const proxy = await startConnectProxy(server.port)
  const dir = mkdtempSync(join(tmpdir(), 'sf-fake-org-'))
  const caFile = join(dir, 'ca.crt')
  const keyFile = join(dir, 'server.key')
  writeFileSync(caFile, tls.ca)
  const identity = makeIdentity()
  writeFileSync(keyFile, identity.pkcs8, { mode: 0o600 })
  const clientId = `3MVG9${randomUUID().replace(/-/g, '')}`
  server.addApp(clientId, identity.certificate)
  server.addUser(USERNAME)
  const closing = []
  return {
    server,
    proxy,
    clientId,
    username: USERNAME,
    keyFile,
    env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile },
    inputs: { 'client-id': clientId, username: USERNAME, 'private-key': identity.pkcs8, 'login-url': MY_DOMAIN },
    /** Runs `stop` when the org closes: for services a scenario starts beside it. */
    onClose(stop) {
      closing.push(stop)
    },
    async close() {
      for (const stop of closing) await stop()
      await proxy.close()
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
