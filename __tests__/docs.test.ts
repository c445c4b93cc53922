import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { isSandboxHost } from '../src/audience.js'
import { readInputs } from '../src/inputs.js'
import { isOrgAllowed, parseAllowedOrgIds } from '../src/orgs.js'
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

describe('what the README claims about the code holds', () => {
  it('lists exactly the boolean spellings the inputs accept', () => {
    const sentence = /Boolean inputs take (.+?); empty means the default, and anything\s+else \((.+?)\) fails/s.exec(readme)!
    const accepted = [...sentence[1].matchAll(/`([^`]+)`/g)].map(m => m[1])
    const refused = [...sentence[2].matchAll(/`([^`]+)`/g)].map(m => m[1])
    const read = (value: string): boolean | string => {
      try {
        return readInputs(name => ({ 'client-id': 'x', username: 'u', 'private-key': 'k', 'export-env': value })[name] ?? '').exportEnv
      } catch {
        return 'refused'
      }
    }
    expect(accepted.map(read)).toEqual([true, true, true, false, false, false])
    expect(refused.map(read)).toEqual(refused.map(() => 'refused'))
  })

  it('names the sandbox hosts the audience is derived for, and the look-alike that is not one', () => {
    const row = table('Inputs').get('audience')!.join(' ')
    const sandbox = /when `login-url` is (.+?); else/.exec(row)![1]
    const hosts = [...sandbox.matchAll(/`([^`]+)`/g)].map(m => m[1].replace('*', 'acme--uat'))
    expect(hosts.map(isSandboxHost)).toEqual(hosts.map(() => true))
    const production = /even for `([^`]+)`/.exec(row)![1].replace('*', 'acme--uat')
    expect(isSandboxHost(production)).toBe(false)
  })

  it('says allowed-org-ids compares 15 characters and refuses space-separated lists', () => {
    expect(table('Inputs').get('allowed-org-ids')!.join(' ')).toMatch(/compared on the first 15; not space-separated/)
    expect(isOrgAllowed('00D5g000004ABCDEAQ', parseAllowedOrgIds('00D5g000004ABCD'))).toBe(true)
    expect(() => parseAllowedOrgIds('00D5g000004ABCD 00D5g000004ABCE')).toThrow(/allowed-org-ids/)
    expect(parseAllowedOrgIds('')).toEqual([])
  })

  it("gives today's bundle size", () => {
    const shown = Number(/a (\d+) KiB bundle/.exec(readme)![1])
    expect(Math.abs(shown - statSync(join(ROOT, 'dist/index.js')).size / 1024)).toBeLessThan(3)
  })

  it('names the Salesforce CLI version that npm run test:cli proves', () => {
    const pinned = /SF_CLI_VERSION = '([^']+)'/.exec(readFileSync(join(ROOT, '__tests__/support/sf-cli.mjs'), 'utf8'))![1]
    expect(readme).toContain(`proves both routes with Salesforce CLI ${pinned}`)
  })

  it('holds the two Salesforce CLI lines that npm run test:cli runs exactly as written', () => {
    const lines = [...readme.matchAll(/^\s*- run: (sf .+)$/gm)].map(m => m[1])
    expect(lines.filter(l => l.startsWith('sf org login access-token ') && l.includes('--no-prompt'))).toHaveLength(1)
    expect(lines.filter(l => l.includes('--target-org "$SF_ACCESS_TOKEN"'))).toHaveLength(1)
  })
})

describe('the example workflows are safe to copy', () => {
  const workflows = readdirSync(join(ROOT, 'docs/examples')).map(name => [name, readFileSync(join(ROOT, 'docs/examples', name), 'utf8')])
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => [`README block ${i + 1}`, m[1]])

  it.each(workflows)('%s sets permissions', (_name, text) => {
    expect(parse(text).permissions).toBeDefined()
  })

  it.each([...workflows, ...blocks])('%s pins allowed-org-ids to a literal or a variable, never a login output', (_name, text) => {
    for (const [, value] of text.matchAll(/allowed-org-ids: (.+)/g)) {
      const v = value.replace(/\s+#.*$/, '')
      if (v.startsWith('${{')) expect(v).toMatch(/^\$\{\{ (vars|matrix)\.[\w.-]+ \}\}$/)
      else expect(parseAllowedOrgIds(v)).toHaveLength(1)
    }
  })

  it.each([...workflows, ...blocks].filter(([, text]) => text.includes('npm install --global @salesforce/cli')))(
    '%s sets up Node 22 or newer before installing the Salesforce CLI',
    (_name, text) => {
      const before = text.split('npm install --global @salesforce/cli')[0]
      const version = /actions\/setup-node@v\d+[\s\S]*?node-version: (\d+)/.exec(before)
      expect(Number(version?.[1])).toBeGreaterThanOrEqual(22)
    }
  )
})
