export const NO_SF: string
/** salesforce/org-setup: the once-per-org project. */
export const ORG_SETUP: string
/** Printed before the once-per-org project is deployed. */
export const ORG_SETUP_WARNING: string
export function testClasses(sources: Record<string, string>): string[]
export function deployArgs(options: { targetOrg: string; tests: string[]; resultsDir: string; wait: string; dryRun?: boolean }): string[]
export function orgSetupArgs(options: { targetOrg: string; wait: string; dryRun?: boolean }): string[]
export function report(answer: unknown): { ok: boolean; lines: string[] }
