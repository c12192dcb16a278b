// `hexd db` end to end on PGlite, as a user runs it: migrate, branch create /
// use / list, status, and bad input refused with the documented exit codes.
import t from 'tap'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tempDir } from './helpers.ts'

const HEXD = fileURLToPath(new URL('../../bin/hexd', import.meta.url))

t.test('hexd db on the command line (PGlite)', async (t) => {
  const data = tempDir(t)
  const run = (...args: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
    const p = spawn(process.execPath, [HEXD, 'db', ...args, '--data', data], { env: { ...process.env, DATABASE_URL: '' } })
    let out = '', err = ''
    p.stdout.on('data', (d) => { out += d }); p.stderr.on('data', (d) => { err += d })
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }))
  })
  const m = await run('migrate', '--json')
  t.equal(m.code, 0, m.err)
  t.same(JSON.parse(m.out), { branch: 'main', applied: ['0001_init', '0002_chunks_inline', '0003_journal_tick_rows'] })
  const c = await run('branch', 'create', 'exp', '--json')
  t.match(JSON.parse(c.out), { name: 'exp', parent: 'main' })
  t.equal((await run('branch', 'use', 'exp')).code, 0)
  const st = JSON.parse((await run('status', '--json')).out)
  t.match(st, { backend: 'pglite', branch: 'exp', pending: [], head: null, counts: { events: 0 } })
  const list = JSON.parse((await run('branch', 'list', '--json')).out)
  t.same(list.branches.map((b: { name: string; current: boolean }) => [b.name, b.current]), [['exp', true], ['main', false]])
  const bad = await run('branch', 'use', 'nope', '--json')
  t.equal(bad.code, 66, 'unknown branch: EX_NOINPUT')
  t.equal(JSON.parse(bad.out).error.code, 'HEXD_BRANCH_NOT_FOUND')
  t.match(bad.err, /branch "nope" does not exist/)
  const badName = await run('branch', 'create', 'x y')
  t.equal(badName.code, 64)
  t.match(badName.err, /got "x y"/)
})
