/**
 * How every benchmark area prints its report: one JSON document on stdout,
 * compact with `--json` (for scripts), indented otherwise (for a person).
 */

/**
 * Writes `report` to stdout as JSON, one line with `json`, indented without.
 * @example printReport({ ratio: 2.5 }, true) // {"ratio":2.5}
 */
export function printReport(report: unknown, json: boolean | undefined): void {
  process.stdout.write((json ? JSON.stringify(report) : JSON.stringify(report, null, 2)) + '\n')
}
