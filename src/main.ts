import * as core from '@actions/core'
import { checkEnvironment } from './environment.js'
import { ActionError } from './errors.js'
import type { FlowSpec, Login } from './flows/flow.js'
import { FLOWS } from './flows/index.js'
import { parseIdentity } from './flows/token.js'
import { getUrl, postForm } from './http.js'
import { readInputs, type Inputs } from './inputs.js'
import type { FlowIo, StepEdge } from './io.js'
import { isOrgAllowed } from './orgs.js'
import { cleanup } from './post.js'
import { revokeToken } from './revoke.js'
import { EXPORTED, STATE } from './state.js'
import { authenticatedLine, summaryMarkdown } from './summary.js'
import { neutralize, redactor, safeLogger, type Logger, type Redactor } from './text.js'

/** One run of the main step: its edge, the secrets it has masked, and the log every line goes through. */
interface MainStep {
  edge: StepEdge
  /** Every secret the step masks, removed again from any text it logs, even where a server quoted it. */
  secrets: Redactor
  /** Every log line goes through here, so no value it quotes can forge a workflow command or show a secret. */
  log: Logger
}

/** The edge the flows talk through, built on the step's: masking also teaches the redactor. */
function flowIo({ edge, secrets, log }: MainStep): FlowIo {
  return {
    ...log,
    mask: secret => {
      edge.core.setSecret(secret)
      secrets.remember(secret)
    },
    post: edge.post,
    get: edge.get,
    retry: { sleep: edge.sleep, random: edge.random, log: message => log.info(message) }
  }
}

/** Leaves the token for the post step to revoke, with where it came from. */
function keepForRevocation({ edge }: MainStep, inputs: Inputs, token: string): void {
  edge.core.saveState(STATE.token, token)
  edge.core.saveState(STATE.loginUrl, inputs.loginUrl)
}

/** The tail every flow ends in: org guard, outputs, export, revoke state, summary. */
async function finish(step: MainStep, inputs: Inputs, login: Login): Promise<void> {
  const { core } = step.edge
  // The token stays here: the summary and the log line are built from the rest, which is not secret.
  const { token, ...about } = login
  const { orgId, userId } = parseIdentity(token.id)
  if (!isOrgAllowed(orgId, inputs.allowedOrgIds)) {
    const timeoutMs = inputs.requestTimeoutSeconds * 1000
    const failed = await revokeToken(step.edge.post, inputs.loginUrl, token.access_token, timeoutMs)
    if (failed && inputs.revokeToken) keepForRevocation(step, inputs, token.access_token)
    throw new ActionError(
      `Logged in to org ${orgId || '(unknown: no identity URL in the answer)'} at ${token.instance_url}, which is not in ` +
        `'allowed-org-ids' (${inputs.allowedOrgIds.join(', ')}). ` +
        (failed
          ? `Revoking that token failed (${failed}); ${inputs.revokeToken ? 'the post step tries again' : 'it expires with the session'}. `
          : 'The token was revoked. ') +
        `No outputs were set. Check ${inputs.orgChosenBy}${about.username ? " and 'username'" : about.chosen ? ` and ${about.chosen.alsoCheck}` : ''}, ` +
        "or add the org to 'allowed-org-ids'."
    )
  }

  core.setOutput('access_token', token.access_token)
  core.setOutput('instance_url', token.instance_url)
  core.setOutput('id', token.id)
  core.setOutput('org_id', orgId)
  core.setOutput('user_id', userId)
  core.setOutput('scope', token.scope)
  core.setOutput('token_type', token.token_type)
  if (login.certificateExpiresAt) core.setOutput('certificate_expires_at', login.certificateExpiresAt)
  if (inputs.exportEnv) {
    core.exportVariable(EXPORTED.token, token.access_token)
    core.exportVariable(EXPORTED.instanceUrl, token.instance_url)
    core.saveState(STATE.exported, 'true')
  }
  if (inputs.revokeToken) keepForRevocation(step, inputs, token.access_token)
  const facts = { ...about, userId, orgId, instanceUrl: token.instance_url, loginUrl: inputs.loginUrl }
  if (inputs.jobSummary && step.edge.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(facts)).write()
  step.log.info(authenticatedLine(facts))
}

/** The main step: inputs, then the chosen flow, then the shared tail; masking always comes first. */
async function login(step: MainStep): Promise<void> {
  const { core, env } = step.edge
  const inputs = readInputs(name => core.getInput(name))
  // The one place that maps a flow to its login: its spec, by the name the inputs chose.
  const flow = FLOWS[inputs.flow] as FlowSpec<Inputs>
  const where = { workspace: env.GITHUB_WORKSPACE ?? process.cwd(), env }
  await finish(step, inputs, await flow.login(inputs, where, flowIo(step)))
}

/**
 * Both steps against a given edge (tests pass fakes): every failure becomes one error line, without a stack
 * trace, redacted of every secret the step masked.
 */
export async function runStep(edge: StepEdge): Promise<void> {
  const secrets = redactor()
  const step: MainStep = { edge, secrets, log: safeLogger(edge.core, secrets.redact) }
  const isPost = edge.core.getState(STATE.isPost) === 'true'
  try {
    if (!isPost) edge.core.saveState(STATE.isPost, 'true')
    // Before any input is read or any request made, in both steps: a later step may have changed the environment.
    checkEnvironment(edge.env)
    await (isPost ? cleanup(edge) : login(step))
  } catch (err) {
    const message = err instanceof ActionError ? err.message : `Unexpected error: ${(err as Error)?.message ?? String(err)}`
    edge.core.setFailed(neutralize(secrets.redact(message)))
  }
}

/** Entry point for both steps, against the runner (`@actions/core`), the network and this process. */
export async function run(): Promise<void> {
  await runStep({
    core,
    post: postForm,
    get: getUrl,
    env: process.env,
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    random: Math.random
  })
}
