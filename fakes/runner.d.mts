export const ROOT: string
export const ACTION: {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post?: string; 'post-if'?: string }
  [key: string]: unknown
}
export const ENTRY: string
export const ACTION_NODE: string
export function parseCommandFile(text: string): Record<string, string>
export function unescapeData(text: string): string

export interface StepOptions {
  inputs?: Record<string, string>
  env?: Record<string, string>
  state?: Record<string, string>
  post?: boolean
  timeoutMs?: number
  dir?: string
}
export interface StepResult {
  code: number | null
  durationMs: number
  stdout: string
  stderr: string
  dir: string
  outputs: Record<string, string>
  state: Record<string, string>
  env: Record<string, string>
  summary: string
  masks: string[]
  errors: string[]
  warnings: string[]
  visible: string
}
export function runStep(options?: StepOptions): Promise<StepResult>
export function findLeaks(result: StepResult, secrets: string[]): string[]
export function removeStepFolders(): void
export const FORGED: string
export function forgedCommands(result: Pick<StepResult, 'stdout' | 'stderr'>): string[]
