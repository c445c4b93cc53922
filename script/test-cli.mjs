// `npm run test:cli`: proves the hand-off to the real Salesforce CLI. Installs a pinned @salesforce/cli into
// a temporary folder (~290 MB, not a dependency of this project), puts a token into SF_ACCESS_TOKEN /
// SF_ORG_INSTANCE_URL as each scenario says, then runs the docs' own `sf` commands (docs/cli.md) exactly as written
// against the fake org (https through a local CONNECT proxy) and checks what the CLI reports.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeGitHubOidc } from '../fakes/fake-github-oidc.mjs'
import { MY_DOMAIN, startFakeOrg } from '../fakes/fake-org.mjs'
import { ROOT, findLeaks, removeStepFolders, runStep } from '../fakes/runner.mjs'
import { BELOW_SF_CLI_FLOOR, SF_CLI_NODE_FLOOR, SF_CLI_VERSION, installSfCli, runShell, sfEnv } from '../fakes/sf-cli.mjs'
import { scriptOptions } from './options.mjs'
import { cliStartProblem, engineFloor } from './sf-cli-check.mjs'

const USAGE = `Usage: npm run test:cli -- [--sf PATH] [--json FILE]

Installs @salesforce/cli@${SF_CLI_VERSION} into a temporary folder, logs in with the bundled action, and runs
the 'sf' commands of docs/cli.md, as written, against a Salesforce-compatible org on loopback. The CLI needs Node
${SF_CLI_NODE_FLOOR} or newer; on an older Node the install holds undici at 6.x so that it starts (docs/cli.md).

  --sf PATH    use this sf instead of installing one (e.g. to try another version)
  --json FILE  also write { numPassedTests, numFailedTests } to FILE (for .ci/run)
  --help       show this help`

/** The `- run: sf ...` lines of the docs' workflow examples (README.md and docs/cli.md), exactly as a user copies them. */
function readmeSfCommands(readme = ['README.md', 'docs/cli.md'].map(f => readFileSync(join(ROOT, f), 'utf8')).join('\n')) {
  return [...readme.matchAll(/^\s*- run: (sf .+)$/gm)].map(m => m[1].trim())
}

/** The one README command that `pick` selects; fails when the README lost it. */
function readmeCommand(what, pick) {
  const command = readmeSfCommands().find(pick)
  if (!command) throw new Error(`README.md and docs/cli.md have no '- run: sf ...' line for ${what}`)
  return command
}

const LOGIN = () => readmeCommand('sf org login access-token', c => c.startsWith('sf org login access-token '))
const TOKEN_ROUTE = () => readmeCommand('--target-org "$SF_ACCESS_TOKEN"', c => c.includes('--target-org "$SF_ACCESS_TOKEN"'))

function expectThat(ok, message) {
  if (!ok) throw new Error(message)
}

/** Runs one command line in the scenario's CLI environment; fails on a non-zero exit. */
async function sh(ctx, command, env) {
  const result = await runShell(command, env)
  ctx.transcript.push(`$ ${command}\n${result.stdout}${result.stderr}`)
  expectThat(result.code === 0, `'${command}' exited with ${result.code}`)
  return result
}

const json = result => JSON.parse(result.stdout).result

/** Auth files the CLI stored under HOME (`~/.sfdx/<username>.json`). */
const storedAuth = home =>
  existsSync(join(home, '.sfdx')) ? readdirSync(join(home, '.sfdx')).filter(f => f.includes('@') && f.endsWith('.json')) : []

