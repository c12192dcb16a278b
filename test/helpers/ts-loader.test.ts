// The tests' TypeScript loader (test/helpers/ts-loader/) is what makes tap's
// coverage report mean something. These checks run fixtures through it in
// fresh processes and read the result back with c8 (the library tap's report
// uses), so a loader that loses lines, functions or branches fails here.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Report } from 'c8'

const REGISTER = new URL('./ts-loader/register.mjs', import.meta.url).href
const SHIM = new URL('./ts-loader/tsx-shim.mjs', import.meta.url).href
const fixture = (name: string) => fileURLToPath(new URL(`./ts-loader/fixtures/${name}`, import.meta.url))

// The parts of istanbul's file coverage read here.
type FileCoverage = {
  fnMap: Record<string, { name: string; loc: { start: { line: number } } }>
  f: Record<string, number>
  branchMap: Record<string, { loc: { start: { line: number }; end: { line: number } } }>
  b: Record<string, number[]>
  getUncoveredLines(): string[]
  toSummary(): { lines: { total: number } }
}
// getCoverageMapFromAllCoverageFiles() is what tap's report calls; c8's typings omit it.
type CoverageReport = { getCoverageMapFromAllCoverageFiles(): Promise<{ fileCoverageFor(file: string): FileCoverage }> }

const node = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  // NODE_OPTIONS is cleared so the loader under test is the one named in args.
  // tap's recorder (@tapjs/processinfo, which tap adds to every child) is told
  // to stay out: it stops V8's precise coverage when it saves its own record,
  // which would leave this child's NODE_V8_COVERAGE dump without the fixtures.
  const quiet = { NODE_OPTIONS: '', _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...quiet, ...env }, timeout: 60_000 })
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout.trim().split('\n')
}

t.test('coverage maps back to the TypeScript lines, functions and branches (.ts and .tsx)', async (t) => {
  const dir = t.testdir({ raw: {}, report: {} })
  const raw = `${dir}/raw`
  const out = node([`--import=${REGISTER}`, fixture('run.ts')], { NODE_V8_COVERAGE: raw })
  t.same(JSON.parse(out[0]!), { area: 9, badge: '3' }, 'the fixtures ran (JSX through the automatic runtime)')

  const report = new Report({ tempDirectory: raw, reportsDirectory: `${dir}/report`, reporter: [], include: ['test/helpers/ts-loader/fixtures/**'], exclude: [], excludeNodeModules: true })
  const map = await (report as unknown as CoverageReport).getCoverageMapFromAllCoverageFiles()
  const cov = (name: string) => map.fileCoverageFor(fixture(name))
  const fns = (name: string) => { const c = cov(name); return Object.entries(c.fnMap).map(([k, f]) => [f.name, f.loc.start.line, c.f[k]]) }
  const branches = (name: string) => { const c = cov(name); return Object.entries(c.branchMap).map(([k, b]) => [b.loc.start.line, b.loc.end.line, c.b[k]![0]]) }

  // shapes.ts: the else block (13-15) and the body of `label` (19-21) never ran.
  t.same(cov('shapes.ts').getUncoveredLines(), ['13', '14', '15', '19', '20', '21'])
  t.equal(cov('shapes.ts').toSummary().lines.total, 21, 'one line per source line')
  // Both functions are counted, the uncalled arrow function included; tsx's
  // keepNames output would report `label` as missing and add a covered `__name`.
  t.same(fns('shapes.ts'), [['area', 9, 1], ['label', 18, 0]])
  t.same(branches('shapes.ts'), [[9, 16, 1], [12, 15, 0]], 'the else branch is the uncovered one')

  // badge.tsx: only the `n > 9` return (6-7) never ran.
  t.same(cov('badge.tsx').getUncoveredLines(), ['6', '7'])
  t.same(fns('badge.tsx'), [['Badge', 4, 1]])
  t.same(branches('badge.tsx'), [[4, 9, 1], [5, 7, 0]])
})

t.test('a spawned `node --import tsx` runs on the same loader, with source-mapped stacks', async (t) => {
  const [where, frame] = node([`--import=${REGISTER}`, '--import', 'tsx', fixture('child.ts')])
  const w = JSON.parse(where!)
  t.equal(w.resolved, SHIM, 'tsx/esm/api resolves to the shim, so nothing transforms twice')
  t.equal(w.registerType, 'function', 'bin/hexd.mjs can still call register()')
  t.ok(w.nodeOptions.split(' ').includes(`--import=${REGISTER}`), 'NODE_OPTIONS carries the loader to grandchildren')
  t.match(frame, `${fixture('child.ts')}:11:`, 'the stack names the TypeScript line')
})
