import { expect, it } from '@jest/globals'
import { readFileSync, statSync } from 'node:fs'
import { ENTRY } from '../fakes/runner.mjs'

// Load time is most of what the action costs a runner (see `npm run bench`); these keep the bundle from
// quietly growing back. Sizes are deterministic, unlike timings, so they can be tests.
it('stays within 700 KiB', () => {
  expect(statSync(ENTRY).size).toBeLessThan(700 * 1024)
})

it('bundles the stubs instead of undici, @actions/exec and semver (tsconfig paths)', () => {
  const bundle = readFileSync(ENTRY, 'utf8')
  expect(bundle).toContain('undici is not bundled with this action')
  expect(bundle).not.toContain('"child_process"') // what @actions/exec would load
  expect(bundle).not.toContain('SEMVER_SPEC_VERSION')
})