/** What the CLI must do with any token the scenario put into SF_ACCESS_TOKEN / SF_ORG_INSTANCE_URL. */
const CLI_CHECKS = [
  {
    name: "README: 'sf org login access-token' logs in and stores the org, token encrypted",
    async run(ctx) {
      const command = LOGIN()
      const env = ctx.cliEnv()
      const { stdout } = await sh(ctx, command, env)
      expectThat(
        stdout.includes(`Successfully authorized ${ctx.username} with org ID ${ctx.org.server.orgId}`),
        `the CLI did not report '${ctx.username}' and org ${ctx.org.server.orgId}`
      )
      const files = storedAuth(env.HOME)
      expectThat(files.length === 1 && files[0] === `${ctx.username}.json`, `expected ~/.sfdx/${ctx.username}.json, found ${files}`)
      const stored = readFileSync(join(env.HOME, '.sfdx', files[0]), 'utf8')
      expectThat(!stored.includes(ctx.token), 'the stored auth file holds the token in plain text')
      expectThat(existsSync(join(env.HOME, '.sfdx', 'key.json')), 'the CLI did not keep its key in ~/.sfdx/key.json')
      ctx.loggedIn = { env, alias: /--alias (\S+)/.exec(command)?.[1] ?? ctx.username }
    }
  },
  {
    name: "then 'sf org display': Connected, with the org id and username",
    async run(ctx) {
      expectThat(ctx.loggedIn, 'needs the login check to have passed')
      const org = json(await sh(ctx, `sf org display --target-org ${ctx.loggedIn.alias} --json`, ctx.loggedIn.env))
      expectThat(org.connectedStatus === 'Connected', `connectedStatus is '${org.connectedStatus}'`)
      expectThat(org.id === ctx.org.server.orgId, `id is '${org.id}', not ${ctx.org.server.orgId}`)
      expectThat(org.username === ctx.username, `username is '${org.username}'`)
    }
  },
  {
    name: "then 'sf data query' answers with the org's rows",
    async run(ctx) {
      expectThat(ctx.loggedIn, 'needs the login check to have passed')
      const command = `sf data query --query "SELECT Id, Name FROM User" --target-org ${ctx.loggedIn.alias} --json`
      const { records } = json(await sh(ctx, command, ctx.loggedIn.env))
      const ids = records.map(r => r.Id)
      expectThat(ids.length === 1 && ids[0] === ctx.org.server.users.get(ctx.username).userId, `query returned ${ids}`)
    }
  },
  {
    name: 'README: --target-org "$SF_ACCESS_TOKEN" works with no login step and stores nothing',
    async run(ctx) {
      const env = ctx.cliEnv()
      const { stdout } = await sh(ctx, TOKEN_ROUTE(), env)
      expectThat(stdout.includes(ctx.org.server.orgId), `the output does not show org ${ctx.org.server.orgId}`)
      expectThat(/Total number of records retrieved: 1\./.test(stdout), 'the output does not report one row')
      expectThat(storedAuth(env.HOME).length === 0, `the CLI stored ${storedAuth(env.HOME)}`)
    }
  },
  {
    name: "README: a later 'sf org login jwt' without --instance-url goes to login.salesforce.com, not SF_ORG_INSTANCE_URL",
    async run(ctx) {
      const { org } = ctx
      const before = org.proxy.connects.length
      const args = `--client-id ${org.clientId} --jwt-key-file "${org.keyFile}" --username ${org.username}`
      // The fake org has no certificate for login.salesforce.com, so this login fails; where it went is the point.
      const result = await runShell(`sf org login jwt ${args}`, ctx.cliEnv())
      ctx.transcript.push(`$ sf org login jwt ${args}\n${result.stdout}${result.stderr}`)
      const hosts = org.proxy.connects.slice(before).map(c => c.target)
      expectThat(hosts[0] === 'login.salesforce.com:443', `the first login host was ${hosts[0]}`)
      expectThat(!hosts.includes(`${new URL(MY_DOMAIN).host}:443`), `it went to ${MY_DOMAIN} too: ${hosts}`)
    }
  }
]

/**
 * Each scenario puts a token into SF_ACCESS_TOKEN / SF_ORG_INSTANCE_URL its own way (`login` returns the
 * exported variables and the user they belong to), then runs its checks. Add a scenario per login flow.
 */
