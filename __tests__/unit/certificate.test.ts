import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto'
import { EXPIRY_WARNING_DAYS, checkCertificate, parseCertificate, publicKeyFingerprint } from '../../src/flows/jwt-bearer/certificate.js'
import { ActionError } from '../../src/errors.js'
import { certificateWithBadNotAfter, certificateWithDates, certificateWithUnknownKeyAlgorithm } from '../../fakes/keys.mjs'
import { certificateFor, keyMaterialIn, rsaKey, thrown } from './fixtures.js'

// Keys and certificates made at run time: nothing here is committed.
const rsa = rsaKey()
const other = rsaKey()
/** Self-signed, valid for one day from now (the fixtures' recipe). */
const certificate = certificateFor(rsa.pkcs8)
const otherCertificate = certificateFor(other.pkcs8)
/** Self-signed for `rsa`, valid from 1 January 2030 to 15 June 2030 at noon UTC. */
const dated = certificateWithDates(rsa.pkcs8, '20300101000000Z', '20300615120000Z')
const EXPIRES = Date.parse('2030-06-15T12:00:00Z')
const DAY = 86_400_000

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')
const wrap = (text: string, width: number): string => (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n')
/** The PEM with its base64 body lines replaced by `edit(lines)`. */
const editBody = (pem: string, edit: (body: string[]) => string[]): string => {
  const lines = pem.trim().split('\n')
  return [lines[0], ...edit(lines.slice(1, -1)), lines.at(-1), ''].join('\n')
}

/** SHA-256 of SPKI DER as colon-separated upper-case hex pairs, computed here, not with the code under test. */
const sha256Pairs = (der: Buffer): string => (createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g) ?? []).join(':')
const spkiFingerprint = (publicKey: KeyObject): string => sha256Pairs(publicKey.export({ type: 'spki', format: 'der' }))
/** The certificate's public key fingerprint as openssl reads the certificate. */
const opensslFingerprint = (pem: string): string =>
  sha256Pairs(
    createPublicKey(execFileSync('openssl', ['x509', '-noout', '-pubkey'], { input: pem })).export({ type: 'spki', format: 'der' })
  )

const FIX = 'Give the PEM certificate uploaded to the app (server.crt, beginning with -----BEGIN CERTIFICATE-----).'
const NOT_PEM = `Input 'certificate' is not a PEM certificate (no -----BEGIN CERTIFICATE----- block found). ${FIX}`
const DAMAGED = `Input 'certificate' holds a CERTIFICATE block that is not a valid certificate (damaged or truncated?). ${FIX}`

