import type { TrustClaims } from './flow.js'

export interface SummaryFacts {
  /** The user the flow asked for by name; absent when the org's trust rules chose (keyless). */
  username?: string
  userId: string
  orgId: string
  instanceUrl: string
  loginUrl: string
  /** The assertion's audience, or the audience asked of GitHub (keyless); absent where the flow has none. */
  audience?: string
  /** Whose token it is when no username names the user: e.g. the app's Run-As user (client credentials). */
  actsAs?: string
  certificateExpiresAt?: string
  /** Whose GitHub token was exchanged, for a keyless login. */
  keyless?: TrustClaims
}

/** A value shown as text in a table cell: values come from inputs and servers, so no Markdown or HTML. */
const cell = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|]/g, '\\$&')
    .replace(/\r\n|\r|\n/g, ' ')

/** Whose token it is, when the flow named no user. */
const whose = (f: SummaryFacts): string => f.actsAs ?? "chosen by the org's trust rules"

const user = (f: SummaryFacts): string =>
  f.username ? `${f.username}${f.userId ? ` (${f.userId})` : ''}` : `${f.userId || 'unknown'} (${whose(f)})`

/** The step summary as Markdown: who logged in where. Built from non-secret facts only, never the token. */
export function summaryMarkdown(f: SummaryFacts): string {
  const rows: [string, string][] = []
  if (f.keyless) {
    rows.push(
      ['Login', 'Keyless (GitHub OIDC token exchange)'],
      ['Repository', `${f.keyless.repository} (id ${f.keyless.repositoryId})`],
      ['Ref', f.keyless.ref],
      ['Environment', f.keyless.environment || '(none)']
    )
  }
  rows.push(['User', user(f)], ['Org id', f.orgId || 'unknown'], ['Instance URL', f.instanceUrl], ['Login URL', f.loginUrl])
  if (f.audience) rows.push([f.keyless ? 'OIDC audience' : 'Audience', f.audience])
  if (f.certificateExpiresAt) rows.push(['Certificate expires', f.certificateExpiresAt])
  return ['### Salesforce login', '', '| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), ''].join('\n')
}

/** The step's last log line: who is logged in, where, and (keyless) on whose behalf. */
export function authenticatedLine(f: SummaryFacts): string {
  const where = `to org ${f.orgId || 'unknown'} at ${f.instanceUrl}.`
  if (f.username) return `Authenticated as ${f.username} (user ${f.userId || 'unknown'}) ${where}`
  if (f.actsAs) return `Authenticated as user ${f.userId || 'unknown'}, ${f.actsAs}, ${where}`
  const why = f.keyless ? ` (chosen by the org's trust rules for ${f.keyless.repository} at ${f.keyless.ref})` : ''
  return `Authenticated without a key as user ${f.userId || 'unknown'}${why} ${where}`
}
