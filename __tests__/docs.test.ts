import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { parse } from 'yaml'
import { isSandboxHost } from '../src/login-url.js'
import { EXPIRY_WARNING_DAYS } from '../src/flows/jwt-bearer/certificate.js'
import { readInputs } from '../src/inputs.js'
import { keySecrets } from '../src/flows/jwt-bearer/key.js'
import { isOrgAllowed, parseAllowedOrgIds } from '../src/orgs.js'
import { inputsMarkdown } from '../script/inputs-doc.mjs'
import { ACTION, ROOT } from '../fakes/runner.mjs'

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

/** The Salesforce CLI version `npm run test:cli` installs and proves, read from where that script takes it. */
const SF_CLI_VERSION = /export const SF_CLI_VERSION = '([^']+)'/.exec(read('fakes/sf-cli.mjs'))![1]

/** Our own Markdown: the README, every page under docs/, and the Salesforce project's README. */
const MARKDOWN = [
  'README.md',
  'salesforce/README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.md'))
    .map(f => `docs/${f.replace(/\\/g, '/')}`)
].sort()

/**
 * Pages the flows branch writes (issue 15). Until it is merged they do not exist here, and a link to them is let
 * through; once they exist, links to them and their anchors are checked like any other. Remove after the merge.
 */
/** The flow pages whose refusals the catalogue test also reads. */
const FLOW_PAGES = ['docs/client-credentials.md', 'docs/sfdx-url.md']

const readme = read('README.md')
const page = (path: string): string => read(path)

/** The text outside fenced code blocks (headings and links inside code are not Markdown). */
const prose = (md: string): string => md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '')

