import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto'
import { ActionError, inputError } from '../../errors.js'
import { pemBlocks, unwrapKeyText } from './key.js'

/**
 * Warn this long before the certificate expires: enough time to make and upload a new one. A hygiene check:
 * Salesforce does not document refusing logins for an expired certificate (docs/faq.md).
 */
export const EXPIRY_WARNING_DAYS = 30

export interface CertificateCheck {
  expiresAt: Date
  /** A warning to show, when the certificate has expired or expires soon. */
  warning?: string
}

/** SHA-256 of the public key (SPKI DER), so a key and a certificate can be compared by eye. */
export function publicKeyFingerprint(key: KeyObject): string {
  const der = (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' })
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:')
    .toUpperCase()
}

/** Reads the `certificate` input in the same pasted shapes as keys (literal \n, base64, CRLF). */
export function parseCertificate(text: string): X509Certificate {
  const block = pemBlocks(unwrapKeyText(text).text).find(b => b.label === 'CERTIFICATE')
  const fix = 'Give the PEM certificate uploaded to the app (server.crt, beginning with -----BEGIN CERTIFICATE-----).'
  if (!block) throw inputError('certificate', 'is not a PEM certificate (no -----BEGIN CERTIFICATE----- block found)', fix)
  let cert: X509Certificate
  try {
    cert = new X509Certificate(block.pem)
  } catch {
    throw inputError('certificate', 'holds a CERTIFICATE block that is not a valid certificate (damaged or truncated?)', fix)
  }
  // A certificate can parse with parts Node cannot read: refuse it here, naming the part.
  if (Number.isNaN(Date.parse(cert.validTo))) {
    throw inputError('certificate', `has an expiry date (notAfter) that is not a valid time ('${cert.validTo.slice(0, 40)}')`, fix)
  }
  try {
    void cert.publicKey
  } catch {
    throw inputError('certificate', 'holds a public key of an unknown or damaged algorithm, which Node cannot read', fix)
  }
  return cert
}

const inDays = (days: number): string => (days === 0 ? 'within a day' : `in ${days} day${days === 1 ? '' : 's'}`)

/**
 * The pre-flight check: a key that does not match the uploaded certificate is what Salesforce reports
 * as the opaque "invalid assertion", so it is refused here with both fingerprints; an expired or soon
 * expiring certificate is only warned of (what Salesforce does at expiry is not documented).
 */
export function checkCertificate(cert: X509Certificate, key: KeyObject, now: Date): CertificateCheck {
  if (!cert.checkPrivateKey(key)) {
    throw new ActionError(
      "The private key does not match input 'certificate': Salesforce would refuse the login with " +
        '"invalid assertion". Public key SHA-256 fingerprints: private key ' +
        `${publicKeyFingerprint(key)}, certificate ${publicKeyFingerprint(cert.publicKey)}. Use the key the ` +
        'certificate was made from, or make a new certificate from this key and upload it to the app.'
    )
  }
  const expiresAt = new Date(cert.validTo)
  const day = expiresAt.toISOString().slice(0, 10)
  const daysLeft = Math.floor((expiresAt.getTime() - now.getTime()) / 86_400_000)
  let warning: string | undefined
  if (daysLeft < 0) {
    warning =
      `The certificate expired on ${day}. Salesforce does not document what it does with an expired ` +
      'certificate (logins are reported to keep working); as hygiene, make a new certificate from the key and upload it to the app.'
  } else if (daysLeft <= EXPIRY_WARNING_DAYS) {
    warning =
      `The certificate expires on ${day} (${inDays(daysLeft)}). Make a new ` +
      'certificate from the key and upload it to the app before then.'
  }
  return { expiresAt, warning }
}
