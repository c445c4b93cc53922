// The fake org's copy of the Apex handler's trust rules (fake-token-exchange.mjs), checked against the spec.
// The handler's validation and refusals are tested in fake-token-exchange.test.ts.
import { describe, expect, it } from '@jest/globals'
import type { TrustRule } from '../../fakes/fake-salesforce.mjs'
import { ruleMatches } from '../../fakes/fake-token-exchange.mjs'

type Claims = Record<string, unknown>

const AUD = 'https://acme.my.salesforce.com'
const USERNAME = 'ci-bot@acme.example'

const RULE: TrustRule = {
  Repository_Owner_Id__c: '987654',
  Repository_Id__c: '123456789',
  Repository__c: 'acme/app',
  Ref__c: 'refs/heads/main',
  Environment__c: '',
  Audience__c: AUD,
  Username__c: USERNAME,
  Active__c: true
}
const CLAIMS: Claims = {
  iss: 'https://token.actions.githubusercontent.com',
  repository: 'acme/app',
  repository_id: '123456789',
  repository_owner_id: '987654',
  ref: 'refs/heads/main',
  event_name: 'push',
  aud: AUD
}

describe('ruleMatches', () => {
  it.each<[string, Partial<TrustRule> | Record<string, unknown>, Claims, boolean]>([
    ['the rule as written', {}, {}, true],
    // Owner id: required, exact (the full table of every field is the shared one, trust-rules-table.test.ts).
    ['another owner id', {}, { repository_owner_id: '987655' }, false],
    ['a rule without an owner id', { Repository_Owner_Id__c: undefined }, {}, false],
    ['no event_name claim', {}, { event_name: undefined }, false],
    // Repository id: required, exact.
    ['another repository id', {}, { repository_id: '123456780' }, false],
    ['a repository id the rule only starts', {}, { repository_id: '1234567890' }, false],
    ['a numeric repository id claim', {}, { repository_id: 123456789 }, true],
    ['no repository id claim', {}, { repository_id: undefined }, false],
    ['a rule with a blank repository id', { Repository_Id__c: '' }, {}, false],
    ['a rule with a whitespace repository id', { Repository_Id__c: '  ' }, {}, false],
    ['a rule without a repository id', { Repository_Id__c: undefined }, {}, false],
    ['a rule repository id with spaces around it', { Repository_Id__c: ' 123456789 ' }, {}, false],
    // Repository: case-insensitive when set, any when blank.
    ['the repository in other case', { Repository__c: 'ACME/App' }, {}, true],
    ['another repository name for the same id (renamed)', {}, { repository: 'acme/renamed' }, false],
    ['a rule without a repository name, any name', { Repository__c: '' }, { repository: 'acme/renamed' }, true],
    ['a rule with a whitespace repository name, any name', { Repository__c: '  ' }, { repository: 'acme/renamed' }, true],
    ['a rule repository name and no repository claim', {}, { repository: undefined }, false],
    // Ref: exact, or a filter pattern ('*' within one path segment, '**' across them).
    ['another branch', {}, { ref: 'refs/heads/main2' }, false],
    ['the branch in other case', {}, { ref: 'refs/heads/Main' }, false],
    ['no ref claim', {}, { ref: undefined }, false],
    ['no ref claim under a bare *', { Ref__c: '*' }, { ref: undefined }, false],
    ['the prefix further in, not at the start', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/heads/refs/tags/v1' }, false],
    ['a tag under a prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/tags/v1.2.0' }, true],
    ['the bare prefix under a prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/tags/v' }, true],
    ['another tag under a prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/tags/release-1' }, false],
    ['a branch under a tag prefix rule', { Ref__c: 'refs/tags/v*' }, { ref: 'refs/heads/v1' }, false],
    ['a branch under refs/heads/*', { Ref__c: 'refs/heads/*' }, { ref: 'refs/heads/feature' }, true],
    ['a nested branch under refs/heads/*: * does not cross /', { Ref__c: 'refs/heads/*' }, { ref: 'refs/heads/feature/x' }, false],
    ['a nested branch under refs/heads/**', { Ref__c: 'refs/heads/**' }, { ref: 'refs/heads/feature/x' }, true],
    ['any ref under **', { Ref__c: '**' }, { ref: 'refs/pull/1/merge' }, true],
    ['not every ref under a bare *', { Ref__c: '*' }, { ref: 'refs/pull/1/merge' }, false],
    ["a '*' inside a rule matches one segment", { Ref__c: 'refs/*/main' }, { ref: 'refs/heads/main' }, true],
    ["a '*' inside a rule matches itself too", { Ref__c: 'refs/*/main' }, { ref: 'refs/*/main' }, true],
    ["a '*' inside a rule does not cross /", { Ref__c: 'refs/*/main' }, { ref: 'refs/heads/x/main' }, false],
    // No Ref, Environment or Workflow Ref: the rule narrows nothing and never matches ('**' means every ref).
    ['a rule without a ref, environment or workflow: no ref matches', { Ref__c: '' }, { ref: 'refs/pull/1/merge' }, false],
    ['a rule with an undefined ref and nothing else: not even main', { Ref__c: undefined }, {}, false],
    ['a rule without a ref but with an environment', { Ref__c: '', Environment__c: 'production' }, { environment: 'production' }, true],
    [
      'a rule without a ref but with a workflow',
      { Ref__c: '', Workflow_Ref__c: 'acme/app/.github/workflows/d.yml@refs/heads/main' },
      { job_workflow_ref: 'acme/app/.github/workflows/d.yml@refs/heads/main' },
      true
    ],
    // Events: blank admits only push, workflow_dispatch, schedule, release; any other event only when listed.
    ...['workflow_dispatch', 'schedule', 'release'].map((event): [string, Record<string, unknown>, Claims, boolean] => [
      `blank Events and ${event}`,
      {},
      { event_name: event },
      true
    ]),
    ...['issue_comment', 'issues', 'watch', 'fork', 'discussion_comment', 'merge_group', 'pull_request_target', 'workflow_run'].map(
      (event): [string, Record<string, unknown>, Claims, boolean] => [`blank Events and ${event}`, {}, { event_name: event }, false]
    ),
    ['issue_comment when listed', { Events__c: 'push,issue_comment' }, { event_name: 'issue_comment' }, true],
    // Environment: exact when set (absent claim: no match), any when blank.
    ['a rule environment and the same environment', { Environment__c: 'production' }, { environment: 'production' }, true],
    ['a rule environment and another environment', { Environment__c: 'production' }, { environment: 'staging' }, false],
    ['a rule environment and the environment in other case', { Environment__c: 'production' }, { environment: 'Production' }, false],
    ['a rule environment and a job without one', { Environment__c: 'production' }, {}, false],
    ['a rule environment and an empty environment claim', { Environment__c: 'production' }, { environment: '' }, false],
    ['a rule without an environment and a job with one', { Environment__c: '' }, { environment: 'production' }, true],
    ['a rule without an environment and a job without one', { Environment__c: undefined }, {}, true],
    // Audience: required, exact.
    ['another audience', {}, { aud: 'https://other.my.salesforce.com' }, false],
    ['the audience with a trailing slash', {}, { aud: `${AUD}/` }, false],
    ['the audience in other case', {}, { aud: 'https://ACME.my.salesforce.com' }, false],
    ['no audience claim', {}, { aud: undefined }, false],
    ['a rule with a blank audience and no audience claim', { Audience__c: '' }, { aud: undefined }, false],
    ['a rule with a blank audience and an empty audience claim', { Audience__c: '' }, { aud: '' }, false],
    // Active and username.
    ['an inactive rule', { Active__c: false }, {}, false],
    ['a rule without Active', { Active__c: undefined }, {}, false],
    ['a rule with a blank username', { Username__c: '' }, {}, false],
    ['a rule with a whitespace username', { Username__c: ' ' }, {}, false],
    ['a rule without a username', { Username__c: undefined }, {}, false]
  ])('%s → %s', (_name, rule, claims, expected) => {
    expect(ruleMatches({ ...RULE, ...rule }, { ...CLAIMS, ...claims })).toBe(expected)
  })
})
