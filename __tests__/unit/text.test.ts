import { describe, expect, it } from '@jest/globals'
import { isPrintable, neutralize, redactor, safeLogger, type Logger } from '../../src/text.js'
import { forgedCommands } from '../../fakes/runner.mjs'

/** What the runner would see if the text were written as one info line. */
const asInfoLine = (text: string): string[] => forgedCommands({ stdout: `${text}\n`, stderr: '' })

describe('neutralize', () => {
  it.each([
    ['a plain message', 'Authenticated as ci@acme.com.', 'Authenticated as ci@acme.com.'],
    ['LF before a command', 'for ci@acme.com\n::warning::FORGED (audience x)', 'for ci@acme.com\\n::warning::FORGED (audience x)'],
    ['CR before stop-commands', 'x\r::stop-commands::tok', 'x\\r::stop-commands::tok'],
    ['CRLF', 'a\r\n::error::b', 'a\\r\\n::error::b'],
    ['the legacy form anywhere', 'user ##[warning]FORGED', 'user ##\\[warning]FORGED'],
    ['three hashes', '###[error]x', '###\\[error]x'],
    ['a command at the very start', '::warning::x', '\\::warning::x'],
    ['a command after leading white space', ' \u00a0\t::warning::x', ' \u00a0\\t::warning::x'],
    ['NUL, ESC and DEL', 'a\u0000b\u001b[31mc\u007f', 'a\\u{0}b\\u{1b}[31mc\\u{7f}'],
    ['NEL and the Unicode separators', 'a\u0085::x::b\u2028::y::c\u2029', 'a\\u{85}::x::b\\u{2028}::y::c\\u{2029}'],
    ['vertical tab and form feed', 'a\u000b::x::\u000c', 'a\\u{b}::x::\\u{c}'],
    ['%0A is left alone: it is decoded only inside command data, which core escapes', 'a%0A::warning::b', 'a%0A::warning::b']
  ])('%s', (_, text, expected) => {
    expect(neutralize(text)).toBe(expected)
    expect(asInfoLine(neutralize(text))).toEqual([])
  })

  it('the checker sees each of these as forged before neutralize', () => {
    for (const text of [
      'x\n::warning::FORGED',
      'x\r::stop-commands::t',
      'a ##[error]b',
      '::set-output name=a::b',
      ' \u00a0::error::x',
      '::error::FORGED'
    ]) {
      expect(asInfoLine(text)).not.toEqual([])
    }
  })

  it('never produces a line break or ##[ for any mix of dangerous pieces', () => {
    const pieces = ['\n', '\r', '#', '##', '[', '::', ' ', '\u2028', '\u0085', '%0A', 'warning', '\\']
    let seed = 7
    for (let run = 0; run < 2000; run++) {
      let text = ''
      for (let i = 0; i < 12; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        text += pieces[seed % pieces.length]
      }
      const out = neutralize(text)
      expect(isPrintable(out)).toBe(true)
      expect(out).not.toContain('##[')
      expect(out.trimStart().startsWith('::')).toBe(false)
    }
  })
})

describe('isPrintable', () => {
  it.each([
    ['plain', 'ci@acme.com', true],
    ['unicode letters', 'zoë@acme.com', true],
    ['tab', 'a\tb', false],
    ['LF', 'a\nb', false],
    ['NUL', 'a\u0000', false],
    ['C1', 'a\u009b', false],
    ['line separator', 'a\u2028', false]
  ])('%s', (_, text, expected) => {
    expect(isPrintable(text)).toBe(expected)
  })
})

describe('safeLogger', () => {
  it('neutralizes every message at every level', () => {
    const seen: string[] = []
    const sink: Logger = {
      info: m => seen.push(`info ${m}`),
      warning: m => seen.push(`warning ${m}`),
      debug: m => seen.push(`debug ${m}`)
    }
    const log = safeLogger(sink)
    log.info('a\n::warning::x')
    log.warning('b ##[error]y')
    log.debug('c\r::stop-commands::z')
    expect(seen).toEqual(['info a\\n::warning::x', 'warning b ##\\[error]y', 'debug c\\r::stop-commands::z'])
  })
})

describe('redactor', () => {
  const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.c2lnbmF0dXJlLW9mLXRoZS1pZC10b2tlbi0xMjM0NTY3ODk'
  const ACCESS = '00D000000000001!ARxYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789'
  const KEY =
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu\n-----END PRIVATE KEY-----'
  const r = redactor()
  for (const secret of [ID_TOKEN, ACCESS, KEY, 'hunter2', 'passphrase-of-twelve', 'rt_request-token-of-the-runner']) r.remember(secret)

  it.each([
    ['a whole secret', `the server said: ${ID_TOKEN} is invalid`, 'the server said: *** is invalid'],
    ['two secrets side by side', `${ACCESS}${ID_TOKEN}`, '***'],
    ['the same secret twice', `${ACCESS} and ${ACCESS}`, '*** and ***'],
    ['a token cut short, 24 characters of it', `token ${ACCESS.slice(0, 30)}…`, 'token ***…'],
    ['the signature of the ID token alone', `sig=${ID_TOKEN.split('.')[2]}`, 'sig=***'],
    ['23 characters of a secret are left', `x ${ACCESS.slice(5, 28)} y`, `x ${ACCESS.slice(5, 28)} y`],
    ['one line of a key', `bad key line MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7 here`, 'bad key line *** here'],
    ['the runner request token', 'Bearer rt_request-token-of-the-runner.', 'Bearer ***.'],
    ['a passphrase of 8 or more characters', 'pass passphrase-of-twelve!', 'pass ***!'],
    ['a passphrase under 8 characters is left (the runner masks it)', 'hunter2 hunts', 'hunter2 hunts'],
    ['text without secrets', 'No active GitHub trust rule matches.', 'No active GitHub trust rule matches.'],
    ['the BEGIN line of a key is no secret', '-----BEGIN PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----']
  ])('%s', (_, text, expected) => {
    expect(r.redact(text)).toBe(expected)
  })

  it('redacts nothing before it knows a secret', () => {
    expect(redactor().redact(ID_TOKEN)).toBe(ID_TOKEN)
  })

  it('is applied by safeLogger before neutralize, at every level', () => {
    const seen: string[] = []
    const log = safeLogger({ info: m => seen.push(m), warning: m => seen.push(m), debug: m => seen.push(m) }, r.redact)
    log.info(`a ${ACCESS}\n::warning::x`)
    log.warning(`b ${ID_TOKEN}`)
    log.debug(`c ${ACCESS.slice(3, 40)}`)
    expect(seen).toEqual(['a ***\\n::warning::x', 'b ***', 'c ***'])
  })
})
