// The one table of trust-rule cases (a static resource in salesforce/) run against the fake org's matcher.
// GitHubTrustRulesTest runs the same file against the Apex matcher on a real org, so the two provably agree;
// the checks below keep the table, the custom metadata fields and the Apex test tied together.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TrustRule } from '../fakes/fake-salesforce.mjs'
import { ROOT } from '../fakes/runner.mjs'
import {
  DEFAULT_ISSUER,
  ISSUER_FORMS,
  issuerOf,
  issuersOfActiveRules,
  matchingRules,
  patternMatches,
  ruleMatches
} from '../fakes/trust-rules.mjs'

const DEFAULT = join(ROOT, 'salesforce', 'force-app', 'main', 'default')
const RESOURCE = 'GitHubTrustRuleCases'
const FIELDS = join(DEFAULT, 'objects', 'GitHub_Trust_Rule__mdt', 'fields')
const APEX_TEST = join(DEFAULT, 'classes', 'GitHubTrustRulesTest.cls')
const APEX_MATCHER = join(DEFAULT, 'classes', 'GitHubTrustRules.cls')

interface Case {
  name: string
  rule: Partial<TrustRule> & { DeveloperName: string }
  claims: Record<string, unknown>
  matches: boolean
}
interface PatternCase {
  pattern: string
  value: string
  matches: boolean
}
const table = JSON.parse(readFileSync(join(DEFAULT, 'staticresources', `${RESOURCE}.json`), 'utf8')) as {
  cases: Case[]
  patterns: PatternCase[]
}

describe('the shared table, run against the fake org matcher', () => {
  it.each(table.cases.map(c => [c.name, c] as const))('%s', (_name, c) => {
    expect(ruleMatches(c.rule, c.claims)).toBe(c.matches)
    expect(matchingRules([c.rule], c.claims)).toEqual(c.matches ? [c.rule] : [])
  })

  it.each(table.patterns.map(p => [p.pattern, p.value, p.matches] as const))("pattern '%s' on '%s' → %s", (pattern, value, matches) => {
    expect(patternMatches(pattern, value)).toBe(matches)
  })
})

