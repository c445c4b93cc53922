// `npm run create-certificate`, run as users run it: a child process in a fresh directory.
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeSalesforce } from '../fakes/fake-salesforce.mjs'
import { findLeaks, ROOT, runStep } from '../fakes/runner.mjs'

const SCRIPT = join(ROOT, 'script', 'create-certificate.mjs')
const DAY_MS = 86_400_000
/** DER of the aes-256-cbc OID (2.16.840.1.101.3.4.1.42), as PKCS#8 encryption names its cipher. */
const AES_256_CBC_OID = Buffer.from('060960864801650304012a', 'hex')

const folders: string[] = []
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

interface Run {
  code: number | null
  output: string
  stdout: string
  stderr: string
  /** The directory the script was run in; `--out keys` is relative to it. */
  cwd: string
  out: string
}

function createCertificate(args: string[], { env = {}, cwd }: { env?: Record<string, string>; cwd?: string } = {}): Run {
  const dir = cwd ?? mkdtempSync(join(tmpdir(), 'sf-jwt-create-cert-'))
  if (!cwd) folders.push(dir)
  const r = spawnSync(process.execPath, [SCRIPT, '--out', 'keys', ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8'
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr, cwd: dir, out: join(dir, 'keys') }
}

const read = (run: Run, name: string): string => readFileSync(join(run.out, name), 'utf8')
const certificateOf = (run: Run): X509Certificate => new X509Certificate(read(run, 'server.crt'))
const validDays = (cert: X509Certificate): number => (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY_MS

describe('create-certificate', () => {
  it('writes a 2048-bit RSA key (mode 0600) and a certificate for it, and says what to do next', () => {
    const run = createCertificate([])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(readdirSync(run.out).sort()).toEqual(['server.crt', 'server.key'])

    const key = createPrivateKey(read(run, 'server.key'))
    expect(key.asymmetricKeyType).toBe('rsa')
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048)
    const cert = certificateOf(run)
    expect(cert.checkPrivateKey(key)).toBe(true)
    expect(cert.subject).toBe('CN=salesforce-jwt-github-action')
    expect(validDays(cert)).toBe(365)
    expect(Math.abs(Date.parse(cert.validFrom) - Date.now())).toBeLessThan(DAY_MS)
    expect(statSync(join(run.out, 'server.key')).mode & 0o777).toBe(0o600)

    expect(run.stdout).toContain('Upload keys/server.crt')
    expect(run.stdout).toContain('"Enable JWT Bearer Flow", then "Upload Files"')
    expect(run.stdout).toContain('What Salesforce does with an\n     expired certificate is not documented')
    expect(run.stdout).not.toContain('stops accepting')
    expect(run.stdout).toContain('gh secret set SALESFORCE_PRIVATE_KEY < keys/server.key')
    expect(run.stdout).toContain('rm keys/server.key')
    expect(run.stdout).not.toContain('PASSPHRASE')
  })

  it('honours --subject and --days', () => {
    const run = createCertificate(['--subject', '/CN=Acme deploy/O=Acme Corp', '--days', '30'])
    expect(run.code).toBe(0)
    const cert = certificateOf(run)
    expect(cert.subject.split('\n')).toEqual(['CN=Acme deploy', 'O=Acme Corp'])
    expect(validDays(cert)).toBe(30)
  })

  it('encrypts the key with AES-256-CBC and the passphrase from the environment, and never prints it', () => {
    const passphrase = 'correct horse battery staple'
    const run = createCertificate(['--passphrase-env', 'SF_TEST_KEY_PASSPHRASE'], { env: { SF_TEST_KEY_PASSPHRASE: passphrase } })
    expect(run.code).toBe(0)
    const pem = read(run, 'server.key')
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    expect(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64').includes(AES_256_CBC_OID)).toBe(true)
    expect(() => createPrivateKey(pem)).toThrow()
    expect(() => createPrivateKey({ key: pem, passphrase: 'wrong passphrase' })).toThrow()
    const key = createPrivateKey({ key: pem, passphrase })
    expect(certificateOf(run).checkPrivateKey(key)).toBe(true)
    expect(statSync(join(run.out, 'server.key')).mode & 0o777).toBe(0o600)
    expect(run.output).not.toContain(passphrase)
    expect(run.stdout).toContain('gh secret set SALESFORCE_PRIVATE_KEY_PASSPHRASE')
  })

  it('makes a key and certificate the bundled action logs in with', async () => {
    const passphrase = 'bundle-check-passphrase'
    const run = createCertificate(['--passphrase-env', 'SF_TEST_KEY_PASSPHRASE'], { env: { SF_TEST_KEY_PASSPHRASE: passphrase } })
    expect(run.code).toBe(0)
    const server = await startFakeSalesforce()
    try {
      server.addApp('3MVG9create.certificate.test', read(run, 'server.crt'))
      server.addUser('deploy@acme.example')
      const key = read(run, 'server.key')
      const step = await runStep({
        inputs: {
          'client-id': '3MVG9create.certificate.test',
          username: 'deploy@acme.example',
          'private-key': key,
          'private-key-passphrase': passphrase,
          'login-url': server.url
        },
        dir: run.cwd
      })
      expect(step.errors).toEqual([])
      expect(step.code).toBe(0)
      expect(step.outputs.access_token).toBe(server.tokens[0])
      expect(findLeaks(step, [passphrase, ...key.split('\n'), ...server.tokens])).toEqual([])
    } finally {
      await server.close()
    }
  })

  it.each([
    ['the passphrase variable is not set', ['--passphrase-env', 'SF_TEST_UNSET_VARIABLE'], /SF_TEST_UNSET_VARIABLE .*not set/],
    ['--passphrase-env is not a variable name', ['--passphrase-env', 'not a name'], /--passphrase-env takes the NAME/],
    ['the subject is not /CN=...', ['--subject', 'CN=no-slash'], /--subject must look like/],
    ['an option is unknown', ['--key-size', '4096'], /Unknown option '--key-size'/]
  ])('fails clearly, writing nothing, when %s', (_case, args, message) => {
    const run = createCertificate(args)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(message)
    expect(existsSync(run.out)).toBe(false)
  })

  it.each(['0', '3651', '1.5', '-3', '30d', 'abc', ''])('rejects --days=%s', days => {
    const run = createCertificate([`--days=${days}`])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`--days must be a whole number of days from 1 to 3650, not '${days}'.`)
    expect(existsSync(run.out)).toBe(false)
  })

  it('refuses to overwrite a key pair, leaving both files as they were', () => {
    const first = createCertificate([])
    expect(first.code).toBe(0)
    const before = [read(first, 'server.key'), read(first, 'server.crt')]
    const again = createCertificate([], { cwd: first.cwd })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('Refusing to overwrite keys/server.key and keys/server.crt')
    expect(again.stdout).toBe('')
    expect([read(first, 'server.key'), read(first, 'server.crt')]).toEqual(before)
    expect(readdirSync(first.out).sort()).toEqual(['server.crt', 'server.key'])
  })

  it('refuses when only one of the files exists, and does not write the other', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sf-jwt-create-cert-'))
    folders.push(cwd)
    mkdirSync(join(cwd, 'keys'))
    writeFileSync(join(cwd, 'keys', 'server.crt'), 'an older certificate\n')
    const run = createCertificate([], { cwd })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('Refusing to overwrite keys/server.crt')
    expect(readdirSync(run.out)).toEqual(['server.crt'])
    expect(read(run, 'server.crt')).toBe('an older certificate\n')
  })

  it('prints its usage with --help', () => {
    const run = createCertificate(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Usage: npm run create-certificate/)
    expect(existsSync(run.out)).toBe(false)
  })
})
