// A static check of the Apex in salesforce/ for the rule that keeps it deployable: DML only in @TestSetup.
// On a real org, a callout after DML in the same transaction throws "You have uncommitted work pending", in tests
// too (Apex Developer Guide, "Performing DML Operations and Mock Callouts"), and a failing test fails a production
// deploy. The robust form of the rule: no @IsTest method may reach a DML statement, directly or through helpers;
// DML lives in @TestSetup methods (and the helpers only they call). Production classes that call out do no DML.

export interface ApexMethod {
  className: string
  name: string
  /** Annotations and modifiers before the name, lower case. */
  header: string
  body: string
}

/** The source without comments and with string literals emptied, so words inside them are not code. */
export function stripApex(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'/g, match => (match.startsWith("'") ? "''" : ' '))
}

const CONTROL = new Set(['if', 'for', 'while', 'catch', 'switch', 'when', 'else', 'try', 'do', 'finally', 'new', 'return', 'runas'])

/** The methods of a class (inner classes' methods included), each with its header and body. */
export function apexMethods(source: string, className: string): ApexMethod[] {
  const code = stripApex(source)
  const methods: ApexMethod[] = []
  let headerStart = 0
  let depth = 0
  let method: { name: string; header: string; start: number; depth: number } | undefined
  for (let i = 0; i < code.length; i++) {
    const c = code[i]
    if (c === '{') {
      if (!method) {
        const header = code.slice(headerStart, i).trim()
        const signature = /([A-Za-z_]\w*)\s*\([^()]*\)\s*$/.exec(header)
        if (signature && !CONTROL.has(signature[1].toLowerCase()) && !/\bclass\b/i.test(header)) {
          method = { name: signature[1], header: header.toLowerCase(), start: i + 1, depth }
        }
      }
      depth++
      if (!method) headerStart = i + 1
    } else if (c === '}') {
      depth--
      if (method && depth === method.depth) {
        methods.push({ className, name: method.name, header: method.header, body: code.slice(method.start, i) })
        method = undefined
      }
      if (!method) headerStart = i + 1
    } else if (c === ';' && !method) {
      headerStart = i + 1
    }
  }
  return methods
}

/** A DML statement or Database DML method: insert/update/delete/upsert/undelete/merge. SOQL brackets are skipped. */
export function hasDml(body: string): boolean {
  const withoutSoql = body.replace(/\[\s*(?:SELECT|FIND)\b[^\]]*\]/gi, '[]')
  return (
    /(?:^|[;{}\s)])(?:insert|update|delete|upsert|undelete|merge)\s+[\w([]/i.test(withoutSoql) ||
    /\bDatabase\s*\.\s*(?:insert|update|delete|upsert|undelete|merge)\w*\s*\(/i.test(withoutSoql)
  )
}

const isTestClass = (source: string): boolean => /@IsTest\b[^{;]*\bclass\b/i.test(stripApex(source))
const isTestMethod = (m: ApexMethod): boolean => /@istest\b/.test(m.header) || /\btestmethod\b/.test(m.header)
const isTestSetup = (m: ApexMethod): boolean => /@testsetup\b/.test(m.header)
const CALLOUT = /\b(?:Auth\s*\.\s*JWTUtil\s*\.\s*validateJWTWithKeysEndpoint|\.send)\s*\(/i

/**
 * The calls a method body makes, resolved by name (all overloads): `name(` in its own class, `Class.name(` in that
 * class, and any other `.name(` (an instance call) in every class: erring towards finding a path to DML.
 */
function callees(method: ApexMethod, all: ApexMethod[]): ApexMethod[] {
  const classes = new Set(all.map(m => m.className.toLowerCase()))
  const found = new Set<ApexMethod>()
  for (const match of method.body.matchAll(/(\.\s*)?(?:\b([A-Za-z_]\w*)\s*\.\s*)?\b([A-Za-z_]\w*)\s*\(/g)) {
    const [, chained, owner, name] = match
    const inClass = owner && !chained && classes.has(owner.toLowerCase()) ? owner.toLowerCase() : undefined
    const anyClass = !inClass && (chained !== undefined || owner !== undefined)
    for (const m of all) {
      if (m.name.toLowerCase() !== name.toLowerCase()) continue
      if (anyClass || m.className.toLowerCase() === (inClass ?? method.className.toLowerCase())) found.add(m)
    }
  }
  return [...found]
}

/**
 * The breaches of the rule in a set of Apex classes (name -> source): each as one line naming the class, the
 * method and what it does wrong.
 */
export function dmlBreaches(classes: Record<string, string>): string[] {
  const all = Object.entries(classes).flatMap(([name, source]) => apexMethods(source, name))
  const breaches: string[] = []
  for (const [name, source] of Object.entries(classes)) {
    const own = all.filter(m => m.className === name)
    if (!isTestClass(source)) {
      if (own.some(m => CALLOUT.test(m.body)) && own.some(m => hasDml(m.body))) {
        breaches.push(`${name}: calls out and does DML; a callout after DML in one transaction fails`)
      }
      continue
    }
    for (const test of own.filter(m => isTestMethod(m) && !isTestSetup(m))) {
      const seen = new Set<ApexMethod>([test])
      const queue = [test]
      while (queue.length) {
        const current = queue.shift()!
        if (hasDml(current.body)) {
          const via = current === test ? '' : ` through ${current.className}.${current.name}`
          breaches.push(`${name}.${test.name}: does DML${via}; DML belongs in @TestSetup`)
          break
        }
        for (const next of callees(current, all)) {
          if (!seen.has(next)) {
            seen.add(next)
            queue.push(next)
          }
        }
      }
    }
  }
  return breaches
}