describe('the shared table itself', () => {
  it('is big enough to pin the spec down and names every case once (the Apex test reports cases by name)', () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(60)
    expect(table.patterns.length).toBeGreaterThanOrEqual(25)
    expect(new Set(table.cases.map(c => c.name)).size).toBe(table.cases.length)
    expect(new Set(table.cases.map(c => c.rule.DeveloperName)).size).toBe(table.cases.length)
  })

  it('has cases both ways for every rule field, and pattern cases both ways', () => {
    const fields = new Set(table.cases.flatMap(c => Object.keys(c.rule)))
    fields.delete('DeveloperName')
    for (const field of fields) {
      const outcomes = new Set(table.cases.filter(c => field in c.rule && c.rule[field as keyof TrustRule] !== '').map(c => c.matches))
      expect({ field, outcomes: [...outcomes].sort() }).toEqual({ field, outcomes: [false, true] })
    }
    expect(new Set(table.patterns.map(p => p.matches))).toEqual(new Set([true, false]))
  })

  it('uses exactly the fields of GitHub_Trust_Rule__mdt: an unknown one would fail JSON.deserialize in Apex', () => {
    const metadataFields = readdirSync(FIELDS)
      .map(f => f.replace(/\.field-meta\.xml$/, ''))
      .sort()
    const tableFields = [...new Set(table.cases.flatMap(c => Object.keys(c.rule)))].filter(f => f !== 'DeveloperName').sort()
    expect(tableFields).toEqual(metadataFields)
  })

  it('is the static resource the Apex test loads, deployable as JSON and private', () => {
    const apexTest = readFileSync(APEX_TEST, 'utf8')
    expect(apexTest).toContain(`[SELECT Body FROM StaticResource WHERE Name = '${RESOURCE}' LIMIT 1]`)
    const meta = readFileSync(join(DEFAULT, 'staticresources', `${RESOURCE}.resource-meta.xml`), 'utf8')
    expect(meta).toContain('<contentType>application/json</contentType>')
    expect(meta).toContain('<cacheControl>Private</cacheControl>')
  })

  it('drives an Apex matcher with the same issuer forms, default issuer and event separators as the fake', () => {
    const apex = readFileSync(APEX_MATCHER, 'utf8')
    const literals = (from: string): string[] =>
      [...from.matchAll(/Pattern\.compile\('((?:[^'\\]|\\.)*)'\)/g)].map(m => m[1].replace(/\\\\/g, '\\'))
    const forms = apex.split('ISSUER_FORMS = ')[1].split('};')[0]
    expect(literals(forms)).toEqual(ISSUER_FORMS.map(form => form.source.replace(/^\^|\$$/g, '').replace(/\\\//g, '/')))
    expect(apex).toContain(`DEFAULT_ISSUER = '${DEFAULT_ISSUER}'`)
    expect(apex).toContain("EVENT_SEPARATORS = '[ \\\\t\\\\r\\\\n,]+'")
    expect(apex).toContain("UNSUPPORTED_IN_PATTERN = '?+[]!\\\\'")
    expect(apex).toContain("SAFE_BY_DEFAULT = new Set<String>{ 'push', 'workflow_dispatch', 'schedule', 'release' }")
    expect(readFileSync(join(ROOT, 'fakes', 'trust-rules.mjs'), 'utf8')).toContain(
      "SAFE_BY_DEFAULT = ['push', 'workflow_dispatch', 'schedule', 'release']"
    )
  })

  it('drives an Apex matcher that stays pure: no SOQL, DML or callouts', () => {
    const apex = readFileSync(APEX_MATCHER, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    expect(apex).not.toMatch(
      /\[\s*SELECT|\b(insert|update|upsert|delete|merge)\s+\w|Database\.|HttpRequest|Http\(\)|getAll\(|Auth\.JWTUtil/i
    )
    expect(existsSync(`${APEX_MATCHER}-meta.xml`)).toBe(true)
  })
})

describe('issuers', () => {
  const rule = (extra: Partial<TrustRule>): Partial<TrustRule> => ({ Active__c: true, ...extra })

  it.each<[string, string | undefined, string | null]>([
    ['blank', '', DEFAULT_ISSUER],
    ['absent', undefined, DEFAULT_ISSUER],
    ['whitespace', '  ', DEFAULT_ISSUER],
    ['padded', ' https://token.actions.acme.ghe.com ', 'https://token.actions.acme.ghe.com'],
    ['an enterprise slug', `${DEFAULT_ISSUER}/Acme-Corp`, `${DEFAULT_ISSUER}/Acme-Corp`],
    ['GHES with a port', 'https://ghes.acme.example:8443/_services/token', 'https://ghes.acme.example:8443/_services/token'],
    ['a trailing slash', `${DEFAULT_ISSUER}/`, null],
    ['GHE.com with two subdomains that differ', 'https://token.actions.acme.ghe.com/acme2', null],
    ['a URL that only starts like GitHub', 'https://token.actions.githubusercontent.com.evil.example', null],
    ['a userinfo trick', 'https://token.actions.githubusercontent.com@evil.example/_services/token', null]
  ])('issuerOf: %s', (_name, issuer, expected) => {
    expect(issuerOf(rule({ Issuer__c: issuer }))).toBe(expected)
  })

  it('issuersOfActiveRules: the valid issuers of active rules only, each once', () => {
    const ghes = 'https://ghes.acme.example/_services/token'
    const rules = [
      rule({}),
      rule({ Issuer__c: DEFAULT_ISSUER }),
      rule({ Issuer__c: ghes }),
      rule({ Issuer__c: 'https://inactive.example/_services/token', Active__c: false }),
      rule({ Issuer__c: 'http://evil.example/_services/token' })
    ]
    expect(issuersOfActiveRules(rules)).toEqual(new Set([DEFAULT_ISSUER, ghes]))
    expect(issuersOfActiveRules([])).toEqual(new Set())
  })
})
