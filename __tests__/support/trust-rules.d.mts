import type { TrustRule } from './fake-salesforce.mjs'

export const DEFAULT_ISSUER: string
export const ISSUER_FORMS: RegExp[]
export function issuerOf(rule: Partial<TrustRule>): string | null
export function patternMatches(pattern: string, value: string): boolean
export function ruleMatches(rule: Partial<TrustRule>, claims: Record<string, unknown>): boolean
export function matchingRules<R extends Partial<TrustRule>>(rules: R[], claims: Record<string, unknown>): R[]
export function issuersOfActiveRules(rules: Partial<TrustRule>[]): Set<string>
export function narrows(rule: Partial<TrustRule> | null | undefined): boolean
export function unnarrowedMatches(rules: Partial<TrustRule>[], claims: Record<string, unknown>): string[]
