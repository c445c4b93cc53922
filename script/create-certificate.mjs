// `npm run create-certificate`: the openssl recipe for a Salesforce JWT key pair, made non-interactive.
// Writes server.key (mode 0600) and server.crt into a directory, never overwriting, then says what to do
// with each. The passphrase, when there is one, reaches openssl through the environment, never argv.
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const USAGE = `Usage: npm run create-certificate -- [--out DIR] [--subject /CN=...] [--days N] [--passphrase-env NAME]

Creates a 2048-bit RSA private key (server.key) and a self-signed certificate (server.crt) for a
Salesforce External Client App's JWT bearer flow, with openssl.

  --out DIR              directory to write into, created if missing (default ./salesforce-jwt)
  --subject SUBJECT      certificate subject (default /CN=salesforce-jwt-github-action)
  --days N               validity in days, 1 to 3650 (default 365)
  --passphrase-env NAME  encrypt server.key (AES-256-CBC) with the passphrase in environment variable NAME
  --help                 show this help

Existing files are never overwritten.`

class UsageError extends Error {}

/** Where relative paths start: npm runs scripts in the package folder, but the user typed them elsewhere. */
const BASE = (process.env.npm_lifecycle_event === 'create-certificate' && process.env.INIT_CWD) || process.cwd()

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'salesforce-jwt' },
      subject: { type: 'string', default: '/CN=salesforce-jwt-github-action' },
      days: { type: 'string', default: '365' },
      'passphrase-env': { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help) return values
  if (!/^\d+$/.test(values.days) || Number(values.days) < 1 || Number(values.days) > 3650) {
    throw new UsageError(`--days must be a whole number of days from 1 to 3650, not '${values.days}'.`)
  }
  if (!/^\/[^=/]+=/.test(values.subject)) {
    throw new UsageError(`--subject must look like /CN=name or /CN=name/O=Company, not '${values.subject}'.`)
  }
  if (!values.out) throw new UsageError('--out needs a directory.')
  const name = values['passphrase-env']
  if (name !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UsageError(`--passphrase-env takes the NAME of an environment variable, not '${name}'.`)
    if ((process.env[name] ?? '').length < 4) {
      throw new UsageError(
        `Environment variable ${name} must hold the passphrase (4 characters or more); it is ${process.env[name] ? 'too short' : 'not set'}.`
      )
    }
  }
  return values
}

/** Runs openssl without a shell; its own error text is kept for our message. */
function openssl(args) {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const detail = err.code === 'ENOENT' ? 'openssl is not installed or not on PATH' : String(err.stderr || err.message).trim()
    throw new Error(`openssl ${args[0]} failed: ${detail}`, { cause: err })
  }
}

/** A path to show in a shell command: relative when below the current directory, quoted when needed. */
function shellPath(path) {
  const rel = relative(BASE, path)
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
  return /^[\w./@%+=:,-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`
}

function create({ out, subject, days, 'passphrase-env': passphraseEnv }) {
  const dir = resolve(BASE, out)
  const key = join(dir, 'server.key')
  const crt = join(dir, 'server.crt')
  const existing = [key, crt].filter(f => existsSync(f))
  if (existing.length) {
    throw new Error(
      `Refusing to overwrite ${existing.map(shellPath).join(' and ')}: move or delete what is there first, or choose another --out.`
    )
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 })

  // openssl writes into a private staging folder; files then move in with O_EXCL, so nothing is overwritten.
  const staging = mkdtempSync(join(dir, '.create-certificate-'))
  try {
    const stagedKey = join(staging, 'server.key')
    const stagedCrt = join(staging, 'server.crt')
    const encrypt = passphraseEnv ? ['-aes256', '-passout', `env:${passphraseEnv}`] : []
    const decrypt = passphraseEnv ? ['-passin', `env:${passphraseEnv}`] : []
    openssl(['genrsa', ...encrypt, '-out', stagedKey, '2048'])
    chmodSync(stagedKey, 0o600)
    openssl(['req', '-new', '-x509', '-sha256', '-key', stagedKey, ...decrypt, '-subj', subject, '-days', days, '-out', stagedCrt])
    copyFileSync(stagedKey, key, constants.COPYFILE_EXCL)
    chmodSync(key, 0o600)
    copyFileSync(stagedCrt, crt, constants.COPYFILE_EXCL)
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }

  const certificate = new X509Certificate(readFileSync(crt))
  console.log(`Wrote ${shellPath(key)} (2048-bit RSA private key${passphraseEnv ? ', AES-256 encrypted' : ''}, mode 0600)`)
  console.log(`  and ${shellPath(crt)} (${certificate.subject.replace(/\n/g, ', ')}, valid until ${certificate.validTo}).`)
  console.log(`
Next steps:
  1. Upload ${shellPath(crt)} to the External Client App in Salesforce Setup: External Client App Manager >
     the app > Edit Settings > OAuth Settings: "Enable JWT Bearer Flow", then "Upload Files" (Salesforce Help,
     "Configure a JWT Bearer Flow"). An existing connected app takes it under "Use digital signatures".
  2. Store the key as a GitHub secret (the GitHub CLI reads it from stdin, so it never shows in a command line):
       gh secret set SALESFORCE_PRIVATE_KEY < ${shellPath(key)}`)
  if (passphraseEnv) {
    console.log(`     and its passphrase (gh asks for the value):
       gh secret set SALESFORCE_PRIVATE_KEY_PASSPHRASE`)
  }
  console.log(`  3. Delete the local key once it is stored: rm ${shellPath(key)}
  4. Make a new pair before ${certificate.validTo}, when this certificate expires. What Salesforce does with an
     expired certificate is not documented (docs/jwt-bearer.md, section 5); the action warns 30 days before.`)
}

try {
  const options = readOptions(process.argv.slice(2))
  if (options.help) console.log(USAGE)
  else create(options)
} catch (err) {
  const usage = err instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')
  console.error(usage ? `${err.message}\nRun with --help for usage.` : err.message)
  process.exitCode = 1
}
