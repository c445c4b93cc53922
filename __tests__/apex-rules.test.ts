// Keeps the Apex in salesforce/ deployable to production: no Apex test may do DML outside @TestSetup (directly or
// through a helper), because DML followed by a callout, even a mocked one, fails on a real org ("You have
// uncommitted work pending"); and a production class that calls out does no DML. Checked statically, offline.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { apexMethods, dmlBreaches, hasDml, stripApex } from './support/apex-dml.js'
import { apexFiles } from './support/apex-tools.js'
import { ROOT } from '../fakes/runner.mjs'

const CLASSES = join(ROOT, 'salesforce', 'force-app', 'main', 'default', 'classes')
const sources = (): Record<string, string> =>
  Object.fromEntries(apexFiles(CLASSES).map(file => [basename(file, '.cls'), readFileSync(file, 'utf8')]))

describe('hasDml', () => {
  it.each<[string, boolean]>([
    ['insert runAs;', true],
    ['insert new PermissionSetAssignment(AssigneeId = u.Id);', true],
    ['update integration;', true],
    ['  delete [SELECT Id FROM Account];', true],
    ['upsert records External_Id__c;', true],
    ['Database.insert(users, false);', true],
    ['Database.updateAsync(users);', true],
    ['undelete rows;', true],
    ['merge master duplicate;', true],
    ["String s = '';", false],
    ['List<User> u = [SELECT Id FROM User FOR UPDATE];', false],
    ['inserted = true;', false],
    ['Integer updates = 1;', false],
    ["payload.remove('exp');", false]
  ])('%s → %s', (code, expected) => {
    expect(hasDml(code)).toBe(expected)
  })
})

describe('stripApex', () => {
  it('empties strings and drops comments, so their words are not code', () => {
    expect(stripApex("String a = 'insert x;'; // update y;\n/* delete z; */ insert w;")).toBe("String a = '';  \n  insert w;")
  })
})

describe('apexMethods', () => {
  it('finds methods with their annotations, inner classes too, not control blocks', () => {
    const source = `@IsTest private class T {
      private class Mock implements HttpCalloutMock { public HttpResponse respond(HttpRequest r) { return null; } }
      @TestSetup static void make() { insert new User(); }
      @IsTest static void runs() { System.runAs(u()) { if (true) { Test.startTest(); } } }
      static User u() { return null; }
    }`
    expect(apexMethods(source, 'T').map(m => [m.name, m.header])).toEqual([
      ['respond', 'public httpresponse respond(httprequest r)'],
      ['make', '@testsetup static void make()'],
      ['runs', '@istest static void runs()'],
      ['u', 'static user u()']
    ])
  })
})

describe('the Apex in salesforce/', () => {
  it('does DML only in @TestSetup (test classes) and never before a callout (production classes)', () => {
    expect(dmlBreaches(sources())).toEqual([])
  })

  it('finds a planted insert in a test method, and one behind a helper of another class', () => {
    const planted = sources()
    const test = planted.GitHubActionsTokenExchangeHandlerTest
    const anchors = [
      '    static void refusesOtherTokenTypesWithoutACallout() {\n',
      '    static void aBadTokenCostsAtMostOneExtraFetch() {\n'
    ]
    for (const anchor of anchors) expect(test).toContain(anchor)
    planted.GitHubActionsTokenExchangeHandlerTest = test
      .replace(anchors[0], `${anchors[0]}        insert new Account(Name = 'planted');\n`)
      .replace(anchors[1], `${anchors[1]}        GitHubKeylessTestUsers.createIntegrationUser('planted', null);\n`)

    expect(dmlBreaches(planted)).toEqual([
      'GitHubActionsTokenExchangeHandlerTest.refusesOtherTokenTypesWithoutACallout: does DML; DML belongs in @TestSetup',
      'GitHubActionsTokenExchangeHandlerTest.aBadTokenCostsAtMostOneExtraFetch: does DML through GitHubKeylessTestUsers.createIntegrationUser; DML belongs in @TestSetup'
    ])
  })

  it('finds DML planted in the handler, which calls out, and every test that reaches it', () => {
    const planted = sources()
    const anchor = '    private static List<GitHub_Trust_Rule__mdt> rules() {\n'
    expect(planted.GitHubActionsTokenExchangeHandler).toContain(anchor)
    planted.GitHubActionsTokenExchangeHandler = planted.GitHubActionsTokenExchangeHandler.replace(
      anchor,
      `${anchor}        update new User(Id = UserInfo.getUserId());\n`
    )

    const breaches = dmlBreaches(planted)

    expect(breaches).toContain('GitHubActionsTokenExchangeHandler: calls out and does DML; a callout after DML in one transaction fails')
    expect(breaches).toContain(
      'GitHubActionsTokenExchangeHandlerTest.acceptsATokenOneRuleTrustsAndReturnsThatExistingUser: does DML through GitHubActionsTokenExchangeHandler.rules; DML belongs in @TestSetup'
    )
  })
})
