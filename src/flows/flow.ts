import type { CommonInputs, GetInput } from '../input-rules.js'
import type { FlowIo } from '../io.js'
import type { ChosenUser } from '../summary.js'
import type { FlowAdvice } from './salesforce-errors.js'
import type { TokenResponse } from './token.js'

/** What a login flow hands to the shared tail (org guard, outputs, export, revoke state, summary). */
export interface Login {
  token: TokenResponse
  /** The user the flow asked for by name; absent when something else chose the user. */
  username?: string
  /** The audience used: the assertion's `aud`, or the one asked of GitHub; absent where a flow has none. */
  audience?: string
  /** The summary's name for the audience row, when it is not 'Audience'. */
  audienceLabel?: string
  /** Whose token it is, when no username says: e.g. the app's Run-As user. */
  actsAs?: string
  /** Set when the org chose the user from who asked (keyless). */
  chosen?: ChosenUser
  certificateExpiresAt?: string
}

/** What a flow may read from where the step runs, besides its inputs. */
export interface StepEnv {
  /** The workspace that relative paths are read from. */
  workspace: string
  /** The step's environment variables (the runner's ID token request variables, NODE_DEBUG). */
  env: Record<string, string | undefined>
}

/**
 * One login flow: everything the action knows about it, in its own folder. The registry (`flows/index.ts`)
 * lists them; choosing, inferring and refusing inputs, and dispatch, all follow from these fields.
 */
export interface FlowSpec<I extends CommonInputs = CommonInputs> {
  /** How the flow is named in messages. */
  label: string
  /** What choosing it achieves, for the fix of a refusal. */
  purpose: string
  /** How the fix of a bad 'auth-flow' describes it, after its name. */
  inBrief: string
  /** Listed first where flows are suggested. */
  recommended?: boolean
  /** The inputs only this flow reads: giving any of them names the flow when 'auth-flow' is omitted. */
  own: string[]
  /** How to choose it by its inputs, for the message when no flow is chosen; absent: by 'auth-flow' only. */
  chooseBy?: string
  /** Shared inputs this flow cannot use, with why. */
  refuses?: Record<string, string>
  /** Other flows' inputs this flow refuses with a word on what it does instead (the rest get a plain refusal). */
  instead?: Record<string, string>
  /** Salesforce's refusals of this flow's requests, and what each one means. */
  advice: FlowAdvice
  /** Reads the flow's inputs; `clientId` has been read first, unless the flow refuses 'client-id'. */
  read(get: GetInput, clientId: string): I
  /** Logs in with checked inputs; masks every secret before anything else is written. */
  login(inputs: I, step: StepEnv, io: FlowIo): Promise<Login>
}
