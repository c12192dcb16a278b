// Types for ./coverage-fix.mjs (plain JavaScript: it runs before any TypeScript loader).
export type Fixes = { dropped: string[]; unloaded: string[] }
export function fixCoverage(opts: { root: string; all?: boolean }): Fixes
export function printFixes(fixes: Fixes, all: boolean): void
