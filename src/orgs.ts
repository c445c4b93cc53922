import { inputError } from './errors.js'
import { shown } from './text.js'

const ORG_ID = /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/

/**
 * Parses `allowed-org-ids` (comma- or newline-separated). Ids are compared on their case-sensitive
 * 15-character form, so the 15- and 18-character spellings of one org match each other.
 */
export function parseAllowedOrgIds(text: string): string[] {
  const ids = text
    .split(/[,\n]/)
    .map(s => s.trim())
    .filter(s => s !== '')
  for (const id of ids) {
    if (!ORG_ID.test(id)) {
      throw inputError(
        'allowed-org-ids',
        `holds ${shown(id)}, which is not a Salesforce org id`,
        'Org ids begin with 00D and have 15 or 18 letters and digits (Setup > Company Information).'
      )
    }
  }
  return ids
}

/** True when no list was given, or the org is on it. */
export function isOrgAllowed(orgId: string, allowed: string[]): boolean {
  return allowed.length === 0 || allowed.some(id => id.slice(0, 15) === orgId.slice(0, 15))
}
