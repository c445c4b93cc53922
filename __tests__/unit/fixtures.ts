// Throwaway keys for the unit tests, made at run time so no key material is ever committed.
import { expect } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RsaKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** -----BEGIN RSA PRIVATE KEY----- */
  pkcs1: string
  /** -----BEGIN PRIVATE KEY----- */
  pkcs8: string
}

export function rsaKey(bits = 2048): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    privateKey,
    publicKey,
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  }
}

/** Encrypted PKCS#8 (-----BEGIN ENCRYPTED PRIVATE KEY-----). */
export function encryptedPkcs8(key: KeyObject, passphrase: string): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string
}

/** Legacy encrypted PKCS#1 with Proc-Type/DEK-Info headers, as `openssl genrsa -des3 -traditional` writes. */
export function legacyEncryptedPkcs1(key: KeyObject, passphrase: string): string {
  return key.export({ type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase }) as string
}

/** Runs a tool in a private temporary folder and returns the files it wrote. */
function inTempDir(run: (dir: string) => void, outputs: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sf-jwt-unit-'))
  try {
    run(dir)
    return outputs.map(name => readFileSync(join(dir, name), 'utf8'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A self-signed certificate for the key (what users upload to the app). */
export function certificateFor(privateKeyPem: string): string {
  return inTempDir(
    dir => {
      writeFileSync(join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 })
      execFileSync(
        'openssl',
        ['req', '-new', '-x509', '-sha256', '-key', 'key.pem', '-days', '1', '-subj', '/CN=unit-test', '-out', 'cert.pem'],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }
      )
    },
    ['cert.pem']
  )[0]
}

/** An OpenSSH-format key pair: `[-----BEGIN OPENSSH PRIVATE KEY-----..., 'ssh-<type> AAAA... comment']`. */
export function opensshKeyPair(type: 'rsa' | 'ed25519'): [string, string] {
  const [priv, pub] = inTempDir(
    dir => {
      execFileSync(
        'ssh-keygen',
        ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', 'ci@example', '-f', join(dir, 'id')],
        {
          stdio: ['ignore', 'pipe', 'pipe']
        }
      )
    },
    ['id', 'id.pub']
  )
  return [priv, pub]
}

/** The base64 body of every PEM block in the text, without whitespace. */
function pemBodies(text: string): string {
  return [...text.matchAll(/-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/g)]
    .map(m => m[1].replace(/^(Proc-Type|DEK-Info):.*$/gm, ''))
    .join('')
    .replace(/\s+/g, '')
}

/**
 * Every 16-character run of key material that occurs in the message: empty when none does. Looks at the
 * PEM bodies and at the raw text itself when it has no PEM block (e.g. base64 of a PEM).
 */
export function keyMaterialIn(message: string, keyText: string): string[] {
  const material = pemBodies(keyText) || keyText.replace(/\s+/g, '')
  const found: string[] = []
  for (let i = 0; i + 16 <= material.length; i += 4) {
    const run = material.slice(i, i + 16)
    if (message.includes(run)) found.push(run)
  }
  return found
}

/** Runs `fn`, expecting an ActionError (a user-facing refusal), and returns it for its message. */
export function thrown(fn: () => unknown): ActionError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ActionError)
    return e as ActionError
  }
  throw new Error('expected an ActionError, but nothing was thrown')
}
