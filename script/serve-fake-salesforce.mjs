// Serves the fake Salesforce on loopback until killed, for workflows that run the action with `uses: ./`.
// Writes a throwaway key to --key-file (the key is generated here, worthless anywhere else) and prints
// one JSON line: { url, clientId, username, orgId }.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startFakeSalesforce } from '../__tests__/support/fake-salesforce.mjs'
import { makeIdentity } from '../__tests__/support/keys.mjs'

const { values } = parseArgs({ options: { 'key-file': { type: 'string' } } })
if (!values['key-file']) {
  console.error('Usage: node script/serve-fake-salesforce.mjs --key-file PATH')
  process.exit(2)
}
const server = await startFakeSalesforce()
const identity = makeIdentity()
const clientId = '3MVG9ServeFakeSalesforceForWorkflows'
const username = 'ci@fake-salesforce.example'
server.addApp(clientId, identity.certificate)
server.addUser(username)
writeFileSync(values['key-file'], identity.pkcs8, { mode: 0o600 })
console.log(JSON.stringify({ url: server.url, clientId, username, orgId: server.orgId }))
