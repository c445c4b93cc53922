import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
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

describe('every workflow shown is valid YAML', () => {
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => [`README block ${i + 1}`, m[1]])
  const files = ['docs/examples', '.github/workflows'].flatMap(dir =>
    readdirSync(join(ROOT, dir)).map(name => [`${dir}/${name}`, readFileSync(join(ROOT, dir, name), 'utf8')])
  )
  it.each([...blocks, ...files, ['.github/dependabot.yml', readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8')]])(
    '%s',
    (_name, text) => {
      expect(() => parse(text)).not.toThrow()
    }
  )

  it('the examples use only inputs the action has', () => {
    let checked = 0
    for (const [name, text] of [...blocks, ...files]) {
      const uses = [...text.matchAll(/uses: your-org\/salesforce-jwt-auth-action@v1\n(?:.*\n)*?\s+with:\n((?:\s{6,}[a-z-]+:.*\n)+)/g)]
      for (const m of uses) {
        for (const key of m[1].matchAll(/^\s+([a-z-]+):/gm)) {
          expect(`${name}: ${key[1]} ${key[1] in ACTION.inputs}`).toBe(`${name}: ${key[1]} true`)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(40)
  })
})
