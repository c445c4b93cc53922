import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import { isOrgAllowed, parseAllowedOrgIds } from '../../src/orgs.js'

// Made-up ids in the shape Salesforce uses.
const ORG = '00D5g000004ABCDEAA'
const ORG15 = ORG.slice(0, 15)
const OTHER = '00D0b000000XyZ9UAK'
const THIRD15 = '00Dxx0000001gPL'

const refusal = (id: string): string =>
  `Input 'allowed-org-ids' holds '${id}', which is not a Salesforce org id. ` +
  'Org ids begin with 00D and have 15 or 18 letters and digits (Setup > Company Information).'

describe('parseAllowedOrgIds', () => {
  it.each([
    ['empty', '', []],
    ['only whitespace and separators', ' \n , \n\t,', []],
    ['one 18-character id', ORG, [ORG]],
    ['one 15-character id', ORG15, [ORG15]],
    ['comma-separated', `${ORG},${OTHER}`, [ORG, OTHER]],
    ['comma and space', `${ORG}, ${OTHER}, ${THIRD15}`, [ORG, OTHER, THIRD15]],
    ['spaces and tabs around each id', `  ${ORG}\t ,\t${OTHER}  `, [ORG, OTHER]],
    ['newline-separated (a YAML block scalar)', `${ORG}\n${OTHER}\n${THIRD15}\n`, [ORG, OTHER, THIRD15]],
    ['CRLF-separated', `${ORG}\r\n${OTHER}\r\n`, [ORG, OTHER]],
    ['commas and newlines mixed', `${ORG},\n${OTHER}\n,${THIRD15}`, [ORG, OTHER, THIRD15]],
    ['empty entries', `,,${ORG},,\n\n${OTHER},`, [ORG, OTHER]],
    ['15- and 18-character ids of one org, both kept', `${ORG15},${ORG}`, [ORG15, ORG]],
    ['lower-case letters after the 00D prefix', '00D5g000004abcdeaa', ['00D5g000004abcdeaa']]
  ])('%s', (_name, text, ids) => {
    expect(parseAllowedOrgIds(text)).toEqual(ids)
  })

  it.each([
    ['a 15-character user id', '005000000000001'],
    ['an 18-character user id', '0055g000003XYZWAA2'],
    ['an account id', '0015g00000ABCDEAAA'],
    ['a lower-case prefix', '00d5g000004ABCD'],
    ['14 characters', ORG.slice(0, 14)],
    ['16 characters', ORG.slice(0, 16)],
    ['17 characters', ORG.slice(0, 17)],
    ['19 characters', `${ORG}A`],
    ['a hyphen', '00D5g000004AB-D'],
    ['an underscore', '00D5g000004AB_DEAA'],
    ['a space inside', '00D5g000 004ABCD'],
    ['two ids separated by a space only', `${ORG} ${OTHER}`],
    ['two ids separated by a semicolon', `${ORG};${OTHER}`],
    ['a quoted id', `'${ORG}'`],
    ['an org name', 'Acme Production']
  ])('refuses %s, naming the input and the value', (_name, id) => {
    expect(() => parseAllowedOrgIds(id)).toThrow(ActionError)
    expect(() => parseAllowedOrgIds(id)).toThrow(new ActionError(refusal(id)))
  })

  it('names the first bad entry, trimmed, among good ones', () => {
    expect(() => parseAllowedOrgIds(`${ORG},  005000000000001 \n00D-bad,${OTHER}`)).toThrow(new ActionError(refusal('005000000000001')))
  })
})

describe('isOrgAllowed', () => {
  it.each([
    ['no list: any org', ORG, [], true],
    ['no list: even an unknown org', '', [], true],
    ['the same 18-character id', ORG, [ORG], true],
    ['an 18-character org id against a 15-character entry', ORG, [ORG15], true],
    ['a 15-character org id against an 18-character entry', ORG15, [ORG], true],
    ['the same 15-character id', ORG15, [ORG15], true],
    ['on the list in second place', ORG, [OTHER, ORG], true],
    ['the 18-character suffix in another case (it is case-insensitive)', ORG, ['00D5g000004ABCDeaa'], true],
    ['another org', ORG, [OTHER], false],
    ['another org, list of several', ORG, [OTHER, THIRD15], false],
    ['the first 15 characters in another case (another org)', ORG, ['00D5g000004abcdEAA'], false],
    ['one character different in the first 15', ORG, ['00D5g000004ABCFEAA'], false],
    ['an unknown org (empty id) against a list', '', [ORG], false],
    ['a 14-character prefix of an allowed id', ORG.slice(0, 14), [ORG], false]
  ])('%s -> %s', (_name, orgId, allowed, expected) => {
    expect(isOrgAllowed(orgId, allowed)).toBe(expected)
  })
})
