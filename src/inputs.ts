import { ActionError, inputError, SECRETS_HINT } from './errors.js'
import type { FlowSpec } from './flows/flow.js'
import { FLOWS, type Flow, type Inputs } from './flows/index.js'
import { readClientId, type GetInput } from './input-rules.js'
import { shown } from './text.js'

export type { Flow, Inputs }

/** A flow by its name, as the shape every flow shares. */
const spec = (flow: Flow): FlowSpec => FLOWS[flow] as FlowSpec

const FLOW_NAMES = Object.keys(FLOWS) as Flow[]

/** The flows as the fix of a bad 'auth-flow' suggests them: the recommended one first. */
const SUGGESTED = [...FLOW_NAMES.filter(f => spec(f).recommended), ...FLOW_NAMES.filter(f => !spec(f).recommended)].map(
  f => `'${f}' (${spec(f).inBrief})`
)

const AUTH_FLOW_FIX = `Use ${SUGGESTED.slice(0, -1).join(', ')} or ${SUGGESTED.at(-1)}, or remove it to let the inputs choose.`

/** The inputs of `flow` that are set. */
const given = (get: GetInput, flow: Flow): string[] => spec(flow).own.filter(name => get(name).trim() !== '')

/** `auth-flow`, or when it is empty the one flow whose own inputs are set. */
function flowOf(get: GetInput): Flow {
  const text = get('auth-flow').trim()
  if (text !== '') {
    const flow = FLOW_NAMES.find(f => f === text.toLowerCase())
    if (!flow)
      throw inputError('auth-flow', `must be one of ${FLOW_NAMES.map(f => `'${f}'`).join(', ')}, not ${shown(text)}`, AUTH_FLOW_FIX)
    return flow
  }
  const named = FLOW_NAMES.filter(flow => given(get, flow).length > 0)
  if (named.length === 1) return named[0]
  if (named.length === 0) {
    const byInputs = FLOW_NAMES.flatMap(f => spec(f).chooseBy ?? [])
    const byName = FLOW_NAMES.filter(f => spec(f).chooseBy === undefined).map(f => `set 'auth-flow: ${f}' for ${spec(f).label} login`)
    throw new ActionError(
      `No login flow is chosen: 'auth-flow' is empty and no flow's inputs are set. Give ${byInputs.join(', or ')}; or ` +
        `${byName.join(', or ')}. ${SECRETS_HINT}`
    )
  }
  const inputs = named.flatMap(flow => given(get, flow).slice(0, 1)).map(name => `'${name}'`)
  throw new ActionError(
    `Inputs ${inputs.join(' and ')} belong to different login flows (${named.join(', ')}). Give the inputs of one ` +
      "flow only, or set 'auth-flow' to the one you mean."
  )
}

/** Refuses every set input that the chosen flow does not read, by name: never silently ignored. */
function refuseOthers(get: GetInput, flow: Flow): void {
  for (const [name, why] of Object.entries(spec(flow).refuses ?? {})) {
    if (get(name).trim() !== '') throw inputError(name, `is not used with 'auth-flow: ${flow}'`, `In this flow ${why}: remove it.`)
  }
  for (const other of FLOW_NAMES.filter(f => f !== flow)) {
    for (const name of given(get, other)) {
      // Named only: a refused key, passphrase, secret or URL must not be echoed.
      const instead = spec(flow).instead?.[name]
      if (instead) throw inputError(name, `is not used with 'auth-flow: ${flow}'`, `In this flow ${instead}.`)
      throw inputError(
        name,
        `is only used by the ${spec(other).label} flow`,
        `Remove it, or set 'auth-flow: ${other}' ${spec(other).purpose}.`
      )
    }
  }
}

/**
 * Reads and checks every input before anything touches the network, so a misconfigured workflow fails
 * with one message naming the input instead of a Salesforce error about something else.
 */
export function readInputs(get: GetInput): Inputs {
  const flow = flowOf(get)
  const clientId = spec(flow).refuses?.['client-id'] ? '' : readClientId(get)
  refuseOthers(get, flow)
  return spec(flow).read(get, clientId) as Inputs
}