/** Runs the action's main step with export-env; fails on an error or a leak of any of `secrets`. */
async function exportedLogin(inputs, env, secrets) {
  const step = await runStep({ inputs: { ...inputs, 'export-env': 'true' }, env })
  expectThat(step.code === 0, `the action failed: ${step.errors.join(' ') || step.stderr.trim()}`)
  const leaks = findLeaks(step, secrets())
  expectThat(leaks.length === 0, `the action leaked: ${leaks.join(', ')}`)
  return step.env
}

const SCENARIOS = [
  {
    name: 'JWT bearer login with export-env: true',
    async login(org) {
      const exported = await exportedLogin(org.inputs, org.env, () => [...org.server.tokens, ...org.server.assertions])
      return { exported, username: org.username }
    },
    checks: CLI_CHECKS
  },
  {
    name: 'Keyless login (auth-flow: github-oidc) with export-env: true',
    async login(org) {
      // The job's GitHub OIDC token, exchanged at the org's My Domain through the GitHub Actions handler,
      // whose one trust rule names the same user.
      const github = await startFakeGitHubOidc()
      org.onClose(() => github.close())
      const { clientId } = org.server.addTokenExchangeApp(github.jwksUrl, [github.ruleFor(MY_DOMAIN, org.username)])
      const inputs = { 'auth-flow': 'github-oidc', 'client-id': clientId, 'login-url': MY_DOMAIN }
      const secrets = () => [...org.server.tokens, ...github.idTokens, github.requestToken]
      const exported = await exportedLogin(inputs, { ...org.env, ...github.env() }, secrets)
      return { exported, username: org.username }
    },
    checks: CLI_CHECKS
  },
  {
    name: 'Client credentials login (auth-flow: client-credentials) with export-env: true',
    async login(org) {
      // The app's Run-As user is the org's one user, so the CLI checks below find it by name.
      const { clientId, clientSecret } = org.server.addClientCredentialsApp({ runAs: org.username })
      const inputs = { 'client-id': clientId, 'client-secret': clientSecret, 'login-url': MY_DOMAIN }
      const exported = await exportedLogin(inputs, org.env, () => [...org.server.tokens, clientSecret])
      return { exported, username: org.username }
    },
    checks: CLI_CHECKS
  },
  {
    name: 'SFDX auth URL login (auth-flow: sfdx-url) with export-env: true',
    async login(org) {
      const { clientId, clientSecret } = org.server.addRefreshTokenApp()
      const refreshToken = org.server.issueRefreshToken(clientId, org.username)
      const url = org.server.sfdxAuthUrl(clientId, clientSecret, refreshToken, new URL(MY_DOMAIN).host)
      const exported = await exportedLogin({ 'sfdx-auth-url': url }, org.env, () => [...org.server.tokens, clientSecret, refreshToken])
      return { exported, username: org.username, sfdxUrl: url }
    },
    checks: [
      ...CLI_CHECKS,
      {
        name: "'sf org login sfdx-url' with the same URL reaches the same org and user as the action",
        async run(ctx) {
          const env = ctx.cliEnv()
          const file = join(env.HOME, 'auth-url.txt')
          writeFileSync(file, ctx.sfdxUrl, { mode: 0o600 })
          // Its --json result holds the refresh token and secret up to CLI 2.136.8: never printed, not even on failure.
          const login = await runShell(`sf org login sfdx-url --sfdx-url-file "${file}" --alias via-cli --json`, env)
          ctx.transcript.push(
            `$ sf org login sfdx-url --sfdx-url-file <file> --alias via-cli --json\n(exit ${login.code}; output not shown: it holds secrets)`
          )
          expectThat(login.code === 0, `'sf org login sfdx-url' exited with ${login.code}`)
          const viaCli = json(await sh(ctx, 'sf org display --target-org via-cli --json', env))
          expectThat(viaCli.id === ctx.org.server.orgId, `the CLI reached org '${viaCli.id}', the action ${ctx.org.server.orgId}`)
          expectThat(viaCli.username === ctx.username, `the CLI logged in as '${viaCli.username}', the action as ${ctx.username}`)
        }
      }
    ]
  }
]

