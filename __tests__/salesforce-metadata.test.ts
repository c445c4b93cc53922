// A deploy enforces lengths that no local tool checks (the CLI's convert, apex-ls and PMD all pass an over-long value),
// and one bad component rolls the whole deploy back. So every metadata file under salesforce/ is checked here against
// Salesforce's published limits: one table, each row naming the page the limit comes from, or saying that no page we
// could read confirms it. Also: every Apex class and project at API 65.0 or later, and every class declaring sharing.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { ROOT } from '../fakes/runner.mjs'

const SALESFORCE = join(ROOT, 'salesforce')
/** Auth.HttpCalloutMockUtil, which the tests use, has Apex Reference pages only from release 258.0 = API 65.0 on. */
const MIN_API_VERSION = 65

/** Every file under a folder, as paths relative to it. */
function files(folder: string, under = folder): string[] {
  return readdirSync(folder).flatMap(name => {
    const path = join(folder, name)
    if (name === 'node_modules' || name.startsWith('.')) return []
    return statSync(path).isDirectory() ? files(path, under) : [relative(under, path)]
  })
}

/** XML text to the characters Salesforce stores (the five predefined entities and numeric references). */
function unescapeXml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10))
    return named[ref] ?? whole
  })
}

/** The text of each top-level `<element>` of a metadata file (direct children of the root only). */
function elements(xml: string, element: string): string[] {
  const body = xml.replace(/^[\s\S]*?<\w+[^>]*xmlns[^>]*>/, '')
  return [...body.matchAll(new RegExp(`^ {4}<${element}>([\\s\\S]*?)</${element}>`, 'gm'))].map(m => unescapeXml(m[1]))
}

/** A limit Salesforce enforces on deploy, where it is published, and what of a file it applies to. */
interface Limit {
  /** The metadata type and property, as the Metadata API names them. */
  what: string
  max: number
  /** The page, or "not confirmed: …" when no Salesforce page we could read states it. */
  source: string
  /** Which files it applies to (path relative to salesforce/). */
  applies: RegExp
  /** The values it limits in one file. */
  values: (xml: string, path: string) => string[]
}

const PERMISSION_SET = /\.permissionset-meta\.xml$/
const OBJECT = /\/objects\/\w+\/\w+\.object-meta\.xml$/
const FIELD = /\/objects\/\w+\/fields\/\w+\.field-meta\.xml$/
const RECORD = /\/customMetadata\/\w+\.\w+\.md-meta\.xml$/
const HANDLER = /\.oauthtokenexchangehandler-meta\.xml$/
const STATIC_RESOURCE = /\.resource-meta\.xml$/

/** The file name before its first suffix: an API name. */
const stem = (path: string): string => basename(path).split('.')[0]

