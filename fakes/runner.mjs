// Runs the bundled action the way the GitHub runner does: INPUT_* variables with action.yml defaults
// filled in, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV / GITHUB_STEP_SUMMARY files, STATE_* for the post
// step, and workflow commands (::add-mask:: and friends) read from stdout.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

/**
 * What the runner and the Marketplace read from action.yml.
 * @typedef {object} ActionYml
 * @property {unknown} [name]
 * @property {unknown} [description]
 * @property {unknown} [author]
 * @property {unknown} [branding]
 * @property {Record<string, { description: string, required?: boolean, default?: string }>} inputs
 * @property {Record<string, { description: string }>} outputs
 * @property {{ using: string, main: string, post?: string, 'post-if'?: string }} runs
 */
/**
 * @typedef {object} StepOptions
 * @property {Record<string, string>} [inputs] by action.yml name
 * @property {Record<string, string>} [env] added variables
 * @property {Record<string, string>} [state] STATE_* for a post step
 * @property {boolean} [post] run action.yml's post entry
 * @property {number} [timeoutMs]
 * @property {string} [dir] the step's folder (default: a new one, removed by removeStepFolders)
 */
/** @typedef {Awaited<ReturnType<typeof runStep>>} StepResult */

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const ACTION = /** @type {ActionYml} */ (parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')))
export const ENTRY = join(ROOT, ACTION.runs.main)
/** The Node that runs the action: this one, or ACTION_NODE (e.g. a Node 24 binary, as runs.using says). */
export const ACTION_NODE = process.env.ACTION_NODE || process.execPath

/** Step folders runStep made (outputs, state, summaries of throwaway logins), until removeStepFolders(). */
const made = /** @type {string[]} */ ([])

/** Removes every step folder runStep made in this process. */
export function removeStepFolders() {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** The runner's names for inputs: spaces to underscores, upper case (hyphens stay). */
const inputVar = name => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/**
 * Reads a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file: `name<<DELIM` blocks or `name=value` lines.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseCommandFile(text) {
  const result = /** @type {Record<string, string>} */ ({})
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const value = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
      result[heredoc[1]] = value.join('\n')
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return result
}

/** Undoes the escaping of a workflow command's message (%25, %0D, %0A). */
export const unescapeData = (/** @type {string} */ s) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')

/**
 * Runs one step of the bundled action. `inputs` are by action.yml name (unknown names throw: a typo must
 * not silently test the default); `env` adds variables; `state` gives STATE_* for a post step.
 * @param {StepOptions} [options]
 */
export async function runStep({ inputs = {}, env = {}, state, post = false, timeoutMs = 60_000, dir } = {}) {
  for (const name of Object.keys(inputs)) {
    if (!(name in ACTION.inputs)) throw new Error(`action.yml has no input '${name}'`)
  }
  const work = dir ?? mkdtempSync(join(tmpdir(), 'sf-jwt-step-'))
  if (!dir) made.push(work)
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STATE: join(work, post ? 'post-state' : 'state'),
    GITHUB_ENV: join(work, post ? 'post-env' : 'env'),
    GITHUB_PATH: join(work, 'path'),
    GITHUB_STEP_SUMMARY: join(work, post ? 'post-summary' : 'summary')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')

  // A clean environment: nothing of the test process's own INPUT_*, STATE_* or GITHUB_* leaks in.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k) && !/^(https?_proxy|no_proxy|NODE_OPTIONS)$/i.test(k)
    )
  )
  const childEnv = { ...base, ...files, GITHUB_WORKSPACE: work, RUNNER_TEMP: work, GITHUB_ACTIONS: 'true', CI: 'true' }
  for (const [name, spec] of Object.entries(ACTION.inputs)) {
    childEnv[inputVar(name)] = inputs[name] ?? (spec.default === undefined ? '' : String(spec.default))
  }
  for (const [name, value] of Object.entries(state ?? {})) childEnv[`STATE_${name}`] = value
  Object.assign(childEnv, env)

  const entry = post ? join(ROOT, ACTION.runs.post ?? ACTION.runs.main) : ENTRY
  const started = Date.now()
  const child = spawn(ACTION_NODE, [entry], { env: childEnv, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', d => (stdout += d))
  child.stderr.on('data', d => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await /** @type {Promise<number | null>} */ (new Promise(resolve => child.on('close', c => resolve(c))))
  clearTimeout(timer)

  const read = f => readFileSync(f, 'utf8')
  const lines = stdout.split('\n')
  return {
    code,
    durationMs: Date.now() - started,
    stdout,
    stderr,
    dir: work,
    outputs: parseCommandFile(read(files.GITHUB_OUTPUT)),
    state: parseCommandFile(read(files.GITHUB_STATE)),
    env: parseCommandFile(read(files.GITHUB_ENV)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    masks: lines.filter(l => l.startsWith('::add-mask::')).map(l => unescapeData(l.slice('::add-mask::'.length))),
    errors: lines.filter(l => l.startsWith('::error')).map(l => unescapeData(l.replace(/^::error[^:]*::/, ''))),
    warnings: lines.filter(l => l.startsWith('::warning')).map(l => unescapeData(l.replace(/^::warning[^:]*::/, ''))),
    /** The log as a reader sees it: every line but the mask commands. */
    visible: [...lines.filter(l => !l.startsWith('::add-mask::')), ...stderr.split('\n')].join('\n')
  }
}

/**
 * Where any secret shows up outside an ::add-mask:: line (stdout, stderr, step summary, exported env):
 * a list of "where: which secret" strings, empty when nothing leaked.
 * @param {Pick<StepResult, 'visible' | 'summary'>} result
 * @param {string[]} secrets
 * @returns {string[]}
 */
export function findLeaks(result, secrets) {
  const leaks = []
  const places = { log: result.visible, summary: result.summary }
  for (const secret of secrets.filter(s => s && s.length >= 6)) {
    for (const [where, text] of Object.entries(places)) {
      if (text.includes(secret)) leaks.push(`${where}: ${secret.slice(0, 6)}…`)
    }
  }
  return leaks
}

/** The workflow commands the action itself writes; any other command in its output is forged. */
const OWN_COMMANDS = ['add-mask', 'debug', 'warning', 'error']

/**
 * What hostile test values write right after a command they try to forge (`\n::warning::FORGED`): the
 * action's own messages never begin with it, so a command line whose data does was forged.
 */
export const FORGED = 'FORGED'

/**
 * Reads a step's output the way the runner does and returns every line that would act as a command the
 * action did not mean to write: the runner splits at CR and LF, takes a line whose start (after white
 * space) is `::` as a command, and the legacy `##[name]` form anywhere in a line that is not one.
 * The action's own lines have their exact shape (`::name::data`, no properties), and the data of a
 * debug, warning or error line, as the runner decodes it, holds no control character, no `##[` and does
 * not begin with FORGED.
 * @param {Pick<StepResult, 'stdout' | 'stderr'>} result
 * @returns {string[]}
 */
export function forgedCommands(result) {
  const forged = []
  for (const line of `${result.stdout}\n${result.stderr}`.split(/\r\n|\r|\n/)) {
    if (/^[\s\u0085]*::/.test(line)) {
      // The runner splits lines at CR and LF only: a U+2028 in a command's data is data.
      const own = /^::([a-z-]+)::(.*)$/s.exec(line)
      const data = own ? unescapeData(own[2]) : ''
      // eslint-disable-next-line no-control-regex -- control characters are what it looks for
      const clean = !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|##\[/.test(data) && !data.startsWith(FORGED)
      if (!(own && OWN_COMMANDS.includes(own[1]) && (own[1] === 'add-mask' || clean))) forged.push(line)
    } else if (line.includes('##[')) forged.push(line)
  }
  return forged
}
