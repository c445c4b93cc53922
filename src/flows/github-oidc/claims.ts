import { parseJsonObject } from '../../http.js'
import { cut } from '../../text.js'

/**
 * The claims of GitHub's ID token that trust rules match on (`iss`, `repository`, `repository_id`,
 * `repository_owner_id`, `ref`, `ref_protected`, `job_workflow_ref`, `event_name`, `runner_environment`,
 * `environment`, `aud`), each as text ('' when missing); not secret, and what an admin needs to see.
 */
export interface TrustClaims {
  issuer: string
  repository: string
  repositoryId: string
  repositoryOwnerId: string
  ref: string
  /** The string "true" when the ref is protected. */
  refProtected: string
  jobWorkflowRef: string
  eventName: string
  runnerEnvironment: string
  /** Empty when the job has no environment. */
  environment: string
  audience: string
}

/** Longer than any trust rule field (Text, 255): a longer claim could never match, and is shown cut. */
const MAX_CLAIM = 255

/** A claim as the rules read it (a JSON string as is, an integer as its digits, else ''), bounded in length. */
const claimText = (v: unknown): string => {
  const text = typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) ? String(v) : ''
  return cut(text, MAX_CLAIM)
}

/** The claims trust rules match on, read (not verified: the org's handler verifies) from the ID token. */
export function trustClaims(idToken: string): TrustClaims {
  const claims = parseJsonObject(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) ?? {}
  return {
    issuer: claimText(claims.iss),
    repository: claimText(claims.repository),
    repositoryId: claimText(claims.repository_id),
    repositoryOwnerId: claimText(claims.repository_owner_id),
    ref: claimText(claims.ref),
    refProtected: claimText(claims.ref_protected),
    jobWorkflowRef: claimText(claims.job_workflow_ref),
    eventName: claimText(claims.event_name),
    runnerEnvironment: claimText(claims.runner_environment),
    environment: claimText(claims.environment),
    audience: claimText(claims.aud)
  }
}

/** One line with every claim the rules match on, for an admin to compare with a rule. */
export function describeClaims(c: TrustClaims): string {
  const v = (text: string): string => text || '(none)'
  return (
    `GitHub's OIDC token: issuer ${v(c.issuer)}, repository ${v(c.repository)}, repository id ${v(c.repositoryId)}, ` +
    `owner id ${v(c.repositoryOwnerId)}, ref ${v(c.ref)} (protected: ${v(c.refProtected)}), ` +
    `workflow ${v(c.jobWorkflowRef)}, event ${v(c.eventName)}, runner ${v(c.runnerEnvironment)}, ` +
    `environment ${v(c.environment)}, audience ${v(c.audience)}.`
  )
}
