// /versions/ pseudofiles (src/versions): path parsing, the append-only linkage, reading,
// streaming and unpacking old files from this checkout's history, and `hexd versions` on the
// command line with its errors and exit codes.
import t, { type Test } from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseVersionPath, VersionStore, PROJECT_ROOT } from '../../src/versions/store.ts'
import { Links } from '../../src/versions/links.ts'
import { revParse } from '../../src/versions/git.ts'
import { historyOrSkip } from './helpers.ts'

const HEXD = fileURLToPath(new URL('../../bin/hexd', import.meta.url))
const PATH = '/versions/chunk-format-v1/src/store/serializers/index.ts'
const COMMIT = '1f1b6a4e274cc59e4fd12ec34565294aa0e8c12b'

function tmp(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'hexd-versions-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}
const gitShow = (spec: string) => spawnSync('git', ['show', spec], { cwd: PROJECT_ROOT }).stdout

t.test('parseVersionPath: /versions/<id>/<path>, anything else refused naming the problem', async (t) => {
  t.same(parseVersionPath('/versions/v1/src/a.ts'), { id: 'v1', path: 'src/a.ts' })
  t.same(parseVersionPath(`/versions/${COMMIT}/README.md`), { id: COMMIT, path: 'README.md' })
  for (const [bad, why] of [
    ['versions/v1/a.ts', /is \/versions\/<alias or commit>\/<path/], ['/versions/v1', /is \/versions\//], ['/other/v1/a.ts', /is \/versions\//],
    ['/versions/-x/a.ts', /neither a version alias nor a commit/], ['/versions/v1/../a.ts', /without empty, "." or ".." parts/],
    ['/versions/v1/src//a.ts', /without empty/], ['/versions/v1/./a.ts', /without empty/], ['/versions/v1/a\\b.ts', /without empty/],
  ] as const) {
    t.throws(() => parseVersionPath(bad), { code: 'HEXD_VERSION_BAD_PATH', field: 'path', message: why }, bad)
  }
})

t.test('Links: append-only, one commit per alias, damaged lines named', async (t) => {
  const file = join(tmp(t), 'sub', 'links.jsonl')
  const links = new Links(file)
  t.same(links.all(), [], 'no file yet: no links')
  const at = new Date('2026-11-24T20:00:00.123Z')
  const a = links.add('v1', COMMIT, 'why', at)
  t.same(a, { added: true, link: { alias: 'v1', commit: COMMIT, linked_at: '2026-11-24T20:00:00Z', note: 'why' } })
  t.same(links.add('v1', COMMIT).added, false, 'the same link again changes nothing')
  t.throws(() => links.add('v1', 'a'.repeat(40)), { code: 'HEXD_VERSION_LINK_EXISTS', field: 'alias', message: /linked to 1f1b6a4e274c/ })
  t.throws(() => links.add('bad alias', COMMIT), { code: 'HEXD_VERSION_BAD_PATH', field: 'alias', message: /got "bad alias"/ })
  t.throws(() => links.add('v2', 'abc123'), { code: 'HEXD_VERSION_BAD_PATH', field: 'commit', message: /got "abc123"/ })
  links.add('v2', 'b'.repeat(40))
  t.same(links.all().map((l) => l.alias), ['v1', 'v2'])
  t.equal(readFileSync(file, 'utf8').trim().split('\n').length, 2, 'one line per link, nothing rewritten')
  t.equal(links.get('nope'), undefined)
  writeFileSync(file, readFileSync(file, 'utf8') + '{"alias":"x"}\n')
  t.throws(() => links.all(), { code: 'HEXD_VERSION_BAD_PATH', message: /line 3 is not a link/ })
})

t.test('not a git checkout: a clear error, no history', async (t) => {
  const dir = tmp(t)
  const v = new VersionStore({ root: dir, linksFile: join(dir, 'links.jsonl') })
  t.throws(() => v.read(`/versions/${COMMIT}/src/a.ts`), { code: 'HEXD_VERSION_GIT', message: /is not a git checkout/ })
  t.throws(() => v.read('/versions/never-linked/src/a.ts'), { code: 'HEXD_VERSION_UNKNOWN', message: /hexd versions link never-linked <commit>/ })
})

t.test('reading history through the linkage', async (t) => {
  if (!(await historyOrSkip(t))) return
  const cacheDir = tmp(t)
  const v = new VersionStore({ cacheDir })
  t.same(v.resolve(PATH), { id: 'chunk-format-v1', path: 'src/store/serializers/index.ts', commit: COMMIT }, 'the committed link')
  t.equal(v.resolve(`/versions/${COMMIT}/README.md`).commit, COMMIT, 'a full hash needs no link')
  t.throws(() => v.resolve('/versions/never-linked/a/b.ts'), { code: 'HEXD_VERSION_UNKNOWN' })

  const bytes = v.read(PATH)
  t.same(bytes, gitShow(`${COMMIT}:src/store/serializers/index.ts`), 'read = git show')
  t.match(bytes.toString(), /export const CURRENT_CHUNK_FORMAT = CHUNK_V1/, 'the v1-era file, not today\'s')
  t.equal(v.read(PATH), bytes, 'cached: the same buffer again')
  t.throws(() => v.read('/versions/chunk-format-v1/src/nothing-here.ts'), { code: 'HEXD_VERSION_NOT_FOUND', message: /src\/nothing-here.ts is not in commit 1f1b6a4e274c/ })

  const chunks: Buffer[] = []
  for await (const c of v.open(PATH)) chunks.push(c as Buffer)
  t.same(Buffer.concat(chunks), bytes, 'the stream carries the same bytes')
  const missing = v.open('/versions/chunk-format-v1/src/nothing-here.ts')
  await t.rejects(async () => { for await (const _ of missing) void _ }, { code: 'HEXD_VERSION_NOT_FOUND' }, 'a missing file errors the stream')

  const file = v.materialize(PATH)
  t.equal(file, join(cacheDir, COMMIT, 'src/store/serializers/index.ts'))
  t.same(readFileSync(file), bytes, 'unpacked = read')
  t.ok(existsSync(join(cacheDir, COMMIT, 'src/errors.ts')), 'the whole top-level folder, for its relative imports')
  t.equal(v.materialize('/versions/chunk-format-v1/src/store/serializers/chunk-v1.ts'), join(cacheDir, COMMIT, 'src/store/serializers/chunk-v1.ts'), 'already unpacked')
  t.throws(() => v.materialize('/versions/chunk-format-v1/package.json'), { code: 'HEXD_VERSION_BAD_PATH', message: /only files inside a folder/ })
  t.throws(() => v.materialize('/versions/chunk-format-v1/src/nothing-here.ts'), { code: 'HEXD_VERSION_NOT_FOUND' })
  t.throws(() => v.materialize('/versions/chunk-format-v1/nofolder/x.ts'), { code: 'HEXD_VERSION_NOT_FOUND' })
  const mod = await v.import<{ CURRENT_CHUNK_FORMAT: number }>(PATH)
  t.equal(mod.CURRENT_CHUNK_FORMAT, 1, 'imported and run')
})

t.test('revParse: a revision to its full hash', async (t) => {
  if (!(await historyOrSkip(t))) return
  t.equal(revParse(PROJECT_ROOT, '1f1b6a4'), COMMIT)
  t.match(revParse(PROJECT_ROOT, 'HEAD'), /^[0-9a-f]{40}$/)
  t.throws(() => revParse(PROJECT_ROOT, '--all'), { code: 'HEXD_VERSION_BAD_PATH', field: 'rev' })
  t.throws(() => revParse(PROJECT_ROOT, 'no-such-branch-xyz'), { code: 'HEXD_VERSION_NOT_FOUND', message: /"no-such-branch-xyz" is not a commit/ })
})

t.test('hexd versions on the command line', async (t) => {
  if (!(await historyOrSkip(t))) return
  const links = join(tmp(t), 'links.jsonl')
  const run = (...args: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
    const p = spawn(process.execPath, [HEXD, 'versions', ...args], { env: { ...process.env, HEXD_VERSIONS_LINKS: links } })
    let out = '', err = ''
    p.stdout.on('data', (d) => { out += d }); p.stderr.on('data', (d) => { err += d })
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }))
  })
  const l = await run('link', 'old', '1f1b6a4', '--note', 'v1 era', '--json')
  t.equal(l.code, 0, l.err)
  t.match(JSON.parse(l.out), { alias: 'old', commit: COMMIT, note: 'v1 era', added: true })
  t.match((await run('link', 'old', COMMIT)).out, /already linked: \/versions\/old\/ -> 1f1b6a4e/)
  const relink = await run('link', 'old', 'HEAD', '--json')
  t.equal(relink.code, 65, 'relinking: EX_DATAERR')
  t.equal(JSON.parse(relink.out).error.code, 'HEXD_VERSION_LINK_EXISTS')
  t.equal((await run('link', 'b@d', 'HEAD')).code, 64, 'bad alias: EX_USAGE')
  t.equal((await run('link', 'x', 'no-such-rev-xyz')).code, 66, 'unknown revision: EX_NOINPUT')
  t.same(JSON.parse((await run('list', '--json')).out).links.map((x: { alias: string }) => x.alias), ['old'])
  t.match((await run('list')).out, /^old\s+1f1b6a4e/)
  const show = await run('show', '/versions/old/src/store/serializers/chunk-v1.ts')
  t.equal(show.code, 0, show.err)
  t.equal(show.out, gitShow(`${COMMIT}:src/store/serializers/chunk-v1.ts`).toString())
  const unknown = await run('show', '/versions/nope/src/a.ts')
  t.equal(unknown.code, 66)
  t.match(unknown.err, /version alias "nope" is not linked/)
  t.equal((await run('show', '/versions/old/../etc/passwd')).code, 64)
  t.equal((await run('show', '/versions/old/src/none.ts')).code, 66)
  const path = await run('path', '/versions/old/src/store/serializers/chunk-v1.ts', '--json')
  t.equal(path.code, 0, path.err)
  const pj = JSON.parse(path.out)
  t.match(pj, { id: 'old', commit: COMMIT, path: 'src/store/serializers/chunk-v1.ts' })
  t.ok(existsSync(pj.file), 'the unpacked file exists')
})
