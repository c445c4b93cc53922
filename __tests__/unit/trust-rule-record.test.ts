import { describe, expect, it } from '@jest/globals'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { TrustClaims } from '../../src/flows/github-oidc/claims.js'
import { developerName, trustRuleAdvice, trustRuleRecord, USERNAME_PLACEHOLDER } from '../../src/flows/github-oidc/trust-rule-record.js'
import { xmlText } from '../../src/text.js'
import { forgedCommands, ROOT } from '../../fakes/runner.mjs'

const CLAIMS: TrustClaims = {
  issuer: 'https://token.actions.githubusercontent.com',
  repository: 'acme/app',
  repositoryId: '123456789',
  repositoryOwnerId: '987654',
  ref: 'refs/heads/main',
  refProtected: 'true',
  jobWorkflowRef: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
  eventName: 'push',
  runnerEnvironment: 'github-hosted',
  environment: '',
  audience: 'https://acme.my.salesforce.com'
}

/** The record's fields as { name: [type, text] }, read back from its XML. */
function fieldsOf(xml: string): Record<string, [string, string]> {
  const found: Record<string, [string, string]> = {}
  for (const m of xml.matchAll(/<values>\s*<field>([^<]*)<\/field>\s*<value xsi:type="xsd:(\w+)">([^<]*)<\/value>\s*<\/values>/g)) {
    found[m[1]] = [m[2], m[3]]
  }
  return found
}

