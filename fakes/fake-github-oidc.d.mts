import type { IncomingHttpHeaders } from 'node:http'

export const GITHUB_ISSUER: string
export const TOKEN_PATH: string
export const JWKS_PATH: string
export function defaultClaims(): Record<string, string>

export interface OidcRequest {
  method: string
  path: string
  url: string
  headers: IncomingHttpHeaders
  audience: string | null
}
export type OidcFault =
  | { status: number; body?: unknown }
  | { reset: true }
  | { hang: true }
  | { raw: { status: number; headers?: Record<string, string>; body: string; truncateAfter?: number } }

export interface FakeGitHubOidc {
  url: string
  requestUrl: string
  requestToken: string
  jwksUrl: string
  issuer: string
  claims: Record<string, string | undefined>
  lifetimeSeconds: number
  shiftSeconds: number
  requests: OidcRequest[]
  idTokens: string[]
  faults: OidcFault[]
  jwk: Record<string, unknown>
  rotateKey(): void
  keyServers(): Record<string, string>
  env(): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }
  fault(...answers: OidcFault[]): void
  tokenRequests(): OidcRequest[]
  ruleFor(audience: string, username: string): import('./fake-salesforce.mjs').TrustRule
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): string
  close(): Promise<void>
}
export interface FakeGitHubOidcOptions {
  issuer?: string
  claims?: Record<string, string | undefined>
  lifetimeSeconds?: number
}
export function startFakeGitHubOidc(options?: FakeGitHubOidcOptions): Promise<FakeGitHubOidc>
