// Throwaway keys and certificates, made at run time so nothing secret is ever committed.
import { execFileSync } from 'node:child_process'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** @typedef {ReturnType<typeof makeIdentity>} Identity */

/** A fresh RSA key pair as KeyObjects. */
export function rsaKeyPair(bits = 2048) {
  return generateKeyPairSync('rsa', { modulusLength: bits })
}

/** Runs openssl in a private temporary folder and returns what it wrote to `out`. */
function openssl(args, files = {}, out) {
  const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-keys-'))
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 })
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    return readFileSync(join(dir, out), 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A self-signed certificate for the key, as users make for the connected app.
 * @param {string} privateKeyPem
 * @param {{ days?: number, subject?: string }} [options]
 */
export function selfSignedCertificate(privateKeyPem, { days = 365, subject = '/CN=salesforce-jwt-test' } = {}) {
  return openssl(
    ['req', '-new', '-x509', '-sha256', '-key', 'key.pem', '-days', String(days), '-subj', subject, '-out', 'cert.pem'],
    { 'key.pem': privateKeyPem },
    'cert.pem'
  )
}

/**
 * The usual recipe's encrypted key: `openssl genrsa -des3` (OpenSSL 3 writes encrypted PKCS#8).
 * @param {string} passphrase
 * @param {{ traditional?: boolean }} [options]
 */
export function opensslEncryptedKey(passphrase, { traditional = false } = {}) {
  return openssl(
    ['genrsa', ...(traditional ? ['-traditional'] : []), '-des3', '-passout', `pass:${passphrase}`, '-out', 'server.pass.key', '2048'],
    {},
    'server.pass.key'
  )
}

/** A key and its certificate in the shapes tests need. */
export function makeIdentity(bits = 2048) {
  const { privateKey, publicKey } = rsaKeyPair(bits)
  const pkcs1 = /** @type {string} */ (privateKey.export({ type: 'pkcs1', format: 'pem' }))
  const pkcs8 = /** @type {string} */ (privateKey.export({ type: 'pkcs8', format: 'pem' }))
  return { privateKey, publicKey, pkcs1, pkcs8, certificate: selfSignedCertificate(pkcs8) }
}

/**
 * A throwaway certificate authority and a server certificate it signed for `hostnames`, so a local TLS
 * server can stand in for Salesforce hosts (trusted through NODE_EXTRA_CA_CERTS, as behind a TLS proxy).
 * @param {string[]} hostnames
 */
export function testTlsIdentity(hostnames) {
  const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-ca-'))
  const run = args => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    run([
      'req',
      '-new',
      '-x509',
      '-nodes',
      '-newkey',
      'rsa:2048',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=salesforce-jwt-test-ca'
    ])
    run(['req', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${hostnames[0]}`])
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${hostnames.map(h => `DNS:${h}`).join(',')},IP:127.0.0.1\n`)
    run([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'ext.cnf',
      '-out',
      'server.crt'
    ])
    const read = name => readFileSync(join(dir, name), 'utf8')
    return { ca: read('ca.crt'), key: read('server.key'), cert: read('server.crt') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A self-signed certificate valid between two dates (YYYYMMDDHHMMSSZ), e.g. one that has expired.
 * @param {string} privateKeyPem
 * @param {string} startDate
 * @param {string} endDate
 * @param {string} [subject]
 */
export function certificateWithDates(privateKeyPem, startDate, endDate, subject = '/CN=salesforce-jwt-test') {
  const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-ca-'))
  const run = args => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    writeFileSync(join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 })
    writeFileSync(join(dir, 'index.txt'), '')
    writeFileSync(join(dir, 'serial'), '01\n')
    writeFileSync(
      join(dir, 'ca.cnf'),
      '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\n' +
        'policy = p\nemail_in_dn = no\nunique_subject = no\n[p]\ncommonName = supplied\n'
    )
    run(['req', '-new', '-key', 'key.pem', '-subj', subject, '-out', 'csr.pem'])
    run([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'csr.pem',
      '-startdate',
      startDate,
      '-enddate',
      endDate,
      '-out',
      'cert.pem'
    ])
    return readFileSync(join(dir, 'cert.pem'), 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The key with its CRT coefficient (qInv) off by 2p, so longer than p: it still parses, but OpenSSL
 * refuses to sign with it ("RSA lib"). (Off by p alone is sometimes still as long as p, and then OpenSSL
 * notices the bad CRT result and signs without it.) Returned as PKCS#8 PEM.
 * @param {import('node:crypto').KeyObject} privateKey
 * @returns {string}
 */
export function damagedCrtKey(privateKey) {
  const jwk = privateKey.export({ format: 'jwk' })
  const int = s => BigInt(`0x${Buffer.from(s, 'base64url').toString('hex')}`)
  const hex = int(jwk.qi) + 2n * int(jwk.p)
  const text = hex.toString(16)
  const qi = Buffer.from(text.length % 2 ? `0${text}` : text, 'hex').toString('base64url')
  return createPrivateKey({ key: { ...jwk, qi }, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' })
}

const certDer = pem => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
const certPem = der =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)
    .join('\n')}\n-----END CERTIFICATE-----\n`

/**
 * The certificate with its notAfter (the second UTCTime) changed to a time that does not exist.
 * @param {string} pem
 */
export function certificateWithBadNotAfter(pem) {
  const der = certDer(pem)
  const times = [...der.keys()].filter(i => der[i] === 0x17 && der[i + 1] === 0x0d)
  der.write('991399999999Z', times[1] + 2, 'latin1')
  return certPem(der)
}

/**
 * The certificate with its public key algorithm (rsaEncryption) changed to an OID no one knows.
 * @param {string} pem
 */
export function certificateWithUnknownKeyAlgorithm(pem) {
  const der = certDer(pem)
  der[der.indexOf(Buffer.from('2a864886f70d010101', 'hex')) + 8] = 0x7f
  return certPem(der)
}
