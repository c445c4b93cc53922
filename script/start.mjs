// `npm start`: runs the bundled action exactly as a workflow step would, against the fake Salesforce on
// loopback, and prints what the workflow's log would show. No Salesforce org, key or secret needed.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { startFakeGitHubOidc } from '../__tests__/support/fake-github-oidc.mjs'
import { SANDBOX_AUDIENCE, startFakeSalesforce } from '../__tests__/support/fake-salesforce.mjs'
import { makeIdentity } from '../__tests__/support/keys.mjs'
import { ACTION, ENTRY, ROOT, runStep, unescapeData } from '../__tests__/support/runner.mjs'
import { scriptOptions } from './options.mjs'

const USAGE = `Usage: npm start [-- --sandbox | --keyless] [-- --fail]

Runs ${relative(ROOT, ENTRY)} as a workflow step against a Salesforce-compatible token server on loopback,
with a throwaway key and certificate, and prints the step's log (masked as GitHub masks it) and outputs.

  --sandbox  log in with audience: sandbox (the server accepts only ${SANDBOX_AUDIENCE})
  --keyless  log in without a key (auth-flow: github-oidc): a fake GitHub OIDC service issues the job's ID
             token, and the org's token exchange handler applies one trust rule for acme/app on main
  --fail     see the error a workflow would show: a user who has not been pre-authorized, or (keyless) a
             push to a branch no trust rule names
  --help     show this help`

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

/** One step as the run page shows it: its title, the `with:` block of the main step, the log, the summary. */
function printStep(title, result, mask, inputs = {}) {
  console.log(`\n${title}`)
  if (Object.keys(inputs).length) console.log('  with:')
  for (const [name, value] of Object.entries(inputs)) console.log(`    ${name}: ${name === 'private-key' ? '***' : value}`)
  const log = runnerLog(result.visible, mask)
  if (log) console.log(log.replace(/^/gm, '  '))
  if (result.summary.trim()) console.log(`\n  Step summary:\n${mask(result.summary.trimEnd()).replace(/^/gm, '    ')}`)
}

async function main() {
  const { values: options, exit } = scriptOptions(
    { sandbox: { type: 'boolean' }, keyless: { type: 'boolean' }, fail: { type: 'boolean' } },
    USAGE
  )
  if (!options) return exit
  if (options.sandbox && options.keyless) {
    console.error(`--sandbox and --keyless do not go together.\n\n${USAGE}`)
    return 2
  }

  const server = await startFakeSalesforce({ audiences: options.sandbox ? [SANDBOX_AUDIENCE] : undefined })
  const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-start-'))
  const github = options.keyless ? await startFakeGitHubOidc() : undefined
  try {
    if (github) return await keyless(server, github, dir, options.fail)
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
  const { clientId } = server.addKeylessApp(github.jwksUrl, [rule])
  if (fail) github.claims.ref = 'refs/heads/feature'
  console.log(`Fake GitHub OIDC service at ${github.url}; the job is a push to ${github.claims.ref} of ${github.claims.repository}.`)
  console.log(`Fake Salesforce at ${server.url} (org ${server.orgId}); app ${clientId} is enabled for token exchange.`)
  console.log(
    `Trust rule: repository id ${rule.Repository_Id__c} (${rule.Repository__c}), ref ${rule.Ref__c}, audience ${rule.Audience__c} -> ${KEYLESS_USER}.`
  )
  return showRun({ 'auth-flow': 'github-oidc', 'client-id': clientId, 'login-url': server.url }, dir, github.env())
}

/** Runs the main step and the post step, and prints them as the run page shows them. */
async function showRun(inputs, dir, env = {}) {
  const result = await runStep({ inputs, dir, env })
  const secrets = new Set(result.masks)
  printStep(`Run ./  (${relative(ROOT, ENTRY)})`, result, masker(secrets), inputs)

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
    printStep(`Post Run ./  (${relative(ROOT, join(ROOT, ACTION.runs.post))})`, post, masker(secrets))
  }
  console.log(result.code === 0 ? '\nThe step succeeded.' : `\nThe step failed (exit code ${result.code}).`)
  return result.code === 0 ? 0 : 1
}

process.exitCode = await main()