/** Well-formed enough for metadata: balanced tags, and text with no raw `<` or stray `&`, no control characters. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '')
  const stack: string[] = []
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:]*)[^>]*?(\/?)>|([^<]+)/g)) {
    if (m[4] !== undefined) {
      // eslint-disable-next-line no-control-regex -- control characters make XML 1.0 invalid
      if (/&(?!(amp|lt|gt|quot|apos);)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|>/.test(m[4])) return false
      if (/[\ud800-\udfff]/.test(m[4].replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return false
    } else if (m[1]) {
      if (stack.pop() !== m[2]) return false
    } else if (!m[3]) stack.push(m[2])
  }
  return stack.length === 0
}

describe('trustRuleRecord', () => {
  it('fills every field of the trust rules from the claims, the user as a placeholder', () => {
    const record = trustRuleRecord(CLAIMS)
    expect(record.name).toBe('acme_app_main')
    expect(record.path).toBe('salesforce/org-setup/force-app/main/default/customMetadata/GitHub_Trust_Rule.acme_app_main.md-meta.xml')
    expect(record.deployCommand).toBe(
      '(cd salesforce/org-setup && sf project deploy start --metadata "CustomMetadata:GitHub_Trust_Rule.acme_app_main")'
    )
    expect(wellFormed(record.xml)).toBe(true)
    expect(record.xml).toContain('    <label>acme/app refs/heads/main</label>\n    <protected>false</protected>')
    expect(fieldsOf(record.xml)).toEqual({
      Active__c: ['boolean', 'true'],
      Audience__c: ['string', 'https://acme.my.salesforce.com'],
      Events__c: ['string', 'push'],
      Ref__c: ['string', 'refs/heads/main'],
      Repository_Id__c: ['string', '123456789'],
      Repository_Owner_Id__c: ['string', '987654'],
      Repository__c: ['string', 'acme/app'],
      Require_Protected_Ref__c: ['boolean', 'true'],
      Runner_Environment__c: ['string', 'github-hosted'],
      Username__c: ['string', USERNAME_PLACEHOLDER],
      Workflow_Ref__c: ['string', 'acme/app/.github/workflows/deploy.yml@refs/heads/main']
    })
  })

  it.each<[string, Partial<TrustClaims>, Record<string, [string, string] | undefined>]>([
    ['an environment', { environment: 'production' }, { Environment__c: ['string', 'production'] }],
    ['no environment: the field is left out (blank)', { environment: '' }, { Environment__c: undefined }],
    ['the default issuer: Issuer__c left blank', {}, { Issuer__c: undefined }],
    [
      "an enterprise's issuer",
      { issuer: 'https://token.actions.githubusercontent.com/acme' },
      { Issuer__c: ['string', 'https://token.actions.githubusercontent.com/acme'] }
    ],
    [
      'a GHES issuer',
      { issuer: 'https://ghe.acme.example/_services/token' },
      { Issuer__c: ['string', 'https://ghe.acme.example/_services/token'] }
    ],
    ['an unprotected ref', { refProtected: 'false' }, { Require_Protected_Ref__c: ['boolean', 'false'] }],
    ['no ref_protected claim', { refProtected: '' }, { Require_Protected_Ref__c: ['boolean', 'false'] }],
    ['ref_protected other than "true"', { refProtected: 'TRUE' }, { Require_Protected_Ref__c: ['boolean', 'false'] }],
    ['a self-hosted runner', { runnerEnvironment: 'self-hosted' }, { Runner_Environment__c: ['string', 'self-hosted'] }],
    ['a workflow_dispatch event', { eventName: 'workflow_dispatch' }, { Events__c: ['string', 'workflow_dispatch'] }],
    ['no owner id claim', { repositoryOwnerId: '' }, { Repository_Owner_Id__c: undefined }],
    ['XML specials in a claim, escaped', { environment: `a&b<c>"d'` }, { Environment__c: ['string', 'a&amp;b&lt;c&gt;&quot;d&apos;'] }]
  ])('%s', (_name, change, expected) => {
    const record = trustRuleRecord({ ...CLAIMS, ...change })
    expect(wellFormed(record.xml)).toBe(true)
    const fields = fieldsOf(record.xml)
    for (const [field, value] of Object.entries(expected)) expect(fields[field]).toEqual(value)
    expect(fields.Username__c).toEqual(['string', USERNAME_PLACEHOLDER])
    expect(fields.Active__c).toEqual(['boolean', 'true'])
  })

  it.each([
    ['a line break and a command', `prod\n::warning::FORGED`],
    ['the legacy form', 'x ##[error]FORGED'],
    ['a CDATA end and a comment', ']]><!-- x --><values>'],
    ['a lone surrogate and U+FFFF', 'a\ud800b\uffff'],
    ['a NUL and ESC', 'a\u0000b\u001b[31m'],
    ['a huge value', 'x'.repeat(10_000)]
  ])('a hostile claim (%s) stays data: valid XML, one line, bounded, no command', (_name, value) => {
    const record = trustRuleRecord({ ...CLAIMS, environment: value, jobWorkflowRef: value, repository: value })
    expect(wellFormed(record.xml)).toBe(true)
    expect(/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(record.name) && !record.name.endsWith('_')).toBe(true)
    for (const line of trustRuleAdvice({ ...CLAIMS, environment: value })) {
      expect(forgedCommands({ stdout: `${line}\n`, stderr: '' })).toEqual([])
      expect(line.length).toBeLessThan(600)
    }
    expect(Object.keys(fieldsOf(record.xml))).toContain('Environment__c')
  })
})

describe('developerName: what Salesforce allows (a letter first, letters, digits, single underscores, 40 at most)', () => {
  it.each<[Partial<TrustClaims>, string]>([
    [{}, 'acme_app_main'],
    [{ environment: 'production' }, 'acme_app_production'],
    [{ ref: 'refs/tags/v1.2.0' }, 'acme_app_v1_2_0'],
    [{ repository: 'Acme-Corp/my.app', ref: 'refs/heads/release/2026' }, 'Acme_Corp_my_app_release_2026'],
    [{ repository: '0rg/app' }, 'GitHub_0rg_app_main'],
    [{ repository: '', ref: '' }, 'GitHub_Rule'],
    [{ repository: 'a'.repeat(30), ref: 'refs/heads/b_branch' }, `${'a'.repeat(30)}_b_branch`],
    [{ repository: 'a'.repeat(39), ref: 'refs/heads/b' }, 'a'.repeat(39)],
    [{ repository: '__x__', ref: '--' }, 'x']
  ])('%j gives %s', (change, name) => {
    expect(developerName({ ...CLAIMS, ...change })).toBe(name)
  })
})

describe('xmlText', () => {
  it.each([
    ['plain', 'refs/heads/main', 'refs/heads/main'],
    ['escapes', `<&>"'`, '&lt;&amp;&gt;&quot;&apos;'],
    ['control characters shown by name', 'a\nb\tc', 'a\\nb\\tc'],
    ['bounded to 255 characters and marked', 'y'.repeat(300), `${'y'.repeat(255)}…`]
  ])('%s', (_, value, expected) => {
    expect(xmlText(value, 255)).toBe(expected)
  })
})

describe('trustRuleAdvice', () => {
  it('names the file, the record and the one command that deploys only it', () => {
    const lines = trustRuleAdvice(CLAIMS)
    expect(lines[0]).toContain('set Username__c to the integration user')
    expect(lines[0]).toContain('salesforce/org-setup/force-app/main/default/customMetadata/GitHub_Trust_Rule.acme_app_main.md-meta.xml')
    expect(lines.slice(1, -1).join('\n')).toBe(trustRuleRecord(CLAIMS).xml.trimEnd())
    expect(lines.at(-1)).toBe(
      'Then deploy only that record: (cd salesforce/org-setup && sf project deploy start --metadata "CustomMetadata:GitHub_Trust_Rule.acme_app_main")'
    )
  })

  it.each(['pull_request_target', 'workflow_run'])('cautions about %s, which runs code that may come from a fork', event => {
    expect(trustRuleAdvice({ ...CLAIMS, eventName: event }).at(-1)).toMatch(new RegExp(`^Caution: event ${event} runs the base`))
  })

  it.each(['issue_comment', 'issues', 'discussion_comment', 'fork', 'watch', 'merge_group', 'pull_request'])(
    'cautions that %s is admitted only because the record lists it',
    event => {
      const last = trustRuleAdvice({ ...CLAIMS, eventName: event }).at(-1)
      expect(last).toMatch(new RegExp(`^Caution: event ${event} is admitted only because this record lists it`))
      expect(last).toContain('pin Workflow_Ref__c')
    }
  )

  it.each(['push', 'workflow_dispatch', 'schedule', 'release'])('adds no caution for %s, which a blank Events__c admits', event => {
    expect(trustRuleAdvice({ ...CLAIMS, eventName: event }).at(-1)).toMatch(/^Then deploy only that record/)
  })
})

// The six new fields come from the "rules" branch (trust-spec.md): this passes once both are merged.
describe('the record matches the custom metadata type in salesforce/', () => {
  it('every field it fills exists in objects/GitHub_Trust_Rule__mdt/fields', () => {
    const dir = join(ROOT, 'salesforce/force-app/main/default/objects/GitHub_Trust_Rule__mdt/fields')
    const defined = readdirSync(dir).map(f => f.replace(/\.field-meta\.xml$/, ''))
    const filled = Object.keys(
      fieldsOf(trustRuleRecord({ ...CLAIMS, environment: 'prod', issuer: 'https://ghe.acme.example/_services/token' }).xml)
    )
    expect(filled.filter(f => !defined.includes(f))).toEqual([])
  })
})
