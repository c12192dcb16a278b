// Every error code in src/errors.ts must be documented in docs/ERRORS.md with
// the same HTTP status and exit code, and every documented code must exist.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { ERRORS, HexdError } from '../src/errors.ts'

const doc = readFileSync(new URL('../docs/ERRORS.md', import.meta.url), 'utf8')
const rows = new Map<string, { status: number; exit: number }>()
for (const m of doc.matchAll(/^\|\s*`(HEXD_[A-Z0-9_]+)`\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|/gm)) {
  rows.set(m[1], { status: Number(m[2]), exit: Number(m[3]) })
}

t.test('every code is documented with its status and exit code', async (t) => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    const row = rows.get(code)
    t.ok(row, `${code} is in docs/ERRORS.md`)
    if (row) t.same(row, { status: spec.status, exit: spec.exit }, `${code} row matches src/errors.ts`)
  }
})

t.test('every documented code exists', async (t) => {
  for (const code of rows.keys()) t.ok(code in ERRORS, `${code} from docs/ERRORS.md is in src/errors.ts`)
})

t.test('HexdError carries code, field, status and a JSON body', async (t) => {
  const e = new HexdError('HEXD_BAD_OPTION', '--size must be an integer, got "x"', { field: 'size' })
  t.equal(e.status, 400)
  t.equal(e.exitCode, 64)
  t.same(e.toJSON(), { error: { code: 'HEXD_BAD_OPTION', message: '--size must be an integer, got "x"', field: 'size' } })
})
