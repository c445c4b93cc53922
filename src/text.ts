/**
 * The one home of text that leaves the action (log lines, error lines, the step summary, the trust rule
 * record): made harmless for the runner's command parser, bounded, redacted of secrets, escaped for the
 * format it is written in. Every value that came from outside goes through one of these before it is shown.
 *
 * Log text the runner cannot mistake for a workflow command. The runner splits the step's output into
 * lines at CR and LF, reads a line as a command when it starts with `::` after leading whitespace, and
 * reads the legacy `##[name]` form anywhere in a line. `%0A`-style escapes are decoded only inside the
 * data of a `::` command, and @actions/core escapes `%` there first, so they need nothing here.
 */

/** Characters shown by name, so a reader still sees where the line breaks were. */
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Shows a control character as `\n`, `\r`, `\t` or `\u{1b}`, so nothing invisible reaches the log. */
const visible = (c: string): string => NAMED[c] ?? `\\u{${c.charCodeAt(0).toString(16)}}`

/**
 * Makes a whole message harmless for the runner's command parser, whatever values it quotes: no line
 * breaks or other control characters, `##[` shown as `##\[`, no `::` at its start. Applied once at the logging
 * edge (see `safeLogger`), so no message can forget it.
 */
export function neutralize(text: string): string {
  return text
    .replace(new RegExp(CONTROL, 'g'), visible)
    .replace(/##\[/g, '##\\[')
    .replace(/^(\s*):/, '$1\\:')
}

/** True when the text has no control characters, so it can be quoted in a message as it is. */
export function isPrintable(text: string): boolean {
  return !CONTROL.test(text)
}

/** The logging calls the action makes; `@actions/core` is one. */
export interface Logger {
  info(m: string): void
  warning(m: string): void
  debug(m: string): void
}

/**
 * A logger whose every message is redacted of the secrets the step holds (when given `redact`), then goes
 * through `neutralize`, for `main` and `post` to log through.
 */
export function safeLogger(sink: Logger, redact: (text: string) => string = text => text): Logger {
  return {
    info: m => sink.info(neutralize(redact(m))),
    warning: m => sink.warning(neutralize(redact(m))),
    debug: m => sink.debug(neutralize(redact(m)))
  }
}

/**
 * Secrets shorter than this are not redacted from text: a short passphrase is likely an ordinary word of
 * the message too (redacting every "main" would garble it), and the runner masks it exactly as given anyway.
 */
export const MIN_REDACTED_SECRET = 8
/**
 * A quoted run of this many characters of a secret is redacted too: a server may quote a token cut short,
 * and 24 characters of base64 carry 144 bits, far more than any ordinary text shares with a secret by chance.
 */
export const MIN_REDACTED_PIECE = 24

/** Remembers the step's secrets and removes them from any text before it is logged. */
export interface Redactor {
  remember(secret: string): void
  redact(text: string): string
}

/**
 * A redactor for everything the step masks: each secret (and each line of a multi-line one) of at least
 * MIN_REDACTED_SECRET characters, and any MIN_REDACTED_PIECE-character run of one, becomes `***`, whether or
 * not the runner would have masked it (it masks a secret only as given, and a message may quote part of one).
 */
export function redactor(): Redactor {
  const secrets = new Set<string>()
  const pieces = new Set<string>()
  return {
    remember(secret) {
      for (const s of new Set([secret, ...secret.split(/\r?\n|\r/)].map(t => t.trim()))) {
        // A PEM's BEGIN and END lines are the same in every key: not secret, and in messages that name them.
        if (s.length < MIN_REDACTED_SECRET || s.startsWith('-----') || secrets.has(s)) continue
        secrets.add(s)
        for (let i = 0; i + MIN_REDACTED_PIECE <= s.length; i++) pieces.add(s.slice(i, i + MIN_REDACTED_PIECE))
      }
    },
    redact(text) {
      if (secrets.size === 0) return text
      const covered = new Uint8Array(text.length)
      for (const s of secrets) {
        for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) covered.fill(1, at, at + s.length)
      }
      for (let i = 0; i + MIN_REDACTED_PIECE <= text.length; i++) {
        if (pieces.has(text.slice(i, i + MIN_REDACTED_PIECE))) covered.fill(1, i, i + MIN_REDACTED_PIECE)
      }
      let out = ''
      for (let i = 0; i < text.length; i++) {
        if (!covered[i]) out += text[i]
        else if (i === 0 || !covered[i - 1]) out += '***'
      }
      return out
    }
  }
}

/**
 * A refused value, quoted only when short and printable: a long or odd value may be a secret pasted into
 * the wrong input, or a line crafted for the log.
 */
export function shown(value: string): string {
  return value.length <= 64 && isPrintable(value) ? `'${value}'` : `a value of ${value.length} characters (not shown)`
}

/**
 * Outside text quoted in a message (a URL, a host, a server's words): cut to `max` characters, with its
 * full length said, so no answer or variable can flood the log with one message.
 */
export function bounded(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters in all)`
}

/** A run of characters that may be a token, a key or a secret: long, and without spaces. */
const TOKEN_LIKE = /[A-Za-z0-9!._~+/=-]{24,}/g

/**
 * The start of a value we could not use, control characters shown, and token-like runs removed unless
 * it is a URL the answer gave (its host and path are long but not secret; the token is masked by now).
 */
export function excerpt(text: string, max: number, url = false): string {
  return cut(neutralize(url ? text : text.replace(TOKEN_LIKE, '[…]')).trim(), max)
}

/** Text cut to `max` characters, with an ellipsis where it was cut. */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * A server's own words, quoted in messages: an answer of any size is cut to `max` characters (and an ellipsis). A
 * token-like run that the cut would split is dropped whole: its start could be a piece of a secret too short for the
 * log's redaction to recognise.
 */
export function serverWords(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max).replace(/[A-Za-z0-9!._~+/=-]+$/, '')}…`
}

/** A value shown as text in a Markdown table cell: values come from inputs and servers, so no Markdown or HTML. */
export function markdownCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|]/g, '\\$&')
    .replace(/\r\n|\r|\n/g, ' ')
}

/** Characters XML 1.0 does not allow even as references (after neutralize: lone surrogates, U+FFFE, U+FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/**
 * A value as XML text that is also safe to log: it may come from a token nobody has verified, so it is made
 * harmless for the runner's command parser, bounded to `max` characters, and escaped.
 */
export function xmlText(value: string, max: number): string {
  const plain = neutralize(value).replace(NOT_XML, '\ufffd')
  const cut = [...plain].length > max ? `${[...plain].slice(0, max).join('')}…` : plain
  return cut.replace(/[&<>"']/g, c => XML_ESCAPES[c])
}
