// `npm run docs:inputs`: writes docs/inputs.md from action.yml, so the input reference can never disagree with
// what the runner reads. `--check` only compares (exit 1 when the committed file differs). A jest test runs the
// same `inputsMarkdown()`, so after any change to action.yml, `npm run docs:inputs` is the whole fix.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parse } from 'yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const INPUTS_DOC = join(ROOT, 'docs', 'inputs.md')

/** One paragraph of description text, with its folded line breaks undone. */
const prose = text =>
  String(text)
    .trim()
    .replace(/\s*\n\s*/g, ' ')

/**
 * The Markdown of docs/inputs.md for the given action.yml text: one heading per input and output, in file order,
 * formatted by Prettier with the repository's settings, so `npm run lint` agrees with what this writes.
 * @param {string} actionYml
 * @returns {Promise<string>}
 */
export async function inputsMarkdown(actionYml) {
  const action = parse(actionYml)
  const lines = [
    '# Inputs and outputs',
    '',
    '<!-- Generated from action.yml by `npm run docs:inputs`: edit action.yml, then run it. A test fails when this file differs. -->',
    '',
    `Every input of \`${action.name}\`, as \`action.yml\` declares it. The runner fills in a default before the action starts;`,
    'an input without one is empty unless the workflow sets it. Which inputs each flow reads: the flow pages linked from the',
    '[README](../README.md#which-flow-should-i-use).',
    '',
    'Boolean inputs take `true`, `True`, `TRUE`, `false`, `False` or `FALSE`; empty means the default, and anything',
    'else (`yes`, `on`, `1`) fails the step. An org id is on Setup > Company Information (_Salesforce.com Organization',
    'ID_), or in the `org_id` output of a first login.',
    '',
    '## Inputs',
    ''
  ]
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    const facts = [`Required: ${spec.required === true ? 'yes' : 'no'}`]
    facts.push(spec.default === undefined ? 'no default' : `default \`${spec.default}\``)
    lines.push(`### \`${name}\``, '', `${facts.join('; ')}.`, '', prose(spec.description), '')
  }
  lines.push('## Outputs', '')
  for (const [name, spec] of Object.entries(action.outputs ?? {})) {
    lines.push(`### \`${name}\``, '', prose(spec.description), '')
  }
  const options = (await prettier.resolveConfig(INPUTS_DOC)) ?? {}
  return prettier.format(lines.join('\n'), { ...options, parser: 'markdown' })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const want = await inputsMarkdown(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  if (process.argv.includes('--check')) {
    const have = readFileSync(INPUTS_DOC, 'utf8')
    if (have !== want) {
      console.error('docs/inputs.md differs from action.yml: run npm run docs:inputs and commit the result.')
      process.exit(1)
    }
    console.log('docs/inputs.md matches action.yml.')
  } else {
    writeFileSync(INPUTS_DOC, want)
    console.log('Wrote docs/inputs.md from action.yml.')
  }
}
