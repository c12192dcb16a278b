// Types for ./coverage-after.mjs (plain JavaScript: tap runs it with node).
export function fixCoverage(opts: { root: string; all?: boolean }): { dropped: string[]; unloaded: string[] }
