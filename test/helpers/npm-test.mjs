// `npm test`: runs tap, fixes its raw coverage (./coverage-fix.mjs), then
// prints the per-file report and checks the thresholds of package.json's
// "tap" block. tap's own end-of-run report is turned off here because it
// comes before any hook could fix the data.
//
// Without test files it is the whole suite: src/ files no test loaded count
// as uncovered and a total below its threshold fails the run. With files
// (`npm test -- test/engine/rules.test.ts`) it reports what they loaded and
// never fails on coverage. Give tap options as --opt=value: a bare word is
// taken for a test file.
//
// Example: npm test -- --jobs=1
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixCoverage, printFixes } from './coverage-fix.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TAP = join(ROOT, 'node_modules/.bin/tap')
const args = process.argv.slice(2)
const whole = !args.some((a) => !a.startsWith('-'))
const tap = (argv) => spawnSync(TAP, argv, { cwd: ROOT, stdio: 'inherit' }).status ?? 1

// Zero thresholds in this step: the real check is the report's, below.
const tests = tap(['--coverage-report=none', '--lines=0', '--statements=0', '--branches=0', '--functions=0', ...args])
printFixes(fixCoverage({ root: ROOT, all: whole }), whole)
const report = tap(['report', 'text', ...(whole ? ['--no-allow-incomplete-coverage'] : [])])
if (tests === 0 && report !== 0) console.log('# coverage: a total is below its threshold in package.json "tap" (every test passed)')
process.exit(tests || report)
