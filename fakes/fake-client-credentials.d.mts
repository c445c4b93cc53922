import type { FakeSalesforce, FakeUser } from './fake-salesforce.mjs'

export const CLIENT_CREDENTIALS: string
export function addClientCredentialsApp(
  server: FakeSalesforce,
  options?: { runAs?: string; clientId?: string }
): { clientId: string; clientSecret: string }
export function clientCredentials(
  server: FakeSalesforce,
  host: string,
  form: Record<string, string>,
  reply: (status: number, error: string, description: string) => unknown,
  issue: (user: FakeUser) => unknown
): unknown
