// Serves the fake Salesforce on loopback until killed, for workflows that run the action with `uses: ./`.
// Writes a throwaway key to --key-file (the key is generated here, worthless anywhere else) and prints
// one JSON line: { url, clientId, username, orgId, githubOidcClientId }. With --keyless-repository-id (and
// --keyless-repository-owner-id), the org also runs the token exchange handler for that GitHub repository, verifying
// ID tokens against the JWKS at --keyless-jwks (GitHub's real one in a workflow), with one trust rule whose
// audience is the fake's URL.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startFakeSalesforce } from '../fakes/fake-salesforce.mjs'
import { makeIdentity } from '../fakes/keys.mjs'

const { values } = parseArgs({
  options: {
    'key-file': { type: 'string' },
    'keyless-repository-id': { type: 'string' },
    'keyless-repository-owner-id': { type: 'string' },
    'keyless-jwks': { type: 'string' }
  }
})
if (!values['key-file']) {
  console.error(
    'Usage: node script/serve-fake-salesforce.mjs --key-file PATH [--keyless-repository-id ID --keyless-repository-owner-id ID --keyless-jwks URL]'
  )
  process.exit(2)
}
const server = await startFakeSalesforce()
const identity = makeIdentity()
const clientId = '3MVG9ServeFakeSalesforceForWorkflows'
const username = 'ci@fake-salesforce.example'
server.addApp(clientId, identity.certificate)
server.addUser(username)
writeFileSync(values['key-file'], identity.pkcs8, { mode: 0o600 })
const githubOidcClientId = '3MVG9ServeFakeSalesforceGithubOidc'
if (values['keyless-repository-id']) {
  const rule = {
    Repository_Owner_Id__c: values['keyless-repository-owner-id'],
    Repository_Id__c: values['keyless-repository-id'],
    Audience__c: server.url,
    Username__c: username,
    Active__c: true
  }
  server.addTokenExchangeApp(
    values['keyless-jwks'] ?? 'https://token.actions.githubusercontent.com/.well-known/jwks',
    [rule],
    githubOidcClientId
  )
}
console.log(JSON.stringify({ url: server.url, clientId, username, orgId: server.orgId, githubOidcClientId }))
