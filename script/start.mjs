// `npm start`: runs the bundled action exactly as a workflow step would, against the fake Salesforce on
// loopback, and prints what the workflow's log would show. No Salesforce org, key or secret needed.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { startFakeGitHubOidc } from '../fakes/fake-github-oidc.mjs'
import { SANDBOX_AUDIENCE, startFakeSalesforce } from '../fakes/fake-salesforce.mjs'
import { makeIdentity, testTlsIdentity } from '../fakes/keys.mjs'
import { ACTION, ENTRY, ROOT, runStep, unescapeData } from '../fakes/runner.mjs'
import { scriptOptions } from './options.mjs'

const FLOWS = ['jwt-bearer', 'github-oidc', 'client-credentials', 'sfdx-url']

const USAGE = `Usage: npm start -- [--flow jwt-bearer|github-oidc|client-credentials|sfdx-url] [--sandbox] [--fail]
  e.g. npm start -- --flow github-oidc --fail     (one -- before all options; plain \`npm start\` takes none)

Runs ${relative(ROOT, ENTRY)} as a workflow step against a Salesforce-compatible token server on loopback,
with a throwaway key and certificate, and prints the step's log (masked as GitHub masks it) and outputs.

  --flow     the login flow (default jwt-bearer, a throwaway key and certificate):
             github-oidc: keyless; a fake GitHub OIDC service issues the job's ID token, and the org's token
               exchange handler applies one trust rule for acme/app on main (--keyless says the same)
             client-credentials: the app's client id and secret; the token is the app's Run-As user's
             sfdx-url: the refresh token of an SFDX auth URL, as \`sf org auth show-sfdx-auth-url\` prints it
  --sandbox  log in to a sandbox: jwt-bearer with \`audience: sandbox\`, which the token server must see as
             ${SANDBOX_AUDIENCE} (it accepts no other audience); with --fail, a sandbox user not pre-authorized
  --fail     see the error a workflow would show: a user who has not been pre-authorized (jwt-bearer), a push
             to a branch no trust rule names (github-oidc), an app without a Run-As user (client-credentials),
             or a revoked refresh token (sfdx-url)
  --help     show this help`

/** Inputs whose values the runner would show as *** (they come from secrets). */
const SECRET_INPUTS = ['private-key', 'client-secret', 'sfdx-auth-url']

const KEYLESS_USER = 'deploy@acme.example'

/** How the runner shows workflow commands; ::add-mask:: lines are already gone, debug is hidden. */
const LABELS = { error: 'Error', warning: 'Warning', notice: 'Notice' }

/** The step's log as the runner shows it: commands rendered, every masked value replaced by ***. */
function runnerLog(text, mask) {
  const shown = []
  for (const line of text.split('\n')) {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (!command) shown.push(line)
    else if (LABELS[command[1]]) shown.push(`${LABELS[command[1]]}: ${unescapeData(command[2])}`)
    else if (command[1] === 'group') shown.push(`> ${unescapeData(command[2])}`)
    else if (command[1] !== 'debug' && command[1] !== 'endgroup') shown.push(line)
  }
  return mask(shown.join('\n').trimEnd())
}

/** Replaces every secret the job registered so far (longest first, as overlapping secrets need). */
const masker = secrets => text =>
  [...secrets]
    .filter(Boolean)
    .sort((a, b) => b.length - a.length)
    .reduce((t, s) => t.split(s).join('***'), text)

/**
 * One step as the run page shows it: a failed step's error annotations first (GitHub lists them at the top of
 * the run's summary, so the reason is read before a long log), then its title, the `with:` block of the main
 * step, the log, the summary.
 */
function printStep(title, result, mask, inputs = {}) {
  const annotations = runnerLog(result.visible, mask)
    .split('\n')
    .filter(line => line.startsWith('Error: '))
  if (annotations.length)
    console.log(`\nAnnotations (the run's summary page shows these first):\n${annotations.map(a => `  ${a}`).join('\n')}`)
  console.log(`\n${title}`)
  if (Object.keys(inputs).length) console.log('  with:')
  for (const [name, value] of Object.entries(inputs)) console.log(`    ${name}: ${SECRET_INPUTS.includes(name) ? '***' : value}`)
  const log = runnerLog(result.visible, mask)
  if (log) console.log(log.replace(/^/gm, '  '))
  if (result.summary.trim()) console.log(`\n  Step summary:\n${mask(result.summary.trimEnd()).replace(/^/gm, '    ')}`)
}

