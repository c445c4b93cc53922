// `npm run test:quick` is the fast loop: it must still reach every module of src/. Each module must be imported
// (a type-only import counts: some modules are only types) by a test file or test helper in the quick set.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { sources, specifiers } from './sources.js'

const ROOT = process.cwd()
const SRC = join(ROOT, 'src')
/** The bundle's entry: importing it would run the action, and every end-to-end test runs it. */
const ENTRY_ONLY = ['index.ts']

/** The test files and folders `test:quick` hands to jest, as package.json says (its options are not paths). */
export function quickPaths(script: string): string[] {
  return script.split(/\s+/).filter(a => a.startsWith('__tests__/'))
}

/** The src/ modules (relative to src/, with .ts) that one file imports. */
function srcImports(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8'))
    .filter(s => s.startsWith('.'))
    .map(s =>
      relative(SRC, join(dirname(file), s))
        .split('\\')
        .join('/')
        .replace(/\.js$/, '.ts')
    )
    .filter(m => !m.startsWith('..'))
}

describe('the quick set (npm run test:quick)', () => {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['test:quick']
  const files = quickPaths(script).flatMap(p => {
    const path = join(ROOT, p)
    expect(existsSync(path)).toBe(true)
    return statSync(path).isDirectory() ? sources(path) : [path]
  })

  it('imports every module of src/', () => {
    const imported = new Set(files.flatMap(srcImports))
    const modules = sources(SRC).map(f => relative(SRC, f).split('\\').join('/'))
    expect(modules.filter(m => !imported.has(m) && !ENTRY_ONLY.includes(m))).toEqual([])
    expect(modules).toEqual(expect.arrayContaining(ENTRY_ONLY))
  })

  it('reads the paths jest is given, not its options', () => {
    expect(quickPaths('NODE_OPTIONS="--x" jest __tests__/unit __tests__/docs.test.ts')).toEqual([
      '__tests__/unit',
      '__tests__/docs.test.ts'
    ])
    expect(quickPaths('jest --silent __tests__/unit -w 2 __tests__/a.test.ts')).toEqual(['__tests__/unit', '__tests__/a.test.ts'])
  })
})
