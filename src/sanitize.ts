/**
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
 * The secrets the action holds (everything it masks), so that a message quoting one (a server that echoes the
 * client secret or the ID token in its error text) is redacted at the logging edge, whether or not the runner's
 * masking catches it. Values under 8 characters are left to the runner: replacing them would garble words.
 */
export class Redactor {
  private secrets: string[] = []

  add(secret: string): void {
    if (secret.length >= 8 && !this.secrets.includes(secret)) {
      this.secrets = [...this.secrets, secret].sort((a, b) => b.length - a.length)
    }
  }

  apply(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('***'), text)
  }
}

/** A logger whose every message goes through `neutralize` (and the redactor), for `main` and `post` to log through. */
export function safeLogger(sink: Logger, redactor?: Redactor): Logger {
  const safe = (m: string): string => neutralize(redactor ? redactor.apply(m) : m)
  return {
    info: m => sink.info(safe(m)),
    warning: m => sink.warning(safe(m)),
    debug: m => sink.debug(safe(m))
  }
}
