import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION, ROOT } from './support/runner.mjs'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** The rows of the Markdown table under a `## heading`: first cell (unquoted) -> the other cells. */
function table(heading: string): Map<string, string[]> {
  const section = readme.split(`\n## ${heading}\n`)[1].split('\n## ')[0]
  const rows = new Map<string, string[]>()
  for (const line of section.split('\n').filter(l => /^\| `/.test(l))) {
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map(c => c.trim())
    rows.set(cells[0].replace(/`/g, ''), cells.slice(1))
  }
  return rows
}

describe('action.yml is Marketplace-ready', () => {
  it('has a name, a short description and branding', () => {
    expect(typeof ACTION.name).toBe('string')
    expect((ACTION.description as string).length).toBeLessThan(125)
    expect(ACTION.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })

  it('describes every input and output, and runs on node24 with a post step', () => {
    for (const spec of [...Object.values(ACTION.inputs), ...Object.values(ACTION.outputs)])
      expect(spec.description.length).toBeGreaterThan(10)
    expect(ACTION.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' })
  })

  it('gives login-url no default, so the action can tell it was not set', () => {
    expect(ACTION.inputs['login-url'].default).toBeUndefined()
    expect(ACTION.inputs.audience.default).toBeUndefined()
  })
})

describe('the README matches action.yml', () => {
  it('lists every input, with its default', () => {
    const rows = table('Inputs')
    expect([...rows.keys()].sort()).toEqual(Object.keys(ACTION.inputs).sort())
    for (const [name, spec] of Object.entries(ACTION.inputs)) {
      const [required, shownDefault] = rows.get(name)!
      const defaults = spec.default === undefined ? ['', 'derived'] : [`\`${spec.default}\``]
      expect({ name, required: required === 'yes', defaultShown: defaults.includes(shownDefault) }).toEqual({
        name,
        required: spec.required === true,
        defaultShown: true
      })
    }
  })

  it('lists every output', () => {
    expect([...table('Outputs').keys()].sort()).toEqual(Object.keys(ACTION.outputs).sort())
  })

  it('gives exactly npm ci, then npm test, as the development set-up', () => {
    const dev = readme.split('\n## Development\n')[1]
    expect(dev.split('```')[1]).toBe('sh\nnpm ci\nnpm test\n')
  })
})
