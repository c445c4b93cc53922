// The fake org's copy of the Apex GitHubTrustRules matcher (salesforce/.../classes/GitHubTrustRules.cls): which
// GitHub_Trust_Rule__mdt records match a token's verified claims. Pure, and written to mean exactly what the Apex
// means; both run the same table of cases (staticresources/GitHubTrustRuleCases.json), so they cannot drift apart.

/**
 * A GitHub Trust Rule record (GitHub_Trust_Rule__mdt), with the custom metadata type's field names.
 * @typedef {object} TrustRule
 * @property {string} [DeveloperName] the record's API name: refusals name the rule, never its user
 * @property {string} Repository_Owner_Id__c
 * @property {string} Repository_Id__c
 * @property {string} [Repository__c]
 * @property {string} [Ref__c]
 * @property {string} [Workflow_Ref__c]
 * @property {string} [Environment__c]
 * @property {string} [Events__c]
 * @property {string} [Runner_Environment__c]
 * @property {boolean} [Require_Protected_Ref__c]
 * @property {string} [Issuer__c]
 * @property {string} Audience__c
 * @property {string} Username__c
 * @property {boolean} Active__c
 */

export const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com'

/** The issuer forms GitHub uses (github.com, its per-enterprise form, GHE.com and its per-enterprise form, GHES). */
export const ISSUER_FORMS = [
  /^https:\/\/token\.actions\.githubusercontent\.com(\/[A-Za-z0-9][A-Za-z0-9-]*)?$/,
  /^https:\/\/token\.actions\.([a-z0-9][a-z0-9-]*)\.ghe\.com(\/\1)?$/,
  /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/_services\/token$/
]
const UNSUPPORTED_IN_PATTERN = /[?+[\]!\\]/
const EVENT_SEPARATORS = /[ \t\r\n,]+/
/** The events a blank Events__c admits: only those that need write access to start (GitHub Docs, "Events that trigger workflows"). */
const SAFE_BY_DEFAULT = ['push', 'workflow_dispatch', 'schedule', 'release']
const RUNNER_ENVIRONMENTS = ['github-hosted', 'self-hosted']

/** Apex's String.trim(): strips characters up to U+0020 at both ends (JavaScript's trim strips other ones). */
function trim(s) {
  let [start, end] = [0, s.length]
  while (start < end && s.charCodeAt(start) <= 0x20) start++
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--
  return s.slice(start, end)
}
/** Java's whitespace (Apex's String.isBlank), its ASCII part: tab, line feed, VT, form feed, CR, U+001C-U+001F, space. */
const WHITESPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20])
/** Apex's String.isBlank for a field value; anything that is not text counts as blank. */
const blank = v => typeof v !== 'string' || [...v].every(ch => WHITESPACE.has(ch.charCodeAt(0)))
/**
 * A claim read as text: a JSON string as is, a JSON integer as its digits, anything else (array, boolean, absent) ''.
 * (JSON.parse cannot tell 1.0 from 1, Apex can: GitHub sends ids as strings, so the table avoids such numbers.)
 */
const text = v => (typeof v === 'string' ? v : Number.isSafeInteger(v) ? String(v) : '')
/** Apex's String.equalsIgnoreCase (Java's rule, one UTF-16 unit at a time), not toLowerCase() on whole strings. */
function equalsIgnoreCase(a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]]
    if (x !== y && x.toUpperCase() !== y.toUpperCase() && x.toUpperCase().toLowerCase() !== y.toUpperCase().toLowerCase()) return false
  }
  return true
}

/**
 * The issuer a rule trusts (blank: github.com's), or null when it has none of GitHub's forms: such a rule matches nothing.
 * @param {Partial<TrustRule>} rule
 * @returns {string | null}
 */
export function issuerOf(rule) {
  if (!rule) return null
  const issuer = blank(rule.Issuer__c) ? DEFAULT_ISSUER : trim(rule.Issuer__c)
  return ISSUER_FORMS.some(form => form.test(issuer)) ? issuer : null
}

/**
 * GitHub's filter-pattern meaning, the subset supported: `**` any run of characters, `*` any run without `/`, every
 * other character itself, over the whole value. Unsupported characters (`? + [ ] ! \`) match nothing (fail closed).
 * A walk over the set of value positions each pattern step can reach, so no pattern can make it slow.
 * @param {string} pattern
 * @param {string} value
 * @returns {boolean}
 */
export function patternMatches(pattern, value) {
  if (typeof pattern !== 'string' || typeof value !== 'string' || UNSUPPORTED_IN_PATTERN.test(pattern)) return false
  let reached = Array.from({ length: value.length + 1 }, (_, i) => i === 0)
  let p = 0
  while (p < pattern.length) {
    if (pattern[p] === '*') {
      const crossesSlash = pattern[p + 1] === '*'
      reached = afterStar(reached, value, crossesSlash)
      p += crossesSlash ? 2 : 1
    } else {
      reached = afterCharacter(reached, value, pattern[p])
      p++
    }
  }
  return reached[value.length]
}

