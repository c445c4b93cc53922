import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { inputError } from '../../errors.js'
import { bounded } from '../../text.js'

export interface PrivateKey {
  key: KeyObject
  /** A passphrase was given for a key that is not encrypted. */
  passphraseUnused: boolean
}

interface PemBlock {
  label: string
  pem: string
  bodyLines: string[]
  encrypted: boolean
}

const MAKE_KEY = 'Create one with: openssl genrsa -out server.key 2048 (docs/jwt-bearer.md, step 1).'

/**
 * Undoes what pasting a key into a secret store does to it: surrounding quotes and whitespace, literal
 * `\n` sequences, CRLF line ends, or the whole PEM base64-encoded once more.
 */
export function unwrapKeyText(text: string): { text: string; decoded: boolean } {
  let t = text.trim()
  if (t.length > 1 && (t[0] === '"' || t[0] === "'") && t.endsWith(t[0])) t = t.slice(1, -1).trim()
  t = t.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n')
  if (!t.includes('-----BEGIN') && /^[A-Za-z0-9+/=_\-\s]+$/.test(t)) {
    const decoded = Buffer.from(t.replace(/\s+/g, ''), 'base64').toString('utf8')
    if (decoded.includes('-----BEGIN')) return { text: unwrapKeyText(decoded).text, decoded: true }
  }
  return { text: t, decoded: false }
}

/**
 * Every line of key material in every form it may take here, to mask before anything is logged: the
 * runner masks a secret only as given, not its decoded or re-wrapped lines, and not a key read from a file.
 */
export function keySecrets(raw: string): string[] {
  const { text, decoded } = unwrapKeyText(raw)
  const secrets = new Set<string>()
  const add = (line: string): void => {
    const l = line.trim()
    if (l.length >= 8 && !l.startsWith('-----') && !/^(Proc-Type|DEK-Info):/.test(l)) secrets.add(l)
  }
  for (const block of pemBlocks(text)) block.bodyLines.forEach(add)
  text.split('\n').forEach(add)
  raw.split(/\r?\n/).forEach(add)
  if (decoded) add(raw)
  return [...secrets]
}

/** Rebuilds a PEM block with 64-character lines, whatever whitespace the paste left inside it. */
function canonicalBlock(label: string, body: string): PemBlock {
  const headers: string[] = []
  let rest = body
  const legacy = /^\s*Proc-Type:\s*(\S+)\s+DEK-Info:\s*(\S+)\s+/.exec(rest)
  if (legacy) {
    headers.push(`Proc-Type: ${legacy[1]}`, `DEK-Info: ${legacy[2]}`, '')
    rest = rest.slice(legacy[0].length)
  }
  const bodyLines = rest.replace(/\s+/g, '').match(/.{1,64}/g) ?? []
  const pem = [`-----BEGIN ${label}-----`, ...headers, ...bodyLines, `-----END ${label}-----`, ''].join('\n')
  const encrypted = label === 'ENCRYPTED PRIVATE KEY' || (legacy !== null && /ENCRYPTED/i.test(legacy[1]))
  return { label, pem, bodyLines, encrypted }
}

/**
 * All PEM blocks in the text, in order: each BEGIN line with the first END line of its label after it. Linear in
 * the text: the END lines are found in one pass and each label's are used in order, so a key file of a million
 * BEGIN lines without an END costs one pass, not one search to the end per BEGIN line (a lazy regular
 * expression did that: minutes for 1 MiB).
 */
export function pemBlocks(text: string): PemBlock[] {
  const ends = new Map<string, number[]>()
  for (const m of text.matchAll(/-----END ([A-Z0-9 ]+)-----/g)) {
    const at = ends.get(m[1])
    if (at) at.push(m.index)
    else ends.set(m[1], [m.index])
  }
  const used = new Map<string, number>()
  const blocks: PemBlock[] = []
  let from = 0
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)) {
    if (m.index < from) continue
    const [line, label] = m
    const bodyStart = m.index + line.length
    const at = ends.get(label) ?? []
    let next = used.get(label) ?? 0
    while (next < at.length && at[next] < bodyStart) next++
    used.set(label, next)
    if (next === at.length) continue
    blocks.push(canonicalBlock(label, text.slice(bodyStart, at[next])))
    from = at[next] + `-----END ${label}-----`.length
  }
  return blocks
}