async function main() {
  const { values: options, exit } = scriptOptions(
    { sandbox: { type: 'boolean' }, keyless: { type: 'boolean' }, fail: { type: 'boolean' }, flow: { type: 'string' } },
    USAGE
  )
  if (!options) return exit
  const flow = options.keyless ? 'github-oidc' : (options.flow ?? 'jwt-bearer')
  if (!FLOWS.includes(flow) || (options.keyless && options.flow && options.flow !== 'github-oidc')) {
    console.error(`--flow must be one of ${FLOWS.join(', ')}.\n\n${USAGE}`)
    return 2
  }
  if (options.sandbox && flow !== 'jwt-bearer') {
    console.error(`--sandbox goes with the jwt-bearer flow only.\n\n${USAGE}`)
    return 2
  }

  // An SFDX auth URL always logs in over https: that org serves https with a test CA the step trusts.
  const tls = flow === 'sfdx-url' ? testTlsIdentity(['acme.my.salesforce.com']) : undefined
  const server = await startFakeSalesforce({
    audiences: options.sandbox ? [SANDBOX_AUDIENCE] : undefined,
    tls: tls && { key: tls.key, cert: tls.cert }
  })
  const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-start-'))
  if (tls) writeFileSync(join(dir, 'ca.crt'), tls.ca)
  const github = flow === 'github-oidc' ? await startFakeGitHubOidc() : undefined
  try {
    if (github) return await keyless(server, github, dir, options.fail)
    if (flow === 'client-credentials') return await clientCredentials(server, dir, options.fail)
    if (flow === 'sfdx-url') return await sfdxUrl(server, dir, options.fail)
    const identity = makeIdentity()
    const clientId = `3MVG9${randomUUID().replace(/-/g, '')}`
    const username = options.fail ? 'not-approved@acme.example' : 'deploy@acme.example'
    server.addApp(clientId, identity.certificate)
    server.addUser(username, { approved: !options.fail })
    console.log(`Fake Salesforce at ${server.url} (org ${server.orgId}, audience ${server.audiences.join(', ')}).`)
    console.log(`App ${clientId} has a throwaway certificate; ${username} is ${options.fail ? 'NOT ' : ''}pre-authorized.`)

    const inputs = { 'client-id': clientId, username, 'private-key': identity.pkcs8, 'login-url': server.url }
    if (options.sandbox) inputs.audience = 'sandbox'
    return await showRun(inputs, dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await Promise.all([server.close(), github?.close()])
  }
}

/** The keyless set-up: an app enabled for token exchange, the GitHub Actions handler and one trust rule. */
async function keyless(server, github, dir, fail) {
  server.addUser(KEYLESS_USER)
  const rule = github.ruleFor(server.url, KEYLESS_USER)
  const { clientId } = server.addTokenExchangeApp(github.jwksUrl, [rule])
  if (fail) github.claims.ref = 'refs/heads/feature'
  console.log(`Fake GitHub OIDC service at ${github.url}; the job is a push to ${github.claims.ref} of ${github.claims.repository}.`)
  console.log(`Fake Salesforce at ${server.url} (org ${server.orgId}); app ${clientId} is enabled for token exchange.`)
  console.log(
    `Trust rule: repository id ${rule.Repository_Id__c} (${rule.Repository__c}), ref ${rule.Ref__c}, audience ${rule.Audience__c} -> ${KEYLESS_USER}.`
  )
  return showRun({ 'auth-flow': 'github-oidc', 'client-id': clientId, 'login-url': server.url }, dir, github.env())
}

/** The client credentials set-up: an app with the flow on and (unless failing) a Run-As user. */
async function clientCredentials(server, dir, fail) {
  const runAs = 'integration@acme.example'
  server.addUser(runAs)
  const { clientId, clientSecret } = server.addClientCredentialsApp({ runAs: fail ? undefined : runAs })
  console.log(`Fake Salesforce at ${server.url} (org ${server.orgId}), standing in for the org's My Domain.`)
  console.log(`App ${clientId} enables the client credentials flow; its Run-As user is ${fail ? 'NOT set' : runAs}.`)
  return showRun({ 'client-id': clientId, 'client-secret': clientSecret, 'login-url': server.url }, dir)
}

/** The SFDX auth URL set-up: an app, a user, and a refresh token as a web login leaves one (revoked to fail). */
async function sfdxUrl(server, dir, fail) {
  server.addUser(KEYLESS_USER)
  const { clientId, clientSecret } = server.addRefreshTokenApp()
  const token = server.issueRefreshToken(clientId, KEYLESS_USER)
  if (fail) server.refreshTokens.get(token).state = 'revoked'
  console.log(`Fake Salesforce at ${server.url} (org ${server.orgId}).`)
  console.log(`A refresh token of ${KEYLESS_USER} for app ${clientId}${fail ? ', since revoked' : ''}, in an SFDX auth URL.`)
  return showRun({ 'sfdx-auth-url': server.sfdxAuthUrl(clientId, clientSecret, token) }, dir, { NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt') })
}

/** Runs the main step and the post step, and prints them as the run page shows them. */
async function showRun(inputs, dir, env = {}) {
  const result = await runStep({ inputs, dir, env })
  const secrets = new Set(result.masks)
  printStep(`Run ./ (${relative(ROOT, ENTRY)})`, result, masker(secrets), inputs)

  if (result.code === 0) {
    console.log('\nOutputs:')
    const mask = masker(secrets)
    for (const [name, value] of Object.entries(result.outputs)) {
      console.log(`  ${name} = ${name === 'access_token' ? '***' : mask(value)}`)
    }
  }
  // The runner's post step: same inputs, the state the main step saved, the job's masks still applied.
  const postIf = ACTION.runs['post-if'] ?? 'always()'
  if (ACTION.runs.post && (result.code === 0 || !postIf.includes('success()'))) {
    const post = await runStep({ inputs, dir, post: true, state: result.state, env })
    for (const secret of post.masks) secrets.add(secret)
    printStep(`Post Run ./ (${relative(ROOT, join(ROOT, ACTION.runs.post))})`, post, masker(secrets))
  }
  console.log(result.code === 0 ? '\nThe step succeeded.' : `\nThe step failed (exit code ${result.code}).`)
  return result.code === 0 ? 0 : 1
}

process.exitCode = await main()