describe('parseCertificate', () => {
  const expected = new X509Certificate(certificate).fingerprint256

  it.each([
    ['a PEM as is', certificate],
    ['surrounding whitespace', `\n  ${certificate}\n\n`],
    ['surrounding double quotes', `"${certificate.trim()}"`],
    ['literal \\n sequences on one line', certificate.trim().replace(/\n/g, '\\n')],
    ['literal \\r\\n sequences on one line', certificate.trim().replace(/\n/g, '\\r\\n')],
    ['CRLF line ends', certificate.replace(/\n/g, '\r\n')],
    ['base64 of the PEM', b64(certificate)],
    ['base64 of the PEM wrapped at 76 columns', wrap(b64(certificate), 76)],
    ['the body re-wrapped onto one line', editBody(certificate, body => [body.join('')])],
    ['text around it (openssl x509 -text style)', `subject=CN = unit-test\nissuer=CN = unit-test\n${certificate}\nend of file\n`],
    ['a chain: the first certificate', `${certificate}${otherCertificate}`],
    ['a key and certificate bundle: the certificate', `${rsa.pkcs8}${certificate}`]
  ])('reads %s', (_name, text) => {
    const cert = parseCertificate(text)
    expect(cert).toBeInstanceOf(X509Certificate)
    expect(cert.fingerprint256).toBe(expected)
  })

  it.each([
    ['empty', ''],
    ['whitespace', ' \n '],
    ['garbage', 'not a certificate'],
    ['base64 of something else', b64('hello, world')],
    ['a BEGIN without END (truncated paste)', certificate.slice(0, 300)],
    ['lower-case labels', certificate.replace(/CERTIFICATE/g, 'certificate')],
    ['a PKCS#8 private key instead', rsa.pkcs8],
    ['a PKCS#1 private key instead', rsa.pkcs1],
    ['base64 of a private key instead', b64(rsa.pkcs1)],
    ['a public key instead', rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string],
    [
      'a certificate request instead',
      '-----BEGIN CERTIFICATE REQUEST-----\nMIICWjCCAUICAQAwFTETMBEGA1UEAwwKdW5pdC10ZXN0\n-----END CERTIFICATE REQUEST-----\n'
    ]
  ])('refuses %s: no certificate block', (_name, text) => {
    expect(() => parseCertificate(text)).toThrow(ActionError)
    expect(() => parseCertificate(text)).toThrow(new ActionError(NOT_PEM))
  })

  it.each([
    ['a body line missing', editBody(certificate, body => [...body.slice(0, 5), ...body.slice(6)])],
    ['the body cut in half', editBody(certificate, body => body.slice(0, Math.floor(body.length / 2)))],
    ['a one-line body', editBody(certificate, () => ['MIIBIjANBgkqhkiG9w0BAQEFAAOC'])],
    ['an empty body', editBody(certificate, () => [])],
    ['a private key under a CERTIFICATE label', rsa.pkcs8.replace(/PRIVATE KEY/g, 'CERTIFICATE')]
  ])('refuses %s: a damaged certificate block', (_name, text) => {
    expect(() => parseCertificate(text)).toThrow(ActionError)
    expect(() => parseCertificate(text)).toThrow(new ActionError(DAMAGED))
  })

  it('never quotes the key material it was given instead', () => {
    for (const text of [rsa.pkcs8, b64(rsa.pkcs1), rsa.pkcs8.replace(/PRIVATE KEY/g, 'CERTIFICATE')]) {
      let message = ''
      try {
        parseCertificate(text)
      } catch (e) {
        message = (e as Error).message
      }
      expect(message).toMatch(/^Input 'certificate' /)
      expect(keyMaterialIn(message, rsa.pkcs8)).toEqual([])
    }
  })
})

describe('publicKeyFingerprint', () => {
  it('is the SHA-256 of the SPKI DER, as 32 colon-separated upper-case hex pairs', () => {
    const fingerprint = publicKeyFingerprint(rsa.publicKey)
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(fingerprint).toBe(spkiFingerprint(rsa.publicKey))
  })

  it('gives a private key the fingerprint of its public key', () => {
    expect(publicKeyFingerprint(rsa.privateKey)).toBe(spkiFingerprint(rsa.publicKey))
  })

  it("gives a certificate's public key the fingerprint of the key it was made from, as openssl reads it", () => {
    expect(publicKeyFingerprint(new X509Certificate(certificate).publicKey)).toBe(opensslFingerprint(certificate))
    expect(opensslFingerprint(certificate)).toBe(spkiFingerprint(rsa.publicKey))
  })

  it('tells two keys apart', () => {
    expect(publicKeyFingerprint(other.privateKey)).not.toBe(publicKeyFingerprint(rsa.privateKey))
  })

  it('reads a non-RSA key too', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    expect(publicKeyFingerprint(ec.privateKey)).toBe(spkiFingerprint(ec.publicKey))
  })
})

