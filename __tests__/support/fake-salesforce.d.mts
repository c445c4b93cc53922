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
  /** Permission sets the user holds (by API name); the keyless handler needs GitHub_Actions_Keyless_Login. */
  permissionSets?: string[]
  /** Permission set groups held, each with the permission sets it contains. */
  permissionSetGroups?: { name: string; permissionSets: string[] }[]
}
export type Fault =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { reset: true }
  | { hang: true }
  | { drip: number }
  | { raw: { status: number; headers?: Record<string, string>; body?: string; truncateAfter?: number } }

export interface FakeApp {
  publicKey?: KeyObject
  installed: boolean
  tokenExchange: boolean
  secretRequired: boolean
  clientCredentials?: boolean
  clientSecret?: string
  runAs?: string
  rotateRefreshTokens?: boolean
}
export interface RefreshTokenEntry {
  clientId: string
  username: string
  state: 'current' | 'spent' | 'revoked'
  successor?: string
  accessTokens: string[]
}
/** A GitHub Trust Rule record, with the custom metadata type's field names. */
export interface TrustRule {
  /** The record's API name: refusals name the rule, never its user. */
  DeveloperName?: string
  Repository_Owner_Id__c: string
  Repository_Id__c: string
  Repository__c?: string
  Ref__c?: string
  Workflow_Ref__c?: string
  Environment__c?: string
  Events__c?: string
  Runner_Environment__c?: string
  Require_Protected_Ref__c?: boolean
  Issuer__c?: string
  Audience__c: string
  Username__c: string
  Active__c: boolean
}
/** Issuer origin -> the base URL that answers for it; a string is a fake GitHub's JWKS URL for github.com's issuer. */
export type KeyServers = Record<string, string> | string
export interface TokenExchangeHandler {
  developerName: string
  keyServers: Record<string, string>
  /** The platform's key cache (keys endpoint -> keys) and every key fetch, in order. */
  keyCache: Map<string, unknown[]>
  keyFetches: string[]
  apps: string[]
  defaultFor: string[]
  jwt: boolean
  idToken: boolean
  rules: TrustRule[]
}
export interface FakeSalesforce {
  audiences: string[]
  audiencesByHost: Record<string, string[]>
  instanceUrl: string
  orgId: string
  url: string
  port: number
  apps: Map<string, FakeApp>
  handlers: TokenExchangeHandler[]
  subjectTokens: string[]
  users: Map<string, FakeUser>
  requests: RecordedRequest[]
  assertions: string[]
  tokens: string[]
  revoked: string[]
  /** Who each access token belongs to (token -> user), for the REST API. */
  sessions: Map<string, FakeUser>
  logins: Map<string, number>
  loginRateLimit: number
  clockAheadSeconds: number
  faults: Fault[]
  revokeFails: boolean
  addApp(clientId: string, certificate: string | KeyObject | undefined, extra?: Partial<Omit<FakeApp, 'publicKey'>>): void
  addTokenExchangeHandler(
    handler: Partial<Omit<TokenExchangeHandler, 'keyServers'>> & { keyServers?: KeyServers; jwksUrl?: string }
  ): TokenExchangeHandler
  addKeylessApp(keyServers: KeyServers, rules: TrustRule[], clientId?: string): { clientId: string; handler: TokenExchangeHandler }
  refreshTokens: Map<string, RefreshTokenEntry>
  addClientCredentialsApp(options?: { runAs?: string; clientId?: string }): { clientId: string; clientSecret: string }
  addRefreshTokenApp(options?: { secret?: boolean; rotate?: boolean; clientId?: string }): { clientId: string; clientSecret: string }
  issueRefreshToken(clientId: string, username: string): string
  sfdxAuthUrl(clientId: string, clientSecret: string, token: string, host?: string): string
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
