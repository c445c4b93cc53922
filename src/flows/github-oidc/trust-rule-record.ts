import type { TrustClaims } from './claims.js'
import { xmlText } from '../../text.js'

/** The issuer a rule means when its Issuer__c is blank (trust-spec: issuerOf). */
export const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com'
/** Never guessed: the admin names the integration user, and a refusal never names a configured one. */
export const USERNAME_PLACEHOLDER = 'REPLACE_WITH_INTEGRATION_USERNAME'

/** A GitHub_Trust_Rule__mdt record, ready for an admin to review, complete and deploy alone. */
export interface TrustRuleRecord {
  /** The record's DeveloperName. */
  name: string
  /** Its file in the once-per-org project `salesforce/org-setup/`, where trust rule records live. */
  path: string
  xml: string
  /** Deploys this record only, from that project: deploying all of it again can undo the handler's enablements. */
  deployCommand: string
}

/** The SFDX project of what is set up once per org (the handler, remote sites, trust rule records). */
const ORG_SETUP = 'salesforce/org-setup'

/** A rule field's Text length: a longer value cannot be stored, so it is shown cut. */
const MAX_VALUE = 255

/**
 * A DeveloperName from the repository and the environment (or the ref's short name): letters, digits and
 * single underscores, starting with a letter, at most 40 characters, as Salesforce requires.
 */
export function developerName(c: TrustClaims): string {
  const where = c.environment || c.ref.replace(/^refs\/(heads|tags)\//, '')
  const words = `${c.repository} ${where}`.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  const name = (/^[A-Za-z]/.test(words) ? words : `GitHub_${words}`).slice(0, 40).replace(/_+$/, '')
  return name === 'GitHub' ? 'GitHub_Rule' : name
}

/** The record of the trust-spec fields that would match exactly these claims, for the placeholder user. */
export function trustRuleRecord(c: TrustClaims): TrustRuleRecord {
  const name = developerName(c)
  const fields: [string, string, 'string' | 'boolean'][] = [
    ['Active__c', 'true', 'boolean'],
    ['Audience__c', c.audience, 'string'],
    ['Environment__c', c.environment, 'string'],
    ['Events__c', c.eventName, 'string'],
    ['Issuer__c', c.issuer === DEFAULT_ISSUER ? '' : c.issuer, 'string'],
    ['Ref__c', c.ref, 'string'],
    ['Repository_Id__c', c.repositoryId, 'string'],
    ['Repository_Owner_Id__c', c.repositoryOwnerId, 'string'],
    ['Repository__c', c.repository, 'string'],
    ['Require_Protected_Ref__c', String(c.refProtected === 'true'), 'boolean'],
    ['Runner_Environment__c', c.runnerEnvironment, 'string'],
    ['Username__c', USERNAME_PLACEHOLDER, 'string'],
    ['Workflow_Ref__c', c.jobWorkflowRef, 'string']
  ]
  const label = xmlText(`${c.repository || 'GitHub'} ${c.environment || c.ref}`.trim(), 40)
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    `    <label>${label}</label>`,
    '    <protected>false</protected>',
    ...fields
      .filter(([, value]) => value !== '')
      .flatMap(([field, value, type]) => [
        '    <values>',
        `        <field>${field}</field>`,
        `        <value xsi:type="xsd:${type}">${xmlText(value, MAX_VALUE)}</value>`,
        '    </values>'
      ]),
    '</CustomMetadata>',
    ''
  ].join('\n')
  return {
    name,
    path: `${ORG_SETUP}/force-app/main/default/customMetadata/GitHub_Trust_Rule.${name}.md-meta.xml`,
    xml,
    deployCommand: `(cd ${ORG_SETUP} && sf project deploy start --metadata "CustomMetadata:GitHub_Trust_Rule.${name}")`
  }
}

/** Events that run the base repository's ref on code that may come from a fork (trust-spec rule 7). */
const FORK_EVENTS = ['pull_request_target', 'workflow_run']
/** Events a rule with a blank Events__c admits: only people with write access can start them. */
const DEFAULT_EVENTS = ['push', 'workflow_dispatch', 'schedule', 'release']

/** A caution for an event a rule admits only because it lists it; none for the events admitted by default. */
function eventCaution(event: string): string[] {
  if (FORK_EVENTS.includes(event)) {
    return [`Caution: event ${event} runs the base repository's ref on code that may come from a fork; trust it only on purpose.`]
  }
  if (DEFAULT_EVENTS.includes(event)) return []
  return [
    `Caution: event ${event} is admitted only because this record lists it (a blank Events__c admits only ${DEFAULT_EVENTS.join(', ')}). ` +
      'On a public repository anyone can start some events (issue_comment, issues, discussion_comment, fork, watch), and ' +
      "they run the default branch's workflow: trust it only on purpose, and pin Workflow_Ref__c to a workflow that does only this."
  ]
}

/**
 * What the log shows when the org refuses the exchange: a record that would trust exactly this job, to
 * review and deploy alone. Plain lines (no ::group::), each value neutralized, bounded and escaped.
 */
export function trustRuleAdvice(c: TrustClaims): string[] {
  const record = trustRuleRecord(c)
  return [
    'If this job should log in, an admin can review this trust rule record, which matches exactly the claims above (read, not verified), ' +
      `set Username__c to the integration user (it holds ${USERNAME_PLACEHOLDER}), and save it as ${record.path}:`,
    ...record.xml.trimEnd().split('\n'),
    `Then deploy only that record: ${record.deployCommand}`,
    ...eventCaution(c.eventName)
  ]
}
