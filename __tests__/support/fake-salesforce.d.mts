import type { IncomingHttpHeaders } from 'node:http'
import type { KeyObject } from 'node:crypto'

export const JWT_BEARER: string
export const PRODUCTION_AUDIENCE: string
export const SANDBOX_AUDIENCE: string
export function sfId(prefix: string): string

export interface RecordedRequest {
  method: string
  path: string
  url: string
  headers: IncomingHttpHeaders
  form: Record<string, string>
  header?: Record<string, unknown>
  claims?: { iss: string; sub: string; aud: string; exp: number; jti?: string; [k: string]: unknown }
}
export interface FakeUser {
  userId: string
  approved: boolean
  active: boolean
  appAccess: boolean
  ipRestricted: boolean
}
export type Fault =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { reset: true }
  | { hang: true }
  | { drip: number }
  | { raw: { status: number; headers?: Record<string, string>; body?: string; truncateAfter?: number } }

export interface FakeSalesforce {
  audiences: string[]
  audiencesByHost: Record<string, string[]>
  instanceUrl: string
  orgId: string
  url: string
  port: number
  apps: Map<string, { publicKey: KeyObject; installed: boolean }>
  users: Map<string, FakeUser>
  requests: RecordedRequest[]
  assertions: string[]
  tokens: string[]
  revoked: string[]
  /** Who each access token belongs to (token -> username), for the REST API. */
  sessions: Map<string, string>
  logins: Map<string, number>
  loginRateLimit: number
  clockAheadSeconds: number
  faults: Fault[]
  revokeFails: boolean
  addApp(clientId: string, certificate: string | KeyObject, extra?: { installed?: boolean }): void
  addUser(username: string, extra?: Partial<FakeUser>): FakeUser
  fault(...answers: Fault[]): void
  tokenRequests(): RecordedRequest[]
  close(): Promise<void>
}
export interface FakeSalesforceOptions {
  audiences?: string[]
  audiencesByHost?: Record<string, string[]>
  tls?: { key: string; cert: string }
  instanceUrl?: string
  orgId?: string
  loginRateLimit?: number
}
export function startFakeSalesforce(options?: FakeSalesforceOptions): Promise<FakeSalesforce>