/** Where a `*` (or `**`) can end: any later position, without passing a `/` unless it crosses slashes. */
function afterStar(reached, value, crossesSlash) {
  let open = false
  return reached.map((here, i) => (open = (open && (crossesSlash || value[i - 1] !== '/')) || here))
}

/** Where one literal character can end: one position on, if the value has that character there. */
function afterCharacter(reached, value, character) {
  return reached.map((_, i) => i > 0 && reached[i - 1] && value[i - 1] === character)
}

/** A set pattern never matches a missing or empty claim; a blank one matches anything. */
const patternAllows = (pattern, claim) => blank(pattern) || (text(claim) !== '' && patternMatches(pattern, text(claim)))

function eventAllowed(events, claim) {
  const event = text(claim)
  if (event === '') return false
  if (blank(events)) return SAFE_BY_DEFAULT.includes(event)
  return events.split(EVENT_SEPARATORS).includes(event)
}

/**
 * Whether one GitHub_Trust_Rule__mdt record (metadata field names) admits a token with these verified claims.
 * @param {Partial<TrustRule>} rule
 * @param {Record<string, unknown>} claims
 * @returns {boolean}
 */
export function ruleMatches(rule, claims) {
  return narrows(rule) && matchesIgnoringNarrowing(rule, claims)
}

/**
 * Whether a rule names at least one of Ref__c, Environment__c, Workflow_Ref__c: one that names none never matches
 * (it would admit every ref anyone with write access pushes); `**` in Ref__c means every ref.
 * @param {Partial<TrustRule> | null | undefined} rule
 * @returns {boolean}
 */
export function narrows(rule) {
  return Boolean(rule) && !(blank(rule.Ref__c) && blank(rule.Environment__c) && blank(rule.Workflow_Ref__c))
}

/**
 * The DeveloperNames, sorted, of the rules that would admit the claims but for naming none of the three: what a
 * refusal names.
 * @param {Partial<TrustRule>[]} rules
 * @param {Record<string, unknown>} claims
 * @returns {string[]}
 */
export function unnarrowedMatches(rules, claims) {
  return (rules ?? [])
    .filter(rule => rule && !narrows(rule) && matchesIgnoringNarrowing(rule, claims))
    .map(rule => String(rule.DeveloperName ?? ''))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Every condition of the spec but the narrowing one.
 * @param {Partial<TrustRule> | null | undefined} rule
 * @param {Record<string, unknown>} claims
 * @returns {boolean}
 */
function matchesIgnoringNarrowing(rule, claims) {
  if (!rule || !claims || rule.Active__c !== true) return false
  if ([rule.Repository_Owner_Id__c, rule.Repository_Id__c, rule.Audience__c, rule.Username__c].some(blank)) return false
  const issuer = issuerOf(rule)
  return (
    issuer !== null &&
    text(claims.iss) === issuer &&
    text(claims.repository_owner_id) === rule.Repository_Owner_Id__c &&
    text(claims.repository_id) === rule.Repository_Id__c &&
    (blank(rule.Repository__c) || equalsIgnoreCase(rule.Repository__c, text(claims.repository))) &&
    patternAllows(rule.Ref__c, claims.ref) &&
    patternAllows(rule.Workflow_Ref__c, claims.job_workflow_ref) &&
    (blank(rule.Environment__c) || rule.Environment__c === text(claims.environment)) &&
    eventAllowed(rule.Events__c, claims.event_name) &&
    (blank(rule.Runner_Environment__c) ||
      (RUNNER_ENVIRONMENTS.includes(rule.Runner_Environment__c) && rule.Runner_Environment__c === text(claims.runner_environment))) &&
    (rule.Require_Protected_Ref__c !== true || claims.ref_protected === 'true') &&
    typeof claims.aud === 'string' &&
    rule.Audience__c === claims.aud
  )
}

/**
 * The rules, in order, that match the claims.
 * @template {Partial<TrustRule>} R
 * @param {R[]} rules
 * @param {Record<string, unknown>} claims
 * @returns {R[]}
 */
export function matchingRules(rules, claims) {
  return (rules ?? []).filter(rule => ruleMatches(rule, claims))
}

/**
 * The valid issuers of the active rules: the only issuers whose keys may ever be fetched.
 * @param {Partial<TrustRule>[]} rules
 * @returns {Set<string>}
 */
export function issuersOfActiveRules(rules) {
  const issuers = new Set()
  for (const rule of rules ?? []) {
    const issuer = rule?.Active__c === true ? issuerOf(rule) : null
    if (issuer !== null) issuers.add(issuer)
  }
  return issuers
}
