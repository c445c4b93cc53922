// Set-up for tests of the keyless flow: a fake GitHub OIDC token service, a fake org with an External
// Client App enabled for token exchange, the GitHub Actions handler and one trust rule, and a step runner
// that gives the job the runner's ID token variables and checks every run for leaks.
import { startFakeGitHubOidc, type FakeGitHubOidc, type FakeGitHubOidcOptions } from '../../fakes/fake-github-oidc.mjs'
import { startFakeSalesforce, type TokenExchangeHandler, type TrustRule } from '../../fakes/fake-salesforce.mjs'
import { assertNoLeaks, USERNAME, type Server, type StepOptions, type StepResult } from './harness.js'
import { removeStepFolders, runStep } from '../../fakes/runner.mjs'

export interface GithubOidcFixture {
  github: FakeGitHubOidc
  server: Server
  clientId: string
  handler: TokenExchangeHandler
  /** The rule that trusts pushes to main of acme/app (id 123456789) for USERNAME. */
  rule: TrustRule
  /** Runs the main step with auth-flow github-oidc and the runner's ID token variables. */
  step(inputs?: Record<string, string>, options?: StepOptions): Promise<StepResult>
  post(main: StepResult, inputs?: Record<string, string>): Promise<StepResult>
  close(): Promise<void>
}

export async function setUpGithubOidc(githubOptions: FakeGitHubOidcOptions = {}): Promise<GithubOidcFixture> {
  const github = await startFakeGitHubOidc(githubOptions)
  const server = await startFakeSalesforce()
  server.addUser(USERNAME)
  const rule = github.ruleFor(server.url, USERNAME)
  const { clientId, handler } = server.addTokenExchangeApp(github.keyServers(), [rule])
  const withDefaults = (inputs: Record<string, string>): Record<string, string> => ({
    'auth-flow': 'github-oidc',
    'client-id': clientId,
    'login-url': server.url,
    ...inputs
  })
  const check = (result: StepResult): StepResult => {
    assertNoLeaks(server, result, [...github.idTokens, github.requestToken])
    return result
  }
  return {
    github,
    server,
    clientId,
    handler,
    rule,
    step: async (inputs = {}, options = {}) =>
      check(await runStep({ ...options, inputs: withDefaults(inputs), env: { ...github.env(), ...options.env } })),
    post: async (main, inputs = {}) =>
      check(await runStep({ inputs: withDefaults(inputs), state: main.state, post: true, dir: main.dir, env: github.env() })),
    close: async () => {
      await Promise.all([server.close(), github.close()])
      removeStepFolders()
    }
  }
}
