// The start of every script that runs the bundled action: its options, --help, and the bundle it needs.
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { ENTRY, ROOT } from '../fakes/runner.mjs'

/**
 * Parses the options (plus --help) and checks that the bundle exists, so each script fails the same way:
 * `{ values }` to go on, or `{ exit }` with usage or the fix already printed.
 */
export function scriptOptions(options, usage) {
  let values
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean' } } }).values
  } catch (err) {
    console.error(`${err.message}\n\n${usage}`)
    return { exit: 2 }
  }
  if (values.help) {
    console.log(usage)
    return { exit: 0 }
  }
  if (!existsSync(ENTRY)) {
    console.error(`${relative(ROOT, ENTRY)} does not exist: run 'npm run build' first.`)
    return { exit: 1 }
  }
  return { values }
}
