import { markdownCell } from './text.js'

/**
 * A login whose user the org chose from who is asking (keyless): what the summary and the last log line say
 * about it, and what to check when the org is not an allowed one.
 */
export interface ChosenUser {
  /** Rows shown first in the step summary: who asked. */
  rows: [string, string][]
  /** Who chose, in the summary's user cell: "chosen by …". */
  chosenBy: string
  /** The same with what it was chosen for, in the last log line. */
  chosenFor: string
  /** What else chose the org, for the refusal of an org that is not allowed. */
  alsoCheck: string
}

export interface SummaryFacts {
  /** The user the flow asked for by name; absent when something else chose the user. */
  username?: string
  userId: string
  orgId: string
  instanceUrl: string
  loginUrl: string
  /** The assertion's audience, or the audience asked of GitHub; absent where the flow has none. */
  audience?: string
  /** The audience row's name, when it is not 'Audience'. */
  audienceLabel?: string
  /** Whose token it is when no username names the user: e.g. the app's Run-As user (client credentials). */
  actsAs?: string
  /** Set when the org chose the user from who asked (keyless). */
  chosen?: ChosenUser
  certificateExpiresAt?: string
}

/** Whose token it is, when the flow named no user. */
const whose = (f: SummaryFacts): string => f.actsAs ?? f.chosen?.chosenBy ?? 'not named'

const user = (f: SummaryFacts): string =>
  f.username ? `${f.username}${f.userId ? ` (${f.userId})` : ''}` : `${f.userId || 'unknown'} (${whose(f)})`

/** The step summary as Markdown: who logged in where. Built from non-secret facts only, never the token. */
export function summaryMarkdown(f: SummaryFacts): string {
  const rows: [string, string][] = [...(f.chosen?.rows ?? [])]
  rows.push(['User', user(f)], ['Org id', f.orgId || 'unknown'], ['Instance URL', f.instanceUrl], ['Login URL', f.loginUrl])
  if (f.audience) rows.push([f.audienceLabel ?? 'Audience', f.audience])
  if (f.certificateExpiresAt) rows.push(['Certificate expires', f.certificateExpiresAt])
  return ['### Salesforce login', '', '| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${markdownCell(v)} |`), ''].join('\n')
}

/** The step's last log line: who is logged in, where, and on whose behalf when the org chose the user. */
export function authenticatedLine(f: SummaryFacts): string {
  const where = `to org ${f.orgId || 'unknown'} at ${f.instanceUrl}.`
  if (f.username) return `Authenticated as ${f.username} (user ${f.userId || 'unknown'}) ${where}`
  if (f.actsAs) return `Authenticated as user ${f.userId || 'unknown'}, ${f.actsAs}, ${where}`
  const why = f.chosen ? ` (${f.chosen.chosenFor})` : ''
  return `Authenticated without a key as user ${f.userId || 'unknown'}${why} ${where}`
}
