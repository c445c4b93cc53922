// The shape of src/: no import cycles (type-only imports count: they tie modules together just the same),
// nothing reaching back up from the shared layer into the flows, no flow reaching into another, and only the
// two entry modules touching @actions/core.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative } from 'node:path'

const SRC = join(process.cwd(), 'src')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  )
}

/** Every module specifier a file imports or re-exports from, type-only ones included. */
export function specifiers(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map(m => m[1] ?? m[2])
}

/** The graph of src/: each module (a path relative to src/) to the modules of src/ it imports. */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>()
  for (const file of sources(SRC)) {
    const from = relative(SRC, file).split('\\').join('/')
    const local = specifiers(readFileSync(file, 'utf8'))
      .filter(s => s.startsWith('.'))
      .map(s => posix.normalize(posix.join(posix.dirname(from), s)).replace(/\.js$/, '.ts'))
    edges.set(from, local)
  }
  return edges
}

/** The cycles of a graph, each as the path that closes it (a → b → a); empty when there are none. */
export function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): void => {
    state.set(node, 'open')
    path.push(node)
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(node, 'done')
  }
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node)
  return found
}

/** The folder of a flow a module belongs to (`flows/<flow>/…`), or undefined for shared modules. */
const flowOf = (module: string): string | undefined => /^flows\/([^/]+)\//.exec(module)?.[1]

/** Imports that go against the layers: base → flows (except the edge), and flow → another flow. */
export function upwardImports(edges: Map<string, string[]>): string[] {
  const EDGE = ['main.ts', 'inputs.ts']
  const bad: string[] = []
  for (const [from, tos] of edges) {
    for (const to of tos) {
      const intoFlows = to.startsWith('flows/')
      const toFlow = flowOf(to)
      if (!from.startsWith('flows/') && intoFlows && !EDGE.includes(from)) bad.push(`${from} → ${to}`)
      else if (toFlow && toFlow !== flowOf(from) && from !== 'flows/index.ts') bad.push(`${from} → ${to}`)
    }
  }
  return bad
}

describe('the import graph of src/', () => {
  const edges = graph()

  it('reads the modules it should', () => {
    expect(edges.get('main.ts')).toEqual(expect.arrayContaining(['flows/index.ts', 'inputs.ts']))
    expect(edges.size).toBeGreaterThan(25)
    for (const tos of edges.values()) for (const to of tos) expect(edges.has(to)).toBe(true)
  })

  it('has no import cycle', () => {
    expect(cycles(edges)).toEqual([])
  })

  it('has no upward import: the shared layer never imports a flow, and no flow imports another', () => {
    expect(upwardImports(edges)).toEqual([])
  })

  it('lets only main.ts and post.ts touch @actions/core', () => {
    const users = sources(SRC)
      .filter(file => specifiers(readFileSync(file, 'utf8')).includes('@actions/core'))
      .map(file => relative(SRC, file))
    expect(users.sort()).toEqual(['main.ts', 'post.ts'])
  })

  it('finds the cycles and upward imports it is meant to', () => {
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['flows/x/index.ts']],
      ['flows/x/index.ts', ['a.ts', 'flows/y/index.ts']],
      ['flows/y/index.ts', []]
    ])
    expect(cycles(sample)).toEqual([['a.ts', 'b.ts', 'flows/x/index.ts', 'a.ts']])
    expect(upwardImports(sample)).toEqual(['b.ts → flows/x/index.ts', 'flows/x/index.ts → flows/y/index.ts'])
    expect(specifiers("import type { A } from './a.js'\nexport { B } from '../b.js'\nimport './c.js'")).toEqual([
      './a.js',
      '../b.js',
      './c.js'
    ])
  })
})
