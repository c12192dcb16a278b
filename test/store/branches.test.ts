// Branches on each backend: a branch is a copy of its parent; writes on the
// branch never reach the parent (and the reverse); use/HEAD, delete, name
// checks, --db-branch auto from git; Postgres drains the parent's sessions
// before CREATE DATABASE … TEMPLATE; PGlite refuses to copy a directory that
// another live process holds. (`hexd db` end to end: db-cli.test.ts.)
import t from 'tap'
import { spawn, execFileSync } from 'node:child_process'
import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { eachBackend, freshTarget, tempDir } from './helpers.ts'
import { openStore } from '../../src/store/open.ts'
import { createBranch, listBranches, useBranch, deleteBranch, currentBranch, pgliteBranchDir, type StoreTarget } from '../../src/store/branches.ts'
import { Journal, readHead } from '../../src/store/journal.ts'

const target = freshTarget

async function commitOn(tg: StoreTarget, branch: string, tick: number): Promise<void> {
  const s = await openStore({ ...tg, branch })
  const j = await Journal.open(s.db)
  await j.commit(tick, [{ type: 'claim', player: branch, cell: tick }], `h-${branch}-${tick}`)
  await j.close()
  await s.db.close()
}

async function headOn(tg: StoreTarget, branch: string) {
  const s = await openStore({ ...tg, branch })
  try { return { head: await readHead(s.db), events: (await s.db.query<{ c: number }>('SELECT count(*)::int8 AS c FROM journal_actions'))[0].c } } finally { await s.db.close() }
}

eachBackend(t, 'writes on a branch never reach its parent', async (t, backend) => {
  const tg = await target(t, backend)
  await commitOn(tg, 'main', 1)
  const b = await createBranch(tg, 'exp', { from: 'main' })
  t.match(b, { name: 'exp', parent: 'main' })
  t.same(await headOn(tg, 'exp'), { head: { tick: 1, hash: 'h-main-1' }, events: 1 }, 'the branch starts as a copy of its parent')
  await commitOn(tg, 'exp', 2)
  await commitOn(tg, 'exp', 3)
  t.same(await headOn(tg, 'main'), { head: { tick: 1, hash: 'h-main-1' }, events: 1 }, 'the parent is unchanged by writes on the branch')
  await commitOn(tg, 'main', 2)
  t.same(await headOn(tg, 'exp'), { head: { tick: 3, hash: 'h-exp-3' }, events: 3 }, 'the branch is unchanged by later writes on the parent')
  // A branch of a branch.
  await createBranch(tg, 'feature/x', { from: 'exp' })
  t.same((await headOn(tg, 'feature/x')).head, { tick: 3, hash: 'h-exp-3' })
  const names = (await listBranches(tg)).map((x) => `${x.name}<${x.parent ?? ''}`)
  t.same(names.sort(), ['exp<main', 'feature/x<exp', 'main<'])
  // use / HEAD
  await useBranch(tg, 'exp')
  t.equal(currentBranch(tg.data), 'exp')
  const cur = await openStore(tg)
  t.equal(cur.branch, 'exp', 'openStore follows the current branch')
  await cur.db.close()
  await t.rejects(useBranch(tg, 'nope'), { code: 'HEXD_BRANCH_NOT_FOUND' })
  await t.rejects(createBranch(tg, 'exp'), { code: 'HEXD_BRANCH_EXISTS' })
  await t.rejects(createBranch(tg, 'y', { from: 'nope' }), { code: 'HEXD_BRANCH_NOT_FOUND' })
  await t.rejects(createBranch(tg, 'a b'), { code: 'HEXD_BAD_BRANCH' })
  await t.rejects(createBranch(tg, '../up'), { code: 'HEXD_BAD_BRANCH' })
  await t.rejects(deleteBranch(tg, 'main'), { code: 'HEXD_BAD_BRANCH' })
  await t.rejects(openStore({ ...tg, branch: 'ghost' }), { code: 'HEXD_BRANCH_NOT_FOUND' })
  // delete
  await deleteBranch(tg, 'exp')
  t.equal(currentBranch(tg.data), 'main', 'deleting the current branch falls back to main')
  t.notOk((await listBranches(tg)).some((x) => x.name === 'exp'))
  t.same((await headOn(tg, 'feature/x')).head, { tick: 3, hash: 'h-exp-3' }, 'a child branch survives its parent')
})

eachBackend(t, '--db-branch auto follows the git branch', async (t, backend) => {
  const tg = await target(t, backend)
  const repo = tempDir(t, 'hexd-git-')
  execFileSync('git', ['init', '-q', '-b', 'feature/auto', repo])
  const cwd = process.cwd()
  process.chdir(repo)
  try {
    const s = await openStore({ ...tg, branch: 'auto' })
    t.equal(s.branch, 'feature/auto', 'the git branch name')
    await s.db.close()
  } finally { process.chdir(cwd) }
  t.ok((await listBranches(tg)).some((b) => b.name === 'feature/auto' && b.parent === 'main'), 'created from main on first use')
})

t.test('PGlite: a parent held open by another live process is not copied', async (t) => {
  const tg = { data: tempDir(t) }
  await commitOn(tg, 'main', 1)
  const holder = spawn('sleep', ['30'])
  t.teardown(() => { holder.kill() })
  mkdirSync(pgliteBranchDir(tg.data, 'main'), { recursive: true })
  writeFileSync(join(pgliteBranchDir(tg.data, 'main'), 'hexd.pid'), String(holder.pid))
  await t.rejects(createBranch(tg, 'exp'), { code: 'HEXD_DB_BUSY', message: new RegExp(`pid ${holder.pid}`) })
  await t.rejects(openStore(tg), { code: 'HEXD_DB_BUSY' }, 'nor opened twice')
  t.notOk((await listBranches(tg)).some((b) => b.name === 'exp'), 'nothing was created')
})

t.test('Postgres: create drains the parent (waits, then terminates lingering sessions)', async (t) => {
  const { pgAvailable, PG_URL } = await import('./helpers.ts')
  const { requireOrSkip } = await import('../helpers/require.ts')
  if (!(await requireOrSkip(t, 'pg', pgAvailable, PG_URL ? `no Postgres at ${PG_URL}` : 'HEXD_PG_URL is not set'))) return
  const tg = await target(t, 'pg')
  await commitOn(tg, 'main', 1)
  const lingering = new pg.Client({ connectionString: tg.databaseUrl })
  await lingering.connect()
  let ended = false
  lingering.on('error', () => { ended = true })
  lingering.on('end', () => { ended = true })
  const b = await createBranch(tg, 'exp', { drainMs: 200 })
  t.equal(b.parent, 'main')
  await new Promise((r) => setTimeout(r, 100))
  t.ok(ended, 'the session still open on the parent after the drain wait was terminated')
  t.same((await headOn(tg, 'exp')).head, { tick: 1, hash: 'h-main-1' })
  t.same((await headOn(tg, 'main')).head, { tick: 1, hash: 'h-main-1' }, 'the parent accepts connections again')
})
