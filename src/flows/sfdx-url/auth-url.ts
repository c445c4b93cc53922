import { isLocalHost, isSalesforceHost, lightningName, normalHost } from '../../login-url.js'
import { ActionError, inputError, SECRETS_HINT } from '../../errors.js'

/** What an SFDX auth URL holds. The secret and the refresh token are secrets; the client id is not. */
export interface SfdxAuthUrl {
  clientId: string
  /** Empty for apps without one, such as the Salesforce CLI's own (client id PlatformCLI). */
  clientSecret: string
  refreshToken: string
  /** `https://<host>`, where the refresh token is exchanged. */
  loginUrl: string
}

const INPUT = 'sfdx-auth-url'
const FIX = 'Copy the whole URL that `sf org auth show-sfdx-auth-url --target-org ALIAS` prints into the secret, on one line.'

// The parts as the Salesforce CLI's parser accepts them (@salesforce/core AuthInfo.parseSfdxAuthUrl).
const CLIENT_ID = /^[a-zA-Z0-9._-]+={0,2}$/
const CLIENT_SECRET = /^[a-zA-Z0-9._-]*={0,2}$/
const REFRESH_TOKEN = /^[a-zA-Z0-9._-]+={0,2}$/
const HOST = /^[a-zA-Z0-9:._-]+/

/** A refusal that names the wrong part and never quotes the URL or any part of it. */
const wrong = (problem: string): ActionError => inputError(INPUT, `${problem} (the URL is not shown)`, FIX)

/**
 * Parses `force://<client id>:<client secret>:<refresh token>@<host>` as the Salesforce CLI does, except that
 * anything after the host is refused instead of silently ignored, and the host must be Salesforce's: the
 * refresh token and the secret are sent to it.
 */
export function parseSfdxAuthUrl(value: string): SfdxAuthUrl {
  const text = value.trim()
  if (text === '') {
    throw inputError(INPUT, 'is required but empty (the SFDX auth URL of the org, from a secret)', SECRETS_HINT)
  }
  if (text.length > 4096) throw wrong(`is ${text.length} characters long; an SFDX auth URL has a few hundred`)
  if (/[\s\p{Cc}]/u.test(text)) throw wrong('holds white space or a control character, which no SFDX auth URL has')
  if (!text.startsWith('force://')) throw wrong("does not start with 'force://'")
  const rest = text.slice('force://'.length)
  const at = rest.indexOf('@')
  if (at < 0) throw wrong("has no '@' between the credentials and the host")
  const parts = rest.slice(0, at).split(':')
  if (parts.length !== 3) {
    throw wrong(`must hold three parts before '@', client id:client secret:refresh token, separated by ':' (it holds ${parts.length})`)
  }
  const [clientId, clientSecret, refreshToken] = parts
  if (!CLIENT_ID.test(clientId))
    throw wrong(
      clientId === ''
        ? 'has an empty client id (the first part)'
        : 'has a client id (the first part) with characters a client id does not have'
    )
  if (!CLIENT_SECRET.test(clientSecret)) throw wrong('has a client secret (the second part) with characters a client secret does not have')
  if (!REFRESH_TOKEN.test(refreshToken)) {
    throw wrong(
      refreshToken === ''
        ? 'has an empty refresh token (the third part)'
        : 'has a refresh token (the third part) with characters a refresh token does not have'
    )
  }
  const hostPart = rest.slice(at + 1)
  const host = HOST.exec(hostPart)?.[0] ?? ''
  if (host === '') throw wrong("has no host after '@'")
  if (host.length !== hostPart.length) {
    throw wrong(
      'has something after the host (a path, query or character a host does not have), which the Salesforce CLI would silently ignore; remove it'
    )
  }
  let url: URL
  try {
    url = new URL(`https://${host}`)
  } catch {
    throw wrong('has a host that is not a valid host name')
  }
  const hostname = normalHost(url.hostname)
  if (hostname === undefined) throw wrong('has a host with an empty label, which no host name has')
  if (!isLocalHost(hostname) && (!isSalesforceHost(hostname) || lightningName(hostname) !== undefined)) {
    throw wrong('has a host that is not a Salesforce login or My Domain host; the refresh token is only ever sent to one')
  }
  // Always https, as the Salesforce CLI logs in at https://<host>: the refresh token never travels in clear text.
  return { clientId, clientSecret, refreshToken, loginUrl: `https://${hostname}${url.port ? `:${url.port}` : ''}` }
}
