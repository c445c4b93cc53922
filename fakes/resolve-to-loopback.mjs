// Loaded into the action's process (node --import) by tests that use real Salesforce host names: every
// name resolves to 127.0.0.1, so the action's real connection code runs and nothing leaves this machine.
import dns from 'node:dns'

const original = dns.lookup
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }
  if (typeof options === 'number') options = { family: options }
  const all = Boolean(options && options.all)
  process.nextTick(() => (all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)))
}
dns.lookup.original = original
