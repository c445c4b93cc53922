export const ROOT: string
export const INPUTS_DOC: string
/** The Markdown of docs/inputs.md for the given action.yml text. */
export function inputsMarkdown(actionYml: string): Promise<string>
