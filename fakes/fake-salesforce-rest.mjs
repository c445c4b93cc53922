// The part of Salesforce's REST API that the Salesforce CLI calls after a login (`sf org login
// access-token`, `sf org display`, `sf data query`, `--target-org <token>`), answered in Salesforce's own
// shapes: userinfo, the User record, API versions and a version's resources, SOQL queries (also the
// tooling API and `columns=true`). A token the fake did not issue, or one revoked, is refused as Salesforce
// refuses it: 403 `Bad_OAuth_Token` at userinfo, 401 `INVALID_SESSION_ID` in the data API.

/** The newest API version the fake serves; every version from v31.0 up is listed. */
export const LATEST_VERSION = 65

/** Salesforce's release name of an API version: v63.0 is Spring '25, v64.0 Summer '25, v65.0 Winter '26. */
function releaseLabel(version) {
  const season = (((version - 63) % 3) + 3) % 3
  const year = 25 + Math.floor((version - 63) / 3) + (season === 2 ? 1 : 0)
  return `${['Spring', 'Summer', 'Winter'][season]} '${year}`
}

const VERSIONS = Array.from({ length: LATEST_VERSION - 30 }, (_, i) => i + 31).map(v => ({
  label: releaseLabel(v),
  url: `/services/data/v${v}.0`,
  version: `${v}.0`
}))

/** The sObjects the fake knows, with their fields (any other field is refused, as Salesforce does). */
function records(server, object) {
  const host = new URL(server.instanceUrl).hostname
  if (object === 'Organization') {
    const record = {
      Id: server.orgId,
      Name: 'Acme',
      InstanceName: 'USA1234',
      IsSandbox: /\.sandbox\.my\./.test(host),
      OrganizationType: 'Enterprise Edition',
      TrialExpirationDate: null,
      NamespacePrefix: null,
      CreatedDate: '2024-01-15T10:00:00.000+0000'
    }
    return [record]
  }
  if (object === 'User') {
    return [...server.users].map(([username, user]) => ({
      Id: user.userId,
      Username: username,
      Name: 'Deploy User',
      Email: username,
      IsActive: user.active,
      ProfileId: '00e000000000001AAA',
      LanguageLocaleKey: 'en_US',
      TimeZoneSidKey: 'Europe/London'
    }))
  }
  return undefined
}

/** Objects that exist only in some orgs: a query on them fails as in an org without them. */
const TOOLING = { SandboxProcess: [] }

const apiError = (send, res, status, errorCode, message) => send(res, status, [{ message, errorCode }])

/** Who the request's bearer token belongs to, or undefined for an unknown or revoked token. */
function sessionUser(server, req) {
  const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1]
  if (!token || !server.tokens.includes(token) || server.revoked.includes(token)) return undefined
  const entry = [...server.users].find(([, user]) => user === server.sessions.get(token))
  return entry && { username: entry[0], ...entry[1] }
}

/** `SELECT a, b FROM Object ...`: the fields and the object, or undefined for what the fake cannot read. */
function parseSoql(soql) {
  const match = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)\b(.*)$/is.exec(soql)
  if (!match) return undefined
  return { fields: match[1].split(',').map(f => f.trim()), object: match[2], rest: match[3] }
}

/** `WHERE Field = 'value'` on one field, the only filter the CLI sends. */
function where(rows, rest) {
  const condition = /\bWHERE\s+(\w+)\s*=\s*'([^']*)'/i.exec(rest)
  return condition ? rows.filter(r => String(r[condition[1]]) === condition[2]) : rows
}

function query(server, res, send, url, version, tooling) {
  const soql = url.searchParams.get('q') ?? ''
  const parsed = parseSoql(soql)
  if (!parsed) return apiError(send, res, 400, 'MALFORMED_QUERY', `unexpected token: '${soql.slice(0, 40)}'`)
  const rows = tooling ? TOOLING[parsed.object] : records(server, parsed.object)
  if (!rows) {
    return apiError(
      send,
      res,
      400,
      'INVALID_TYPE',
      `\n${soql}\n${' '.repeat(soql.indexOf(parsed.object))}^\nERROR at Row:1:Column:${soql.indexOf(parsed.object) + 1}\nsObject type '${parsed.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
    )
  }
  const known = rows.length ? Object.keys(rows[0]) : parsed.fields
  const unknown = parsed.fields.find(f => !known.includes(f))
  if (unknown) return apiError(send, res, 400, 'INVALID_FIELD', `No such column '${unknown}' on entity '${parsed.object}'.`)
  if (url.searchParams.get('columns') === 'true') {
    return send(res, 200, {
      columnMetadata: parsed.fields.map(f => ({
        aggregate: false,
        apexType: f === 'Id' ? 'Id' : 'String',
        booleanType: false,
        columnName: f,
        custom: false,
        displayName: f,
        foreignKeyName: null,
        insertable: false,
        joinColumns: [],
        numberType: false,
        textType: f !== 'Id',
        updatable: false
      })),
      entityName: parsed.object,
      groupBy: false,
      idSelect: true,
      keyPrefix: parsed.object === 'Organization' ? '00D' : null
    })
  }
  const selected = where(rows, parsed.rest).map(row => ({
    attributes: { type: parsed.object, url: `/services/data/v${version}/sobjects/${parsed.object}/${row.Id}` },
    ...Object.fromEntries(parsed.fields.map(f => [f, row[f]]))
  }))
  send(res, 200, { totalSize: selected.length, done: true, records: selected })
}

/** Answers a request that is neither the token nor the revoke endpoint. */
export function handleRest(server, req, res, send) {
  const url = new URL(req.url.replace(/^\/+/, '/'), 'http://x')
  const path = url.pathname.replace(/\/+$/, '')
  const notFound = () => apiError(send, res, 404, 'NOT_FOUND', 'The requested resource does not exist')
  if (req.method !== 'GET') return notFound()
  if (path === '/services/data') return send(res, 200, VERSIONS)

  const user = sessionUser(server, req)
  const base = new URL(server.instanceUrl).origin
  if (path === '/services/oauth2/userinfo' || path === `/id/${server.orgId}/${user?.userId}`) {
    if (!user) return send(res, 403, 'Bad_OAuth_Token', { 'content-type': 'text/plain;charset=UTF-8' })
    return send(res, 200, {
      sub: `${base}/id/${server.orgId}/${user.userId}`,
      user_id: user.userId,
      organization_id: server.orgId,
      preferred_username: user.username,
      email: user.username,
      name: 'Deploy User',
      active: user.active,
      user_type: 'STANDARD',
      urls: { rest: `${base}/services/data/v{version}/`, query: `${base}/services/data/v{version}/query/` }
    })
  }

  const match = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(path)
  if (!match || !VERSIONS.some(v => v.version === match[1])) return notFound()
  if (!user) return apiError(send, res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid')
  const [, version, rest = ''] = match
  const prefix = `/services/data/v${version}`
  if (rest === '') {
    return send(res, 200, Object.fromEntries(['sobjects', 'query', 'tooling', 'limits'].map(r => [r, `${prefix}/${r}`])))
  }
  if (rest === '/query') return query(server, res, send, url, version, false)
  if (rest === '/tooling/query') return query(server, res, send, url, version, true)
  const sobject = /^\/sobjects\/(\w+)\/(\w+)$/.exec(rest)
  if (sobject) {
    const row = records(server, sobject[1])?.find(r => r.Id === sobject[2])
    if (!row) return notFound()
    return send(res, 200, { attributes: { type: sobject[1], url: `${prefix}${rest}` }, ...row })
  }
  notFound()
}