/** Salesforce's published limits, one row each. Lengths are in characters (UTF-16 code units, as Salesforce counts). */
export const LIMITS: Limit[] = [
  {
    what: 'PermissionSet description',
    max: 255,
    source: 'Object Reference and Tooling API, "PermissionSet", Description: "Limit: 255 characters"',
    applies: PERMISSION_SET,
    values: xml => elements(xml, 'description')
  },
  {
    what: 'PermissionSet label',
    max: 80,
    source: 'Field Reference, "PermissionSet": Label, string, length 80',
    applies: PERMISSION_SET,
    values: xml => elements(xml, 'label')
  },
  {
    what: 'PermissionSet name (file name)',
    max: 80,
    source: 'Field Reference, "PermissionSet": Name, string, length 80',
    applies: PERMISSION_SET,
    values: (_xml, path) => [stem(path)]
  },
  {
    what: 'CustomObject (custom metadata type) API name without __mdt',
    max: 40,
    source:
      'Salesforce Help knowledge article 000381913 ("The current character limit for creating field names and labels is 40 ' +
      'characters"; a 40-character custom object name plus __c); for __mdt types not confirmed separately',
    applies: OBJECT,
    values: (_xml, path) => [stem(path).replace(/__mdt$/, '')]
  },
  {
    what: 'CustomObject label and pluralLabel',
    max: 40,
    source: 'not confirmed: no Salesforce page we could read gives the object label limit; 40 as for field labels',
    applies: OBJECT,
    values: xml => [...elements(xml, 'label'), ...elements(xml, 'pluralLabel')]
  },
  {
    what: 'CustomField label',
    max: 40,
    source:
      'Salesforce Help knowledge article 000381913: "The current character limit for creating field names and labels is 40 characters"',
    applies: FIELD,
    values: xml => elements(xml, 'label')
  },
  {
    what: 'CustomField API name without __c',
    max: 40,
    source: 'Salesforce Help knowledge article 000381913 (as above)',
    applies: FIELD,
    values: (_xml, path) => [stem(path).replace(/__c$/, '')]
  },
  {
    what: 'CustomField description',
    max: 1000,
    source: 'not confirmed: 1000 is the commonly reported limit; the Metadata API "CustomField" page we read gives none',
    applies: FIELD,
    values: xml => elements(xml, 'description')
  },
  {
    what: 'CustomField inlineHelpText',
    max: 510,
    source: 'not confirmed: 510 is the commonly reported limit; the Metadata API "CustomField" page we read gives none',
    applies: FIELD,
    values: xml => elements(xml, 'inlineHelpText')
  },
  {
    what: 'CustomMetadata record label',
    max: 40,
    source: 'not confirmed: the Object Reference "Custom Metadata Type__mdt" page we read gives no length for Label/MasterLabel',
    applies: RECORD,
    values: xml => elements(xml, 'label')
  },
  {
    what: 'CustomMetadata record name (DeveloperName, file name)',
    max: 40,
    source: 'not confirmed: the Object Reference "Custom Metadata Type__mdt" page we read gives no length for DeveloperName',
    applies: RECORD,
    values: (_xml, path) => [basename(path).split('.')[1]]
  },
  {
    what: 'CustomMetadata record description',
    max: 1000,
    source: 'Metadata API Developer Guide, "CustomMetadata": description "can contain up to 1,000 characters"',
    applies: RECORD,
    values: xml => elements(xml, 'description')
  },
  {
    what: 'OauthTokenExchangeHandler description',
    max: 255,
    source: 'Field Reference, "OauthTokenExchangeHandler": Description, string, length 255',
    applies: HANDLER,
    values: xml => elements(xml, 'description')
  },
  {
    what: 'OauthTokenExchangeHandler masterLabel',
    max: 80,
    source: 'Field Reference, "OauthTokenExchangeHandler": MasterLabel, string, length 80',
    applies: HANDLER,
    values: xml => elements(xml, 'masterLabel')
  },
  {
    what: 'OauthTokenExchangeHandler developerName',
    max: 80,
    source: 'Field Reference, "OauthTokenExchangeHandler": DeveloperName, string, length 80',
    applies: HANDLER,
    values: xml => elements(xml, 'developerName')
  },
  {
    what: 'StaticResource description',
    max: 255,
    source: 'Object Reference, "StaticResource", Description: "Limit: 255 characters"',
    applies: STATIC_RESOURCE,
    values: xml => elements(xml, 'description')
  }
]

/** Metadata with no text limit to check: what it is, and why nothing is checked. */
const NO_TEXT_LIMITS: [RegExp, string][] = [
  [/\.cls-meta\.xml$/, 'ApexClass: apiVersion and status only (apiVersion checked below)'],
  [/\.remoteSite-meta\.xml$/, 'RemoteSiteSetting: no published length for description or url was found; not checked'],
  [/(^|\/)sfdx-project\.json$|project-scratch-def\.json$/, 'project configuration, not metadata'],
  [/\.(cls|json|md|xml)$/, 'source, data or docs: the lines above cover the metadata that describes them']
]

/** Every value over its limit in these files (path → XML), as readable lines. */
export function overLimit(sources: Record<string, string>): string[] {
  const found: string[] = []
  for (const [path, xml] of Object.entries(sources)) {
    for (const limit of LIMITS.filter(l => l.applies.test(`/${path}`))) {
      for (const value of limit.values(xml, path)) {
        if (value.length > limit.max) found.push(`${path}: ${limit.what} is ${value.length} characters; the limit is ${limit.max}`)
      }
    }
    for (const problem of recordValuesOverFieldLength(path, xml, sources)) found.push(problem)
  }
  return found
}

/** A custom metadata record's Text values against the <length> its type's field declares (Metadata API "CustomField"). */
function recordValuesOverFieldLength(path: string, xml: string, sources: Record<string, string>): string[] {
  if (!RECORD.test(`/${path}`)) return []
  const type = `${basename(path).split('.')[0]}__mdt`
  const problems: string[] = []
  for (const [, field, value] of xml.matchAll(/<field>(\w+)<\/field>\s*<value[^>]*>([^<]*)<\/value>/g)) {
    const definition = Object.entries(sources).find(([p]) => p.endsWith(`/objects/${type}/fields/${field}.field-meta.xml`))?.[1]
    const length = definition && /<type>Text<\/type>/.test(definition) ? Number(/<length>(\d+)<\/length>/.exec(definition)?.[1]) : NaN
    if (unescapeXml(value).length > length)
      problems.push(`${path}: ${field} is ${unescapeXml(value).length} characters; the field holds ${length}`)
  }
  return problems
}

