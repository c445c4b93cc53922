import { availableParallelism } from 'node:os'

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 30000,
  // Jest's default (one worker per core but one) runs everything in band on a 2-core machine, where the suites
  // that run the bundle spend much of their time waiting on child processes, deadlines and back-off: two
  // workers overlap that waiting with other suites' work (measured: same CPU time, less wall time).
  maxWorkers: Math.max(2, availableParallelism() - 1)
}
