import { inputError } from './errors.js'
import { bounded, shown } from './text.js'

export const PRODUCTION_AUDIENCE = 'https://login.salesforce.com'
export const SANDBOX_AUDIENCE = 'https://test.salesforce.com'

/** The parent domains Salesforce serves logins from; a signed assertion may go nowhere else. */
const SALESFORCE_DOMAINS = ['salesforce.com', 'force.com', 'site.com', 'salesforce.mil', 'sfcrmproducts.cn']
/** Hosts on this machine: plain http is allowed there, for local testing only. */
export const LOCAL_HOSTS = ['localhost', '127.0.0.1']

/** Where a login goes, and the audience it names. */
export interface LoginEndpoint {
  /** Where the login happens, without a trailing slash (e.g. https://acme.my.salesforce.com). */
  loginUrl: string
  /** The token endpoint: `{loginUrl}/services/oauth2/token`. */
  tokenUrl: string
  /** The `aud` claim. */
  audience: string
}

/**
 * The one spelling of a host that every host rule below reads: lower case, without the single trailing dot of a
 * fully qualified name. A name with an empty label (`acme.lightning.force.com..`, `a..b`, `.a`) is no host name at
 * all and gets undefined, which no rule matches: a rule that stripped one dot itself let such a name past it.
 * The URL parser has already mapped full-width dots, percent escapes and IDN to this form.
 */
export function normalHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase()
  const name = host.endsWith('.') ? host.slice(0, -1) : host
  return name === '' || name.split('.').includes('') ? undefined : name
}

/** True for a host under one of Salesforce's login domains (or the domain itself). */
export function isSalesforceHost(hostname: string): boolean {
  const host = normalHost(hostname)
  return host !== undefined && SALESFORCE_DOMAINS.some(domain => host === domain || host.endsWith(`.${domain}`))
}

/** True for this machine's names, where plain http is allowed for local testing. */
export function isLocalHost(hostname: string): boolean {
  const host = normalHost(hostname)
  return host !== undefined && LOCAL_HOSTS.includes(host)
}

/** The name before `.lightning.force.com` ('' for the bare domain) of a Lightning Experience host; undefined for any other. */
export function lightningName(hostname: string): string | undefined {
  const match = /^(?:(.+)\.)?lightning\.force\.com$/.exec(normalHost(hostname) ?? '')
  return match ? (match[1] ?? '') : undefined
}

/**
 * Sandboxes and scratch orgs log in through the sandbox audience; everything else through production.
 * Sandbox hosts: test.salesforce.com, `*.sandbox.my.*` and `*.scratch.my.*` My Domains (commercial,
 * government and China), and `name--sandbox.my.salesforce.com` from before enhanced domains.
 * This is what lets users switch between sandbox and production by changing only `login-url`.
 */
export function isSandboxHost(hostname: string): boolean {
  const host = normalHost(hostname) ?? ''
  return (
    host === 'test.salesforce.com' ||
    /\.(sandbox|scratch)\.my\.(salesforce\.com|salesforce\.mil|sfcrmproducts\.cn)$/.test(host) ||
    // Sandboxes without enhanced domains: mydomain--sandboxname.my.salesforce.com (or .csNN.my...).
    /^[a-z0-9-]+--[a-z0-9]+\.([a-z0-9]+\.)?my\.salesforce\.com$/.test(host)
  )
}

function parseUrl(input: string, value: string, fix: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // Echoed only without '@' (an unparseable URL may still carry user:password), and short and printable.
    throw inputError(input, value.includes('@') ? 'is not a URL' : `is not a URL (${shown(value)})`, fix)
  }
  if (url.username || url.password || url.search || url.hash) {
    throw inputError(input, `must not carry credentials, a query or a fragment (${shown(`${url.origin}...`)})`, fix)
  }
  return url
}

/** Drops a trailing slash so `https://x/` and `https://x` mean the same audience and endpoint. */
function withoutTrailingSlash(url: URL, suffix?: RegExp): string {
  let path = url.pathname.replace(/\/+$/, '')
  if (suffix) path = path.replace(suffix, '')
  return url.origin + path
}

/** `production`, `sandbox` or an https URL; empty means "derive it from the login URL". */
export function parseAudience(value: string): string | undefined {
  const text = value.trim()
  if (text === '') return undefined
  const word = text.toLowerCase()
  if (word === 'production') return PRODUCTION_AUDIENCE
  if (word === 'sandbox') return SANDBOX_AUDIENCE
  const fix =
    "Use 'production', 'sandbox', or an https URL such as https://login.salesforce.com, " +
    'https://test.salesforce.com or your Experience Cloud site URL.'
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    throw inputError('audience', `is neither 'production', 'sandbox' nor a URL (${shown(text)})`, fix)
  }
  const url = parseUrl('audience', text, fix)
  if (url.protocol !== 'https:') throw inputError('audience', `must be an https URL, not ${bounded(url.protocol, 32)}//`, fix)
  return withoutTrailingSlash(url)
}