const sources = (): Record<string, string> =>
  Object.fromEntries(files(SALESFORCE).map(path => [path, readFileSync(join(SALESFORCE, path), 'utf8')]))

describe("salesforce/ within Salesforce's published limits", () => {
  it('has no value longer than its limit', () => {
    expect(overLimit(sources())).toEqual([])
  })

  it('has a row or a stated reason for every file, and a source for every limit', () => {
    const uncovered = files(SALESFORCE).filter(
      path => !LIMITS.some(l => l.applies.test(`/${path}`)) && !NO_TEXT_LIMITS.some(([pattern]) => pattern.test(path))
    )
    expect(uncovered).toEqual([])
    for (const limit of LIMITS) expect(limit.source).toMatch(/^not confirmed: |"[^"]+"|article \d+/)
  })

  it('reports a planted over-long description, label, field help text, record name and record value', () => {
    const planted = sources()
    const edit = (suffix: string, from: RegExp, to: string): void => {
      const path = Object.keys(planted).find(p => p.endsWith(suffix))!
      expect(planted[path]).toMatch(from)
      planted[path] = planted[path].replace(from, to)
    }
    edit('GitHub_Actions_Keyless_Login.permissionset-meta.xml', /<description>[^<]*</, `<description>${'x'.repeat(255)}&amp;<`)
    edit('GitHubActionsTokenExchangeHandler.oauthtokenexchangehandler-meta.xml', /<masterLabel>[^<]*</, `<masterLabel>${'L'.repeat(81)}<`)
    edit('Events__c.field-meta.xml', /<inlineHelpText>[^<]*</, `<inlineHelpText>${'h'.repeat(511)}<`)
    edit('Ref__c.field-meta.xml', /<length>\d+</, '<length>10<')
    planted[`force-app/main/default/customMetadata/GitHub_Trust_Rule.${'N'.repeat(41)}.md-meta.xml`] =
      '<CustomMetadata>\n    <label>ok</label>\n    <values>\n        <field>Ref__c</field>\n' +
      '        <value xsi:type="xsd:string">refs/heads/main</value>\n    </values>\n</CustomMetadata>\n'

    const found = overLimit(planted)

    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /GitHub_Actions_Keyless_Login\.permissionset-meta\.xml: PermissionSet description is 256 characters; the limit is 255$/
        ),
        expect.stringMatching(/OauthTokenExchangeHandler masterLabel is 81 characters; the limit is 80$/),
        expect.stringMatching(/Events__c\.field-meta\.xml: CustomField inlineHelpText is 511 characters; the limit is 510$/),
        expect.stringMatching(/CustomMetadata record name \(DeveloperName, file name\) is 41 characters; the limit is 40$/),
        expect.stringMatching(/: Ref__c is 15 characters; the field holds 10$/)
      ])
    )
  })
})

describe('Apex API versions and sharing', () => {
  it(`saves every class at API ${MIN_API_VERSION}.0 or later`, () => {
    const classes = files(SALESFORCE).filter(path => path.endsWith('.cls-meta.xml'))
    expect(classes.length).toBeGreaterThan(0)
    const low = classes.filter(
      path => !(Number(elements(readFileSync(join(SALESFORCE, path), 'utf8'), 'apiVersion')[0]) >= MIN_API_VERSION)
    )
    expect(low).toEqual([])
  })

  it(`sets sourceApiVersion ${MIN_API_VERSION}.0 or later in every project`, () => {
    const projects = files(SALESFORCE).filter(path => basename(path) === 'sfdx-project.json')
    expect(projects.length).toBeGreaterThan(0)
    for (const path of projects) {
      const version = (JSON.parse(readFileSync(join(SALESFORCE, path), 'utf8')) as { sourceApiVersion?: string }).sourceApiVersion
      expect({ path, ok: Number(version) >= MIN_API_VERSION }).toEqual({ path, ok: true })
    }
  })

  it('declares sharing on every class, with a comment that says why', () => {
    const classes = files(SALESFORCE).filter(path => path.endsWith('.cls'))
    const missing = classes.filter(path => {
      const source = readFileSync(join(SALESFORCE, path), 'utf8')
      const declaration =
        /^(?:@\w+\s+)*(?:public|private|global)\s+(?:(?:abstract|virtual)\s+)?(with|without|inherited) sharing class\b/m.exec(source)
      return !declaration || !/[Ss]haring/.test(source.slice(0, declaration.index))
    })
    expect(missing).toEqual([])
  })
})
