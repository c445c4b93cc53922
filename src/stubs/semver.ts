/**
 * Stands in for semver in the bundle. jsonwebtoken uses it only to ask whether process.version is at
 * least 8, 15.7 or 16.9 (for RSA-PSS and key details support); this action runs on node24 (action.yml),
 * where every answer is yes. Building semver's range regexes cost ~3 ms of every run.
 */
export function satisfies(version: string): boolean {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0) >= 17
}

export default { satisfies }