describe('checkCertificate: the key', () => {
  it('accepts the key the certificate was made from', () => {
    expect(checkCertificate(parseCertificate(dated), rsa.privateKey, new Date('2030-01-02T00:00:00Z'))).toEqual({
      expiresAt: new Date(EXPIRES),
      warning: undefined
    })
  })

  it.each([
    ['a certificate that is still valid', dated, new Date('2030-01-02T00:00:00Z')],
    ['an expired certificate (the mismatch is reported first)', dated, new Date('2031-01-01T00:00:00Z')]
  ])('refuses another key for %s, with both public key fingerprints', (_name, pem, now) => {
    const message =
      'The private key does not match input \'certificate\': Salesforce would refuse the login with "invalid assertion". ' +
      `Public key SHA-256 fingerprints: private key ${spkiFingerprint(other.publicKey)}, certificate ${opensslFingerprint(pem)}. ` +
      'Use the key the certificate was made from, or make a new certificate from this key and upload it to the app.'
    expect(() => checkCertificate(parseCertificate(pem), other.privateKey, now)).toThrow(ActionError)
    expect(() => checkCertificate(parseCertificate(pem), other.privateKey, now)).toThrow(new ActionError(message))
  })

  it('never quotes key material in the mismatch message', () => {
    let message = ''
    try {
      checkCertificate(parseCertificate(dated), other.privateKey, new Date(EXPIRES - 100 * DAY))
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(/^The private key does not match/)
    expect(keyMaterialIn(message, other.pkcs8)).toEqual([])
    expect(keyMaterialIn(message, rsa.pkcs8)).toEqual([])
  })
})

describe('checkCertificate: expiry', () => {
  const soon = (days: number): string =>
    `The certificate expires on 2030-06-15 (${days === 0 ? 'within a day' : `in ${days} day${days === 1 ? '' : 's'}`}). ` +
    'Make a new certificate from the key and upload it to the app before then.'
  const EXPIRED =
    'The certificate expired on 2030-06-15. Salesforce does not document what it does with an expired ' +
    'certificate (logins are reported to keep working); as hygiene, make a new certificate from the key and upload it to the app.'

  it('warns 30 days ahead', () => {
    expect(EXPIRY_WARNING_DAYS).toBe(30)
  })

  it.each([
    ['a year before', EXPIRES - 365 * DAY, undefined],
    ['32 days before', EXPIRES - 32 * DAY, undefined],
    ['exactly 31 days before', EXPIRES - 31 * DAY, undefined],
    ['31 days less 1 ms before', EXPIRES - 31 * DAY + 1, soon(30)],
    ['exactly 30 days before', EXPIRES - 30 * DAY, soon(30)],
    ['30 days less 1 ms before', EXPIRES - 30 * DAY + 1, soon(29)],
    ['2 days before', EXPIRES - 2 * DAY, soon(2)],
    ['exactly 1 day before', EXPIRES - DAY, soon(1)],
    ['1 day less 1 ms before', EXPIRES - DAY + 1, soon(0)],
    ['at the very moment it expires', EXPIRES, soon(0)],
    ['1 ms after', EXPIRES + 1, EXPIRED],
    ['a day after', EXPIRES + DAY, EXPIRED],
    ['a year after', EXPIRES + 365 * DAY, EXPIRED]
  ])('%s: %s', (_name, now, warning) => {
    expect(checkCertificate(parseCertificate(dated), rsa.privateKey, new Date(now))).toEqual({ expiresAt: new Date(EXPIRES), warning })
  })

  it('reads an expiry date after 2049 (GeneralizedTime)', () => {
    const late = certificateWithDates(rsa.pkcs8, '20490101000000Z', '20500301083000Z')
    const expires = Date.parse('2050-03-01T08:30:00Z')
    expect(checkCertificate(parseCertificate(late), rsa.privateKey, new Date(expires - 3 * DAY))).toEqual({
      expiresAt: new Date(expires),
      warning:
        'The certificate expires on 2050-03-01 (in 3 days). Make a new certificate from the key and upload it to the app before then.'
    })
  })

  it("dates the warning from the certificate's own expiry (a one-day certificate, checked when issued)", () => {
    const cert = parseCertificate(certificate)
    const { expiresAt, warning } = checkCertificate(cert, rsa.privateKey, new Date(cert.validFrom))
    expect(expiresAt.getTime() - Date.parse(cert.validFrom)).toBe(DAY)
    expect(warning).toBe(
      `The certificate expires on ${expiresAt.toISOString().slice(0, 10)} (in 1 day). ` +
        'Make a new certificate from the key and upload it to the app before then.'
    )
  })
})

describe('parseCertificate: certificates that parse with parts Node cannot read', () => {
  it('an expiry date (notAfter) that is not a valid time', () => {
    const error = thrown(() => parseCertificate(certificateWithBadNotAfter(certificate)))
    expect(error.message).toMatch(
      /^Input 'certificate' has an expiry date \(notAfter\) that is not a valid time \('Bad time value'\)\. Give the PEM certificate/
    )
  })

  it('a public key of an unknown algorithm', () => {
    const error = thrown(() => parseCertificate(certificateWithUnknownKeyAlgorithm(certificate)))
    expect(error.message).toMatch(
      /^Input 'certificate' holds a public key of an unknown or damaged algorithm, which Node cannot read\. Give the PEM certificate/
    )
  })
})
