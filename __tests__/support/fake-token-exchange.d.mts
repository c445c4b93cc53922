import type { FakeUser, KeyServers, TokenExchangeHandler, TrustRule } from './fake-salesforce.mjs'

export const TOKEN_EXCHANGE: string
export const TOKEN_TYPES: Record<string, string>
export const PERMISSION_SET: string
export function keyServersOf(value: KeyServers): Record<string, string>
export function ruleMatches(rule: Partial<TrustRule>, claims: Record<string, unknown>): boolean
export function presented(claims: Record<string, unknown>): string
export function validateIncomingToken(
  handler: Pick<TokenExchangeHandler, 'rules'> & {
    keyServers?: KeyServers
    keyCache?: Map<string, unknown[]>
    keyFetches?: string[]
    /** Used tokens (issuer and jti), when the org has a replay cache partition. */
    replay?: Pick<Set<string>, 'has' | 'add'>
  },
  token: string,
  users: Map<string, FakeUser>,
  nowSeconds?: number
): Promise<{ username?: string; user?: FakeUser; message?: string }>
export function exchangeToken(
  server: unknown,
  form: Record<string, string>,
  reply: (status: number, error: string, description: string) => void,
  issue: (user: FakeUser) => void
): Promise<void>