/**
 * The login URL must be https on a Salesforce host: the assertion it receives is a credential until it
 * expires. Plain http is accepted only on this machine, for local testing.
 */
export function parseLoginUrl(value: string): string | undefined {
  const text = value.trim()
  if (text === '') return undefined
  const fix =
    'Use https://login.salesforce.com, https://test.salesforce.com or your My Domain URL ' + '(https://yourdomain.my.salesforce.com).'
  const url = parseUrl('login-url', text, fix)
  if (normalHost(url.hostname) === undefined) {
    throw inputError('login-url', `has a host with an empty label (${shown(text)}), which no host name has`, fix)
  }
  const local = isLocalHost(url.hostname)
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw inputError('login-url', `must be an https URL, not ${bounded(url.protocol, 32)}// (${shown(url.origin)})`, fix)
  }
  // Every Lightning Experience host (acme, acme--uat.sandbox, acme-dev-ed.develop, ...) has a My Domain twin.
  const lightning = lightningName(url.hostname)
  if (lightning !== undefined) {
    throw inputError(
      'login-url',
      `is a Lightning Experience address (${shown(url.hostname)}), not a login host`,
      `Use the My Domain URL, ${lightning ? `https://${lightning}.my.salesforce.com` : 'https://yourdomain.my.salesforce.com'}.`
    )
  }
  if (!local && !isSalesforceHost(url.hostname)) {
    throw inputError(
      'login-url',
      `is not a Salesforce host (${shown(url.hostname)}); the signed assertion is only ever sent to ` +
        SALESFORCE_DOMAINS.join(', ') +
        ' or their subdomains',
      fix
    )
  }
  return withoutTrailingSlash(url, /\/services\/oauth2\/token$/)
}

/** My Domain hosts: the only login hosts that name one org, so the only ones that know its token exchange handler. */
const isMyDomainHost = (hostname: string): boolean =>
  /\.my\.(salesforce\.com|salesforce\.mil|sfcrmproducts\.cn)$/.test(normalHost(hostname) ?? '')

/**
 * The `login-url` of the keyless and client credentials flows: the org's My Domain origin. login.salesforce.com
 * and test.salesforce.com serve every org, so they cannot tell which org's token exchange handler should judge
 * GitHub's token, or whose app a client secret belongs to (Salesforce refuses client credentials there).
 */
export function parseMyDomainUrl(value: string, flow: string, why = ''): string {
  const loginUrl = parseLoginUrl(value) ?? ''
  const url = new URL(loginUrl)
  const fix = "Use the org's My Domain URL (Setup > My Domain), e.g. https://acme.my.salesforce.com."
  if (!isLocalHost(url.hostname) && !isMyDomainHost(url.hostname)) {
    throw inputError('login-url', `must be a My Domain URL with 'auth-flow: ${flow}', not ${shown(url.hostname)}`, `${why}${fix}`)
  }
  if (loginUrl !== url.origin)
    throw inputError('login-url', `must be the My Domain origin, without a path (${shown(`${url.origin}/...`)})`, fix)
  return loginUrl
}

/** `oidc-audience`: the audience asked of GitHub, sent exactly as given (trust rules compare it exactly). */
export function parseOidcAudience(value: string): string | undefined {
  const text = value.trim()
  if (text === '') return undefined
  const fix = "Use an https URL, the same as the trust rule's Audience, or leave it empty for the login URL."
  const url = parseUrl('oidc-audience', text, fix)
  if (url.protocol !== 'https:') throw inputError('oidc-audience', `must be an https URL, not ${bounded(url.protocol, 32)}//`, fix)
  if (text.length > 255 || /\s|\p{Cc}/u.test(text)) {
    throw inputError('oidc-audience', 'must be one https URL of at most 255 characters, without spaces', fix)
  }
  return text
}

/**
 * Resolves the endpoint and audience from the two inputs. Either may be empty: the login URL follows a
 * sandbox audience, and the audience follows a sandbox login host; otherwise production.
 */
export function resolveLoginEndpoint(loginUrlInput: string, audienceInput: string): LoginEndpoint {
  const givenLogin = parseLoginUrl(loginUrlInput)
  const givenAudience = parseAudience(audienceInput)
  const sandboxAudience = givenAudience !== undefined && isSandboxHost(new URL(givenAudience).hostname)
  const loginUrl = givenLogin ?? (sandboxAudience ? SANDBOX_AUDIENCE : PRODUCTION_AUDIENCE)
  const audience = givenAudience ?? (isSandboxHost(new URL(loginUrl).hostname) ? SANDBOX_AUDIENCE : PRODUCTION_AUDIENCE)
  return { loginUrl, tokenUrl: `${loginUrl}/services/oauth2/token`, audience }
}
