import { run } from './main.js'

// Deprecation warnings from bundled dependencies (tunnel's Buffer()) are nothing a workflow can act on.
process.noDeprecation = true
await run()
// A connection abandoned at its deadline (a proxy that never answers) must not keep the step alive:
// exit soon after the result is written, without cutting short anything still flushing.
setTimeout(() => process.exit(), 500).unref()
