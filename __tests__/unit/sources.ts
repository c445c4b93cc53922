// Reading TypeScript sources for the checks of their shape: which files there are and what each imports.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Every .ts file under a folder, recursively. */
export function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  )
}

/** Every module specifier a file imports or re-exports from, type-only ones included. */
export function specifiers(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map(m => m[1] ?? m[2])
}
