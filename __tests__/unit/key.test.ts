import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import { ActionError } from '../../src/errors.js'
import { keySecrets, parsePrivateKey, pemBlocks, unwrapKeyText } from '../../src/flows/jwt-bearer/key.js'
import { damagedCrtKey } from '../../fakes/keys.mjs'
import { certificateFor, encryptedPkcs8, keyMaterialIn, legacyEncryptedPkcs1, opensshKeyPair, rsaKey, thrown } from './fixtures.js'

// One key in every shape users paste it in. Made at run time: nothing here is committed.
const rsa = rsaKey()
const PASS = 'correct horse battery staple'
const WRONG = 'incorrect donkey'
const pkcs1 = rsa.pkcs1
const pkcs8 = rsa.pkcs8
const encPkcs8 = encryptedPkcs8(rsa.privateKey, PASS)
const legacyPkcs1 = legacyEncryptedPkcs1(rsa.privateKey, PASS)
const certificate = certificateFor(pkcs8)
const spki = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string
const rsaPublicPkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string
const [opensshRsaPrivate, opensshRsaPublic] = opensshKeyPair('rsa')
const [opensshEd25519Private, opensshEd25519Public] = opensshKeyPair('ed25519')
const x25519Pkcs8 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const ecPkcs8 = ec.export({ type: 'pkcs8', format: 'pem' }) as string
const ecSec1 = ec.export({ type: 'sec1', format: 'pem' }) as string
const ed25519Pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const rsaPssPkcs8 = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const dsaPkcs8 = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem'
}) as string
const rsa1024 = rsaKey(1024).pkcs1
const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIICWjCCAUICAQAwFTETMBEGA1UEAwwKdW5pdC10ZXN0\n-----END CERTIFICATE REQUEST-----\n'
const putty = [
  'PuTTY-User-Key-File-3: ssh-rsa',
  'Encryption: none',
  'Comment: rsa-key-20240101',
  'Public-Lines: 1',
  'AAAAB3NzaC1yc2EAAAADAQABAAABAQDfakefakefakefake',
  'Private-Lines: 1',
  'AAABAQCfakefakefakefakefakefakefakefakefake',
  'Private-MAC: 0123456789abcdef0123456789abcdef'
].join('\n')

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')
/** base64 wrapped the way `base64` (76 columns) or `openssl base64` (64 columns) writes it. */
const wrap = (text: string, width: number, eol = '\n'): string => (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol)
const literalNewlines = (pem: string): string => pem.trim().replace(/\n/g, '\\n')
const crlf = (pem: string): string => pem.replace(/\n/g, '\r\n')
/** The base64 body lines of a PEM as written (headers and blank lines left out). */
const bodyLines = (pem: string): string[] =>
  pem.split('\n').filter(l => l !== '' && !l.startsWith('-----') && !/^(Proc-Type|DEK-Info):/.test(l))
/** The same PEM with its body re-wrapped at another width (as some tools and pastes do). */
const rewrap = (pem: string, width: number): string => {
  const lines = pem.trim().split('\n')
  return [lines[0], wrap(bodyLines(pem).join(''), width), lines.at(-1)].join('\n')
}

const MAKE_KEY = 'Create one with: openssl genrsa -out server.key 2048 (docs/jwt-bearer.md, step 1).'