/** Hides every token the fake org issued, for printing a failed command's output. */
const masked = (org, text) => org.server.tokens.reduce((t, token) => t.split(token).join('***'), text)

async function main() {
  const { values: options, exit } = scriptOptions({ sf: { type: 'string' }, json: { type: 'string' } }, USAGE)
  if (!options) return exit
  let passed = 0
  let failed = 0
  const report = () => {
    if (options.json) writeFileSync(options.json, JSON.stringify({ numPassedTests: passed, numFailedTests: failed }))
    console.log(`\n${passed} passed, ${failed} failed`)
    return failed === 0 ? 0 : 1
  }
  let installed
  if (!options.sf) {
    console.log(`Installing @salesforce/cli@${SF_CLI_VERSION} into a temporary folder...`)
    try {
      installed = await installSfCli()
    } catch (err) {
      console.log(`  FAIL  the install: ${err.message}`)
      failed++
      return report()
    }
    console.log(`Installed in ${installed.seconds.toFixed(0)} s.`)
    if (BELOW_SF_CLI_FLOOR) console.log(`Node ${process.version} is below the CLI's floor (${SF_CLI_NODE_FLOOR}): undici held at 6.21.3.`)
    else {
      // The floor docs/cli.md states is what this install resolved: dependencies can raise it after a pin.
      const floor = engineFloor(join(installed.dir, 'node_modules'))
      const same = floor.version === SF_CLI_NODE_FLOOR
      console.log(
        `  ${same ? 'ok  ' : 'FAIL'}  its install needs Node ${floor.version} (${floor.by})${same ? '' : `, not ${SF_CLI_NODE_FLOOR} as pinned`}`
      )
      if (same) passed++
      else failed++
    }
  }
  const sf = options.sf ?? installed.sf
  const homes = []
  const startEnv = sfEnv(sf)
  homes.push(startEnv.HOME)
  const problem = await cliStartProblem(sf, startEnv)
  if (problem) {
    console.log(`  FAIL  ${problem}`)
    for (const home of homes) rmSync(home, { recursive: true, force: true })
    if (installed) rmSync(installed.dir, { recursive: true, force: true })
    failed++
    return report()
  }
  const org = await startFakeOrg()
  try {
    const env = sfEnv(sf)
    homes.push(env.HOME)
    console.log(`${(await runShell('sf --version', env)).stdout.trim()}\n`)
    for (const scenario of SCENARIOS) {
      console.log(scenario.name)
      let ctx
      try {
        const { exported, username, sfdxUrl } = await scenario.login(org)
        const cliEnv = () => {
          const env = sfEnv(sf, { ...org.env, ...exported })
          homes.push(env.HOME)
          return env
        }
        ctx = { org, username, sfdxUrl, token: exported.SF_ACCESS_TOKEN, cliEnv, transcript: [] }
        expectThat(ctx.token && exported.SF_ORG_INSTANCE_URL, 'SF_ACCESS_TOKEN or SF_ORG_INSTANCE_URL was not exported')
      } catch (err) {
        failed += scenario.checks.length
        console.log(`  FAIL  the login: ${masked(org, err.message)}`)
        continue
      }
      for (const check of scenario.checks) {
        const before = ctx.transcript.length
        try {
          await check.run(ctx)
          passed++
          console.log(`  ok    ${check.name}`)
        } catch (err) {
          failed++
          console.log(`  FAIL  ${check.name}: ${err.message}`)
          console.log(masked(org, ctx.transcript.slice(before).join('\n')).replace(/^/gm, '        '))
        }
      }
    }
  } finally {
    await org.close()
    removeStepFolders()
    for (const home of homes) rmSync(home, { recursive: true, force: true })
    if (installed) rmSync(installed.dir, { recursive: true, force: true })
  }
  return report()
}

process.exitCode = await main()