/** "an EC", "an X25519", "a DSA": letters are read by their names, so the article follows the sound. */
function withArticle(name: string): string {
  return `${/^[AEFHILMNORSX]/.test(name) ? 'an' : 'a'} ${name}`
}

/** Picks the private key block, or explains what was given instead. */
function privateKeyBlock(source: string, text: string): PemBlock {
  const blocks = pemBlocks(text)
  const key = blocks.find(b => /PRIVATE KEY$/.test(b.label) && b.label !== 'OPENSSH PRIVATE KEY')
  if (key) return key
  const labels = blocks.map(b => b.label)
  if (labels.includes('OPENSSH PRIVATE KEY')) {
    throw inputError(
      source,
      'holds an OpenSSH private key, which Salesforce cannot use',
      'Convert an RSA key to PEM with: ssh-keygen -p -m PEM -f <keyfile> (this rewrites the file in place); ' +
        'for any other type (Ed25519, ECDSA), create a new RSA key with: openssl genrsa -out server.key 2048.'
    )
  }
  if (labels.includes('CERTIFICATE')) {
    throw inputError(
      source,
      'holds a certificate, not a private key',
      'The certificate (server.crt) is what you upload to the connected app; this input takes the private ' +
        'key that signed it (server.key, beginning with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).'
    )
  }
  if (labels.some(l => l.endsWith('PUBLIC KEY')) || /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+|sk-\S+) /m.test(text)) {
    throw inputError(
      source,
      'holds a public key, not a private key',
      'Give the private key (server.key, beginning with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).'
    )
  }
  if (/PuTTY-User-Key-File/.test(text)) {
    throw inputError(source, 'holds a PuTTY key', 'Export it as PEM: puttygen key.ppk -O private-openssh -o server.key.')
  }
  if (labels.length > 0) {
    throw inputError(source, `holds a PEM block of type '${bounded(labels[0], 40)}', not a private key`, MAKE_KEY)
  }
  throw inputError(
    source,
    'is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- block found, also not after base64 decoding)',
    'Paste the whole key file, including its BEGIN and END lines. ' + MAKE_KEY
  )
}

/**
 * Turns pasted key text into a signing key, refusing anything Salesforce would reject later with an
 * opaque error: non-RSA keys, short keys, and encrypted keys without the right passphrase.
 * `source` is the input the text came from, used to name it in messages.
 */
export function parsePrivateKey(source: string, raw: string, passphrase: string): PrivateKey {
  const block = privateKeyBlock(source, unwrapKeyText(raw).text)

  if (block.encrypted && passphrase === '') {
    throw inputError(
      source,
      'is an encrypted private key and no passphrase was given',
      "Set 'private-key-passphrase' from the secret that holds the passphrase, or store the key unencrypted " +
        '(openssl rsa -in server.pass.key -out server.key).'
    )
  }
  let key: KeyObject
  try {
    key = createPrivateKey(block.encrypted ? { key: block.pem, format: 'pem', passphrase } : { key: block.pem, format: 'pem' })
  } catch {
    if (block.encrypted) {
      throw inputError(
        source,
        'could not be decrypted with the given passphrase',
        "Check that 'private-key-passphrase' is the passphrase this key was encrypted with."
      )
    }
    throw inputError(source, `holds a '${block.label}' block that is not a valid key (damaged or truncated?)`, MAKE_KEY)
  }
  const type = key.asymmetricKeyType
  if (type !== 'rsa') {
    throw inputError(
      source,
      `holds ${withArticle(String(type).toUpperCase())} key; ` +
        'Salesforce signs JWT bearer assertions with RS256 only, which needs a plain RSA key',
      MAKE_KEY
    )
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < 2048) {
    throw inputError(source, `holds a ${bits}-bit RSA key; RS256 signing needs at least 2048 bits`, MAKE_KEY)
  }
  try {
    // A key can parse and still not sign (damaged CRT parameters): find out now, not inside the exchange.
    sign('sha256', Buffer.from('probe'), key)
  } catch {
    throw inputError(
      source,
      'holds an RSA key that parses but cannot sign (its parameters are damaged)',
      'Export the key again from where it was made, or create a new one with: openssl genrsa -out server.key 2048.'
    )
  }
  return { key, passphraseUnused: passphrase !== '' && !block.encrypted }
}
