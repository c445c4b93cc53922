export interface SummaryFacts {
  username: string
  userId: string
  orgId: string
  instanceUrl: string
  loginUrl: string
  audience: string
  certificateExpiresAt?: string
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, ' ')

/** The step summary as Markdown: who logged in where. Built from non-secret facts only, never the token. */
export function summaryMarkdown(f: SummaryFacts): string {
  const rows: [string, string][] = [
    ['User', `${f.username}${f.userId ? ` (${f.userId})` : ''}`],
    ['Org id', f.orgId || 'unknown'],
    ['Instance URL', f.instanceUrl],
    ['Login URL', f.loginUrl],
    ['Audience', f.audience]
  ]
  if (f.certificateExpiresAt) rows.push(['Certificate expires', f.certificateExpiresAt])
  return ['### Salesforce login', '', '| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), ''].join('\n')
}