describe('unwrapKeyText', () => {
  it.each([
    ['a PEM as is (trailing newline trimmed)', pkcs1, pkcs1.trim(), false],
    ['surrounding whitespace', `\n\t  ${pkcs1}  \n\n`, pkcs1.trim(), false],
    ['surrounding double quotes', `"${pkcs1}"`, pkcs1.trim(), false],
    ['surrounding single quotes and whitespace', `  '${pkcs1}'\n`, pkcs1.trim(), false],
    ['literal \\n sequences on one line', literalNewlines(pkcs1), pkcs1.trim(), false],
    ['quoted, with literal \\n sequences', `"${literalNewlines(pkcs8)}"`, pkcs8.trim(), false],
    ['literal \\r\\n sequences', pkcs1.trim().replace(/\n/g, '\\r\\n'), pkcs1.trim(), false],
    ['literal \\r sequences', pkcs1.trim().replace(/\n/g, '\\r'), pkcs1.trim(), false],
    ['CRLF line ends', crlf(pkcs1), pkcs1.trim(), false],
    ['CR line ends', pkcs1.replace(/\n/g, '\r'), pkcs1.trim(), false],
    ['base64 of the PEM', b64(pkcs1), pkcs1.trim(), true],
    ['base64 of the PEM wrapped at 76 columns', wrap(b64(pkcs8), 76), pkcs8.trim(), true],
    ['base64 of the PEM wrapped with CRLF', wrap(b64(pkcs8), 64, '\r\n'), pkcs8.trim(), true],
    ['base64 of the PEM wrapped with literal \\n', wrap(b64(pkcs8), 76, '\\n'), pkcs8.trim(), true],
    ['quoted base64 of the PEM', `"${b64(pkcs1)}"\n`, pkcs1.trim(), true],
    ['base64 of a CRLF PEM', b64(crlf(pkcs1)), pkcs1.trim(), true],
    ['base64 of a PEM with literal \\n', b64(literalNewlines(pkcs1)), pkcs1.trim(), true],
    ['base64url of the PEM', b64(pkcs1).replace(/\+/g, '-').replace(/\//g, '_'), pkcs1.trim(), true],
    ['base64 of an encrypted legacy PEM', b64(legacyPkcs1), legacyPkcs1.trim(), true]
  ])('undoes %s', (_name, input, text, decoded) => {
    expect(unwrapKeyText(input)).toEqual({ text, decoded })
  })

  it.each([
    ['plain words', 'not a key at all', 'not a key at all'],
    ['base64 of something that is not a PEM', b64('hello, world'), b64('hello, world')],
    ['base64 of not-a-PEM, trimmed only', `  ${b64('just text')}\n`, b64('just text')],
    ['a certificate', certificate, certificate.trim()],
    ['an ssh public key line', opensshRsaPublic, opensshRsaPublic.trim()],
    ['a lone quote character', '"', '"'],
    ['mismatched quotes', `"abc'`, `"abc'`],
    ['the empty string', '', '']
  ])('leaves %s alone', (_name, input, text) => {
    expect(unwrapKeyText(input)).toEqual({ text, decoded: false })
  })
})

describe('pemBlocks', () => {
  it.each([
    ['PKCS#1', pkcs1, 'RSA PRIVATE KEY', false],
    ['PKCS#8', pkcs8, 'PRIVATE KEY', false],
    ['encrypted PKCS#8', encPkcs8, 'ENCRYPTED PRIVATE KEY', true],
    ['legacy encrypted PKCS#1 (Proc-Type)', legacyPkcs1, 'RSA PRIVATE KEY', true],
    ['EC (SEC1)', ecSec1, 'EC PRIVATE KEY', false],
    ['certificate', certificate, 'CERTIFICATE', false],
    ['public key', spki, 'PUBLIC KEY', false]
  ])('reads a %s block as written', (_name, pem, label, encrypted) => {
    expect(pemBlocks(pem)).toEqual([{ label, pem, bodyLines: bodyLines(pem), encrypted }])
  })

  it.each([
    ['re-wrapped at 76 columns', rewrap(pkcs1, 76), pkcs1],
    ['re-wrapped onto one line', rewrap(pkcs8, 100000), pkcs8],
    ['collapsed onto one line with spaces', pkcs1.trim().replace(/\n/g, ' '), pkcs1],
    ['a legacy encrypted key collapsed onto one line with spaces', legacyPkcs1.trim().replace(/\n+/g, ' '), legacyPkcs1],
    ['a legacy encrypted key without the blank line after DEK-Info', legacyPkcs1.replace('\n\n', '\n'), legacyPkcs1],
    ['indented lines and trailing spaces', pkcs8.replace(/\n/g, '   \n    '), pkcs8]
  ])('rebuilds a canonical 64-column PEM from one %s', (_name, input, canonical) => {
    const [block] = pemBlocks(input)
    expect(block.pem).toBe(canonical)
    expect(block.bodyLines).toEqual(bodyLines(canonical))
  })

  it('finds every block in order, with text around them', () => {
    const blocks = pemBlocks(`subject=CN=x\n${certificate}\nkey:\n${encPkcs8}\n${spki}trailer`)
    expect(blocks.map(b => [b.label, b.encrypted])).toEqual([
      ['CERTIFICATE', false],
      ['ENCRYPTED PRIVATE KEY', true],
      ['PUBLIC KEY', false]
    ])
    expect(blocks.map(b => b.pem)).toEqual([certificate, encPkcs8, spki])
  })

  it.each([
    ['plain text', 'no key here'],
    ['a BEGIN without END (truncated paste)', pkcs1.slice(0, 200)],
    ['an END label that does not match BEGIN', pkcs1.replace('END RSA PRIVATE KEY', 'END PRIVATE KEY')],
    ['lower-case labels', pkcs8.replace(/PRIVATE KEY/g, 'private key')]
  ])('finds no block in %s', (_name, text) => {
    expect(pemBlocks(text)).toEqual([])
  })
})

describe('keySecrets', () => {
  const long = (lines: string[]): string[] => lines.filter(l => l.trim().length >= 8).map(l => l.trim())
  const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort()

  it.each([
    ['PKCS#1', pkcs1],
    ['PKCS#8', pkcs8],
    ['CRLF PKCS#8', crlf(pkcs8)],
    ['legacy encrypted PKCS#1', legacyPkcs1]
  ])('a %s PEM: exactly its body lines, no BEGIN/END, Proc-Type or DEK-Info line', (_name, pem) => {
    expect(sorted(keySecrets(pem))).toEqual(sorted(long(bodyLines(pem.replace(/\r/g, '')))))
  })

  it('a PEM pasted at 76 columns: both the pasted lines and the canonical 64-column lines', () => {
    const pasted = rewrap(pkcs1, 76)
    expect(sorted(keySecrets(pasted))).toEqual(sorted([...long(bodyLines(pasted)), ...long(bodyLines(pkcs1))]))
  })

  it('base64 of a PEM: the base64 itself and every line of the decoded key', () => {
    const raw = b64(pkcs8)
    expect(sorted(keySecrets(`${raw}\n`))).toEqual(sorted([raw, ...long(bodyLines(pkcs8))]))
  })

  it('base64 of a PEM with line breaks: every base64 line, the whole, and every decoded line', () => {
    const raw = wrap(b64(pkcs1), 76)
    const secrets = keySecrets(raw)
    expect(sorted(secrets)).toEqual(sorted([raw, ...long(raw.split('\n')), ...long(bodyLines(pkcs1))]))
  })

  it('one line with literal \\n: every line of the key (the raw line starts with -----, so the runner masks it)', () => {
    expect(sorted(keySecrets(literalNewlines(pkcs1)))).toEqual(sorted(long(bodyLines(pkcs1))))
  })

  it('a quoted one-line key: the whole pasted line and every line of the key', () => {
    const raw = `"${literalNewlines(pkcs1)}"`
    expect(sorted(keySecrets(raw))).toEqual(sorted([raw, ...long(bodyLines(pkcs1))]))
  })

  it.each([
    ['PKCS#1', pkcs1, pkcs1],
    ['base64 of a PEM', b64(pkcs1), pkcs1],
    ['wrapped base64 of a legacy encrypted PEM', wrap(b64(legacyPkcs1), 76), legacyPkcs1],
    ['legacy encrypted PEM with literal \\n', literalNewlines(legacyPkcs1), legacyPkcs1],
    ['PEM collapsed onto one line with spaces', pkcs8.trim().replace(/\n/g, ' '), pkcs8]
  ])('%s: every line of the key, nothing shorter than 8 characters, no header or footer line', (_name, raw, canonical) => {
    const secrets = keySecrets(raw)
    expect(secrets.filter(s => s.length < 8 || s.startsWith('-----') || /^(Proc-Type|DEK-Info):/.test(s))).toEqual([])
    expect(long(bodyLines(canonical)).filter(l => !secrets.includes(l))).toEqual([])
  })

  it('plain text that is not a key: its own lines of 8 or more characters only', () => {
    expect(keySecrets('short\nsomething longer\n')).toEqual(['something longer'])
  })
})

describe('parsePrivateKey accepts', () => {
  it.each([
    ['PKCS#1', pkcs1, '', false],
    ['PKCS#8', pkcs8, '', false],
    ['PKCS#8 with CRLF line ends', crlf(pkcs8), '', false],
    ['PKCS#1 as one quoted line with literal \\n', `"${literalNewlines(pkcs1)}"`, '', false],
    ['PKCS#1 collapsed onto one line with spaces', pkcs1.trim().replace(/\n/g, ' '), '', false],
    ['PKCS#8 re-wrapped at 76 columns', rewrap(pkcs8, 76), '', false],
    ['base64 of PKCS#1', b64(pkcs1), '', false],
    ['wrapped base64 of PKCS#8', wrap(b64(pkcs8), 76), '', false],
    ['the key after its certificate in one file', `${certificate}${pkcs8}`, '', false],
    ['encrypted PKCS#8 with the right passphrase', encPkcs8, PASS, false],
    ['legacy Proc-Type PKCS#1 (DES-EDE3-CBC) with the right passphrase', legacyPkcs1, PASS, false],
    ['base64 of legacy encrypted PKCS#1 with the right passphrase', b64(legacyPkcs1), PASS, false],
    ['legacy encrypted PKCS#1 with literal \\n', literalNewlines(legacyPkcs1), PASS, false],
    ['PKCS#1 with a passphrase it does not need (flagged unused)', pkcs1, PASS, true],
    ['PKCS#8 with a passphrase it does not need (flagged unused)', pkcs8, 'x', true]
  ])('%s', (_name, raw, passphrase, passphraseUnused) => {
    const parsed = parsePrivateKey('private-key', raw, passphrase)
    expect(parsed.passphraseUnused).toBe(passphraseUnused)
    expect(parsed.key.type).toBe('private')
    expect(parsed.key.asymmetricKeyType).toBe('rsa')
    expect(parsed.key.equals(rsa.privateKey)).toBe(true)
  })
})

describe('parsePrivateKey refuses', () => {
  const notRsa = (what: string): string =>
    `holds ${what} key; Salesforce signs JWT bearer assertions with RS256 only, which needs a plain RSA key. ${MAKE_KEY}`
  const PUBLIC =
    'holds a public key, not a private key. Give the private key (server.key, beginning with -----BEGIN PRIVATE KEY----- ' +
    'or -----BEGIN RSA PRIVATE KEY-----).'
  const CERT =
    'holds a certificate, not a private key. The certificate (server.crt) is what you upload to the connected app; ' +
    'this input takes the private key that signed it (server.key, beginning with -----BEGIN PRIVATE KEY----- or ' +
    '-----BEGIN RSA PRIVATE KEY-----).'
  const OPENSSH =
    'holds an OpenSSH private key, which Salesforce cannot use. Convert an RSA key to PEM with: ssh-keygen -p -m PEM -f <keyfile> ' +
    '(this rewrites the file in place); for any other type (Ed25519, ECDSA), create a new RSA key with: openssl genrsa -out server.key 2048.'
  const NO_PEM =
    'is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- block found, also not after base64 decoding). ' +
    `Paste the whole key file, including its BEGIN and END lines. ${MAKE_KEY}`
  const NO_PASSPHRASE =
    "is an encrypted private key and no passphrase was given. Set 'private-key-passphrase' from the secret that " +
    'holds the passphrase, or store the key unencrypted (openssl rsa -in server.pass.key -out server.key).'
  const BAD_PASSPHRASE =
    "could not be decrypted with the given passphrase. Check that 'private-key-passphrase' is the passphrase this key was encrypted with."

  const truncatedPkcs8 = [pkcs8.split('\n')[0], ...bodyLines(pkcs8).slice(0, 8), '-----END PRIVATE KEY-----'].join('\n')

  const cases: Array<[string, string, string, string]> = [
    ['encrypted PKCS#8 without a passphrase', encPkcs8, '', NO_PASSPHRASE],
    ['legacy encrypted PKCS#1 without a passphrase', legacyPkcs1, '', NO_PASSPHRASE],
    ['base64 of encrypted PKCS#8 without a passphrase', b64(encPkcs8), '', NO_PASSPHRASE],
    ['encrypted PKCS#8 with a wrong passphrase', encPkcs8, WRONG, BAD_PASSPHRASE],
    ['legacy encrypted PKCS#1 with a wrong passphrase', legacyPkcs1, WRONG, BAD_PASSPHRASE],
    ['a certificate', certificate, '', CERT],
    ['base64 of a certificate', b64(certificate), '', CERT],
    ['an SPKI public key', spki, '', PUBLIC],
    ['a PKCS#1 RSA public key', rsaPublicPkcs1, '', PUBLIC],
    ['an ssh-rsa public key line', opensshRsaPublic, '', PUBLIC],
    ['an ssh-ed25519 public key line', opensshEd25519Public, '', PUBLIC],
    ['an OpenSSH RSA private key', opensshRsaPrivate, '', OPENSSH],
    ['an OpenSSH Ed25519 private key', opensshEd25519Private, '', OPENSSH],
    ['a PuTTY key', putty, '', 'holds a PuTTY key. Export it as PEM: puttygen key.ppk -O private-openssh -o server.key.'],
    ['a certificate request', csr, '', `holds a PEM block of type 'CERTIFICATE REQUEST', not a private key. ${MAKE_KEY}`],
    ['an EC key (PKCS#8)', ecPkcs8, '', notRsa('an EC')],
    ['an EC key (SEC1)', ecSec1, '', notRsa('an EC')],
    ['an Ed25519 key', ed25519Pkcs8, '', notRsa('an ED25519')],
    ['an RSA-PSS key', rsaPssPkcs8, '', notRsa('an RSA-PSS')],
    ['a DSA key', dsaPkcs8, '', notRsa('a DSA')],
    ['an X25519 key', x25519Pkcs8, '', notRsa('an X25519')],
    ['an ecdsa-sha2 public key line', 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= ci@example', '', PUBLIC],
    ['a 1024-bit RSA key', rsa1024, '', `holds a 1024-bit RSA key; RS256 signing needs at least 2048 bits. ${MAKE_KEY}`],
    [
      'a truncated PKCS#8 body',
      truncatedPkcs8,
      '',
      `holds a 'PRIVATE KEY' block that is not a valid key (damaged or truncated?). ${MAKE_KEY}`
    ],
    ['a key missing its END line', pkcs1.slice(0, pkcs1.indexOf('-----END')), '', NO_PEM],
    ['only the key body, without BEGIN/END lines', bodyLines(pkcs1).join('\n'), '', NO_PEM],
    ['garbage', 'my-secret-password', '', NO_PEM],
    ['the empty string', '', '', NO_PEM]
  ]
  const table = (['private-key', 'private-key-file'] as const).flatMap(source =>
    cases.map(([name, raw, passphrase, problem]) => [name, source, raw, passphrase, problem] as const)
  )

  it.each(table)('%s, naming the input %s and leaking no key material', (_name, source, raw, passphrase, problem) => {
    let error: unknown
    try {
      parsePrivateKey(source, raw, passphrase)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ActionError)
    const message = (error as ActionError).message
    expect(message).toBe(`Input '${source}' ${problem}`)
    expect(keyMaterialIn(message, raw)).toEqual([])
    if (passphrase !== '') expect(message).not.toContain(passphrase)
  })
})

describe('parsePrivateKey: keys that parse but cannot sign', () => {
  it.each(['private-key', 'private-key-file'])('a key with a damaged CRT coefficient is refused naming %s', source => {
    const damaged = damagedCrtKey(rsaKey().privateKey)
    const error = thrown(() => parsePrivateKey(source, damaged, ''))
    expect(error.message).toMatch(
      new RegExp(`^Input '${source}' holds an RSA key that parses but cannot sign \\(its parameters are damaged\\)\\. Export the key again`)
    )
    expect(keyMaterialIn(error.message, damaged)).toEqual([])
  })
})