/** GitHub's anchor for a heading: inline markup dropped, lower case, punctuation removed, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Every anchor a Markdown file offers, with GitHub's -1, -2 suffixes for repeated headings. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const [, text] of prose(md).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(text)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** The relative links of a Markdown file: [text](target), outside code. */
function relativeLinks(md: string): string[] {
  return [...prose(md).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(m => m[1]).filter(t => !/^[a-z][a-z0-9+.-]*:/i.test(t))
}

/** The ```yaml blocks of a Markdown file. */
const yamlBlocks = (md: string): string[] => [...md.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map(m => m[1])

const examples = readdirSync(join(ROOT, 'docs/examples')).map(name => [`docs/examples/${name}`, read(`docs/examples/${name}`)])
const blocks = MARKDOWN.flatMap(path => yamlBlocks(page(path)).map((text, i) => [`${path} yaml block ${i + 1}`, text]))

/** The rows of the Markdown table under a `## heading` of the README: first cell (unquoted) -> the other cells. */
function readmeTable(heading: string): Map<string, string[]> {
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

/** Salesforce's 18-character suffix: one letter per 5-character chunk, its bits set where a character is upper case. */
function idSuffix(id15: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
  return [0, 5, 10]
    .map(start => [...id15.slice(start, start + 5)].reduce((bits, c, i) => bits + (/[A-Z]/.test(c) ? 1 << i : 0), 0))
    .map(bits => alphabet[bits])
    .join('')
}

describe('the helpers of these checks', () => {
  it("compute GitHub's anchors", () => {
    expect(slug('Pull requests from forks, `pull_request_target`, `workflow_run`')).toBe(
      'pull-requests-from-forks-pull_request_target-workflow_run'
    )
    expect(slug('1. A key and a certificate')).toBe('1-a-key-and-a-certificate')
    expect(slug('Which flow should I use?')).toBe('which-flow-should-i-use')
    expect(slug('Keyless (GitHub OIDC)')).toBe('keyless-github-oidc')
    expect([...anchors('# A\n## A\n```sh\n# not a heading\n```\n### A\n')]).toEqual(['a', 'a-1', 'a-2'])
  })

  it("compute Salesforce's id suffix (known ids, and one flipped case that must change it)", () => {
    expect(idSuffix('001000000000001')).toBe('AAA')
    expect(idSuffix('00D5g000004ABCD')).toBe('EA4')
    expect(idSuffix('00D5g000004abcd')).toBe('EAA')
  })
})

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

describe('docs/inputs.md is generated from action.yml', () => {
  it('is exactly what npm run docs:inputs writes (run it after changing action.yml)', async () => {
    expect(page('docs/inputs.md')).toBe(await inputsMarkdown(read('action.yml')))
  })

  it('has a heading for every input and output', () => {
    const headings = [...page('docs/inputs.md').matchAll(/^### `([^`]+)`$/gm)].map(m => m[1])
    expect(headings).toEqual([...Object.keys(ACTION.inputs), ...Object.keys(ACTION.outputs)])
  })

  it('fails when action.yml gains an input the committed page lacks', async () => {
    const changed = read('action.yml').replace('inputs:\n', 'inputs:\n  new-input:\n    description: A new input.\n')
    expect(await inputsMarkdown(changed)).not.toBe(page('docs/inputs.md'))
  })
})

describe('the README is a front door', () => {
  it('is at most 250 lines, each under 200 characters', () => {
    const lines = readme.split('\n')
    expect(lines.length).toBeLessThanOrEqual(250)
    expect(lines.filter(l => l.length > 200)).toEqual([])
  })

  it('has a table of contents that reaches every section', () => {
    const toc = readme.split('\n## Contents\n')[1].split('\n## ')[0]
    const sections = [...prose(readme).matchAll(/^## (.+)$/gm)].map(m => slug(m[1])).filter(s => s !== 'contents')
    for (const section of sections) expect(`${section}: ${toc.includes(`(#${section})`)}`).toBe(`${section}: true`)
  })

  it('compares the four flows in one table: keyless, JWT bearer, client credentials, SFDX auth URL', () => {
    const table = readme.split('\n## Which flow should I use?\n')[1].split('\n## ')[0]
    const firstCells = table
      .split('\n')
      .filter(l => l.startsWith('| ['))
      .map(l => /^\| \[([^\]]+)\]\(([^)]+)\)/.exec(l)!.slice(1, 3).join(' '))
    expect(firstCells).toEqual([
      'Keyless docs/keyless.md',
      'JWT bearer docs/jwt-bearer.md',
      'Client credentials docs/client-credentials.md',
      'SFDX auth URL docs/sfdx-url.md'
    ])
  })

  it('puts "try it with no org" before the quick start', () => {
    expect(readme.indexOf('\n## Try it with no org\n')).toBeGreaterThan(0)
    expect(readme.indexOf('\n## Try it with no org\n')).toBeLessThan(readme.indexOf('\n## Quick start\n'))
  })

  it('asks for id-token: write in the keyless quick start', () => {
    const keyless = readme.split('\n### Keyless (GitHub OIDC)\n')[1].split('\n### ')[0]
    expect(parse(yamlBlocks(keyless)[0]).permissions['id-token']).toBe('write')
  })

  it('lists every output', () => {
    expect([...readmeTable('Outputs').keys()].sort()).toEqual(Object.keys(ACTION.outputs).sort())
  })

  it('gives exactly npm ci, then npm test, as the development set-up', () => {
    const dev = readme.split('\n## Contributing\n')[1]
    expect(dev.split('```')[1]).toBe('sh\nnpm ci\nnpm test\n')
  })

  it('names scripts that exist', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>
    const named = [...readme.matchAll(/`npm run ([\w:-]+)/g)].map(m => m[1])
    expect(named.length).toBeGreaterThan(5)
    for (const name of named) expect(`${name}: ${name in scripts}`).toBe(`${name}: true`)
  })

  it("gives today's bundle size", () => {
    const shown = Number(/`dist\/index\.js` \((\d+) KiB/.exec(readme)![1])
    expect(Math.abs(shown - statSync(join(ROOT, 'dist/index.js')).size / 1024)).toBeLessThan(3)
  })

  it('gives the size of the repository archive the runner downloads, within a quarter', () => {
    const shown = Number(/about (\d+) KiB gzip-compressed/.exec(readme)![1])
    const archive = gzipSync(execFileSync('git', ['archive', 'HEAD'], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 })).length / 1024
    expect(Math.abs(shown - archive) / archive).toBeLessThan(0.25)
  })
})

describe('every link in our Markdown resolves', () => {
  it.each(MARKDOWN)('%s', path => {
    const broken: string[] = []
    for (const link of relativeLinks(page(path))) {
      const [file, anchor] = link.split('#') as [string, string | undefined]
      const target = file === '' ? path : relative(ROOT, resolve(ROOT, dirname(path), file)).replace(/\\/g, '/')
      if (!existsSync(join(ROOT, target))) {
        broken.push(`${link} (no ${target})`)
        continue
      }
      if (anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor)) broken.push(`${link} (no #${anchor})`)
    }
    expect(broken).toEqual([])
  })

  it('finds links at all (the check cannot pass by reading nothing)', () => {
    expect(MARKDOWN).toEqual(expect.arrayContaining(['README.md', 'docs/faq.md', 'docs/security.md', 'docs/troubleshooting.md']))
    expect(relativeLinks(readme).filter(l => l.includes('#')).length).toBeGreaterThan(5)
    expect(anchors(readme).has('which-flow-should-i-use')).toBe(true)
  })
})

describe('every workflow shown is valid YAML', () => {
  const files = ['.github/workflows'].flatMap(dir => readdirSync(join(ROOT, dir)).map(name => [`${dir}/${name}`, read(`${dir}/${name}`)]))
  it.each([...blocks, ...examples, ...files, ['.github/dependabot.yml', read('.github/dependabot.yml')]])('%s', (_name, text) => {
    expect(() => parse(text)).not.toThrow()
  })

  it('finds the blocks (README and docs/ hold many)', () => {
    expect(blocks.length).toBeGreaterThan(8)
  })

  it('the examples use only inputs the action has (a new flow is checked once action.yml offers it)', () => {
    const offered = (flow: string): boolean => ACTION.inputs['auth-flow'].description.includes(flow)
    let checked = 0
    for (const [name, text] of [...blocks, ...examples]) {
      const uses = [...text.matchAll(/uses: your-org\/salesforce-jwt-auth-action@\S+\n(?:.*\n)*?\s+with:\n((?:\s{4,}[a-z-]+:.*\n?)+)/g)]
      for (const m of uses) {
        const flow = /auth-flow: (\S+)/.exec(m[1])?.[1]
        if (flow !== undefined && !offered(flow)) continue
        for (const key of m[1].matchAll(/^\s+([a-z-]+):/gm)) {
          expect(`${name}: ${key[1]} ${key[1] in ACTION.inputs}`).toBe(`${name}: ${key[1]} true`)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(40)
  })

  // actionlint: no CI workflow runs it today (December 2026), and it is not installed here. When CI gains it, run it
  // over `examples` and the workflow-shaped `blocks` in that CI step as well.
})

describe('what the docs claim about the code holds', () => {
  it('lists exactly the boolean spellings the inputs accept', () => {
    const sentence = /Boolean inputs take (.+?); empty means the default, and anything\s+else \((.+?)\) fails/s.exec(
      page('docs/inputs.md')
    )!
    const accepted = [...sentence[1].matchAll(/`([^`]+)`/g)].map(m => m[1])
    const refused = [...sentence[2].matchAll(/`([^`]+)`/g)].map(m => m[1])
    const readBool = (value: string): boolean | string => {
      try {
        return readInputs(name => ({ 'client-id': 'x', username: 'u', 'private-key': 'k', 'export-env': value })[name] ?? '').exportEnv
      } catch {
        return 'refused'
      }
    }
    expect(accepted.map(readBool)).toEqual([true, true, true, false, false, false])
    expect(refused.map(readBool)).toEqual(refused.map(() => 'refused'))
  })

  it('names the sandbox hosts the audience is derived for, and the look-alike that is not one', () => {
    const text = page('docs/jwt-bearer.md').replace(/\s+/g, ' ')
    const sandbox = /when `login-url` is (.+?); else/.exec(text)![1]
    const hosts = [...sandbox.matchAll(/`([^`]+)`/g)].map(m => m[1].replace('*', 'acme--uat').replace('name--sandbox', 'acme--uat'))
    expect(hosts).toHaveLength(4)
    expect(hosts.map(isSandboxHost)).toEqual(hosts.map(() => true))
    const production = /even for `([^`]+)`/.exec(text)![1].replace('*', 'acme--uat')
    expect(isSandboxHost(production)).toBe(false)
  })

  it('says allowed-org-ids compares 15 characters and refuses space-separated lists', () => {
    expect(ACTION.inputs['allowed-org-ids'].description).toMatch(/compared on the first 15/)
    expect(isOrgAllowed('00D5g000004ABCDEA4', parseAllowedOrgIds('00D5g000004ABCD'))).toBe(true)
    expect(() => parseAllowedOrgIds('00D5g000004ABCD 00D5g000004ABCE')).toThrow(/allowed-org-ids/)
    expect(parseAllowedOrgIds('')).toEqual([])
  })

  it('states the shortest key line that is masked, as src/flows/jwt-bearer/key.ts has it', () => {
    const shown = Number(/Lines under (\d+) characters are \*\*not\*\* registered/.exec(page('docs/security.md'))![1])
    const line = (n: number): string => 'A'.repeat(n)
    const pem = (body: string): string => `-----BEGIN PRIVATE KEY-----\n${'B'.repeat(64)}\n${body}\n-----END PRIVATE KEY-----\n`
    expect(keySecrets(pem(line(shown - 1)))).not.toContain(line(shown - 1))
    expect(keySecrets(pem(line(shown)))).toContain(line(shown))
  })

  it('gives the certificate warning its real lead time', () => {
    expect(page('docs/jwt-bearer.md').replace(/\s+/g, ' ')).toContain(`expires within ${EXPIRY_WARNING_DAYS} days`)
  })

  it('documents every refusal in the error catalogue, by its words (the new flows on their own pages)', () => {
    // The refusals any flow can get, and each flow's own, in its folder.
    const catalogue = readdirSync('src/flows', { recursive: true, encoding: 'utf8' })
      .filter(f => f.endsWith('.ts'))
      .map(f => read(`src/flows/${f}`))
      .join('\n')
    const words = [...catalogue.matchAll(/^\s+description: (['"])(.+?)\1,?$/gm)].map(m => m[2].replace(/\\'/g, "'"))
    expect(words.length).toBeGreaterThan(15)
    const pages = ['docs/troubleshooting.md', ...FLOW_PAGES]
    const documented = pages.map(p => page(p).toLowerCase()).join('\n')
    for (const w of words) expect(`${w}: ${documented.includes(w)}`).toBe(`${w}: true`)
  })

  it('pins every Salesforce CLI install to the version npm run test:cli proves', () => {
    const installs = [...blocks, ...examples, ...MARKDOWN.map(p => [p, page(p)])].flatMap(([name, text]) =>
      [...text.matchAll(/npm (?:install|i) (?:--global|-g) @salesforce\/cli(@\S+)?/g)].map(m => `${name}: ${m[1] ?? '(unpinned)'}`)
    )
    expect(installs.length).toBeGreaterThan(3)
    expect(installs.filter(i => !i.endsWith(`: @${SF_CLI_VERSION}`))).toEqual([])
  })

  it('names the Salesforce CLI version that npm run test:cli proves', () => {
    expect(page('docs/cli.md').replace(/\s+/g, ' ')).toContain(`proves both routes with Salesforce CLI ${SF_CLI_VERSION}`)
  })

  it('holds the two Salesforce CLI lines that npm run test:cli runs exactly as written', () => {
    const lines = [...[readme, page('docs/cli.md')].join('\n').matchAll(/^\s*- run: (sf .+)$/gm)].map(m => m[1])
    expect(lines.filter(l => l.startsWith('sf org login access-token ') && l.includes('--no-prompt'))).toHaveLength(1)
    expect(lines.filter(l => l.includes('--target-org "$SF_ACCESS_TOKEN"'))).toHaveLength(1)
  })

  it('gives every 18-character Salesforce id in the docs a valid checksum suffix', () => {
    const sources = [...MARKDOWN.map(p => [p, page(p)]), ...examples, ['action.yml', read('action.yml')]]
    const ids = sources.flatMap(([name, text]) =>
      [...text.matchAll(/\b(00[0-9A-Za-z]{13})([0-9A-Za-z]{3})\b/g)].map(m => [name, m[1], m[2]])
    )
    expect(ids.length).toBeGreaterThan(3)
    for (const [name, id15, suffix] of ids) expect(`${name}: ${id15}${suffix}`).toBe(`${name}: ${id15}${idSuffix(id15)}`)
  })

  it('keeps ExperimentalWarning out of every script that turns on VM modules', () => {
    const scripts = Object.entries(JSON.parse(read('package.json')).scripts as Record<string, string>)
    const vm = scripts.filter(([, s]) => s.includes('--experimental-vm-modules'))
    expect(vm.map(([name]) => name)).toEqual(expect.arrayContaining(['test', 'test:quick']))
    for (const [name, s] of vm) expect(`${name}: ${s.includes('--disable-warning=ExperimentalWarning')}`).toBe(`${name}: true`)
  })
})

describe('the example workflows are safe to copy', () => {
  it.each(examples)('%s sets permissions', (_name, text) => {
    expect(parse(text).permissions).toBeDefined()
  })

  it.each([...examples, ...blocks])('%s pins allowed-org-ids to a literal or a variable, never a login output', (_name, text) => {
    for (const [, value] of text.matchAll(/allowed-org-ids: (.+)/g)) {
      const v = value.replace(/\s+#.*$/, '')
      if (v.startsWith('${{')) expect(v).toMatch(/^\$\{\{ (vars|matrix)\.[\w.-]+ \}\}$/)
      else expect(parseAllowedOrgIds(v)).toHaveLength(1)
    }
  })

  it.each([...examples, ...blocks].filter(([, text]) => text.includes('npm install --global @salesforce/cli')))(
    '%s sets up Node 22 or newer before installing the Salesforce CLI',
    (_name, text) => {
      const before = text.split('npm install --global @salesforce/cli')[0]
      const version = /actions\/setup-node@v\d+[\s\S]*?node-version: (\d+)/.exec(before)
      expect(Number(version?.[1])).toBeGreaterThanOrEqual(22)
    }
  )
})
