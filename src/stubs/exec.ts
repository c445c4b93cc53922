/**
 * Stands in for @actions/exec in the bundle. @actions/core imports it only for core.platform's
 * getDetails(), which this action never calls; loading it pulled in child_process and @actions/io on
 * every run.
 */
export function getExecOutput(): never {
  throw new Error('@actions/exec is not bundled with this action (core.platform is not supported)')
}

export function exec(): never {
  throw new Error('@actions/exec is not bundled with this action (core.platform is not supported)')
}
