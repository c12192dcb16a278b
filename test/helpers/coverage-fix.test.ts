// test/helpers/coverage-fix.mjs runs between the tests and tap's coverage
// report; here it works on a small made-up project and c8 reads the result.
import t, { type Test } from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Report } from 'c8'
import { fixCoverage } from './coverage-fix.mjs'

// getCoverageMapFromAllCoverageFiles() is what tap's report calls; c8's typings omit it.
type CoverageReport = { getCoverageMapFromAllCoverageFiles(): Promise<{ files(): string[]; fileCoverageFor(file: string): { getUncoveredLines(): string[] } }> }

const LOADED = 'export const one = 1\n'
const NEVER = '// never imported\nexport function two(): number {\n  return 2\n}\n'
const TYPES = 'export type Three = 3\nexport interface Four { four: 4 }\n'

// A project with a file loaded through the tests' loader, one loaded by tsx (its
// map has no source text), one never loaded and a type-only one.
function project(t: Test) {
  const dir = t.testdir({
    'tsconfig.json': '{ "compilerOptions": { "target": "ES2022" } }',
    src: { 'loaded.ts': LOADED, 'never.ts': NEVER, 'tsx-loaded.ts': LOADED, deep: { 'types.ts': TYPES } },
    '.tap': { coverage: {} },
  })
  const url = (f: string) => pathToFileURL(join(dir, f)).href
  const fn = { functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: 30, count: 1 }] }
  const map = (content: unknown) => ({ lineLengths: [20], data: { version: 3, sources: ['x'], sourcesContent: [content], mappings: '' } })
  const record = {
    result: [
      { scriptId: '1', url: url('src/loaded.ts'), functions: [fn] },
      { scriptId: '2', url: url('src/tsx-loaded.ts'), functions: [fn] },
      { scriptId: '3', url: url('node_modules/x/index.js'), functions: [fn] },
    ],
    'source-map-cache': { [url('src/loaded.ts')]: map(LOADED), [url('src/tsx-loaded.ts')]: map(null) },
  }
  writeFileSync(join(dir, '.tap/coverage/p1.json'), JSON.stringify(record))
  return { dir, url }
}

t.test('drops records without source text; with all, adds unloaded files with code', async (t) => {
  const { dir, url } = project(t)
  const done = fixCoverage({ root: dir, all: true })
  t.same(done.dropped, ['src/tsx-loaded.ts (p1.json)'])
  t.same(done.unloaded.sort(), ['src/never.ts', 'src/tsx-loaded.ts'], 'the type-only file is not counted')

  const kept = JSON.parse(readFileSync(join(dir, '.tap/coverage/p1.json'), 'utf8'))
  t.same(kept.result.map((s: { url: string }) => s.url), [url('src/loaded.ts'), url('node_modules/x/index.js')])
  t.same(Object.keys(kept['source-map-cache']), [url('src/loaded.ts')])
  const unloaded = JSON.parse(readFileSync(join(dir, '.tap/coverage/unloaded-src.json'), 'utf8'))
  const never = unloaded.result.find((s: { url: string }) => s.url === url('src/never.ts'))
  t.same(never.functions[0].ranges, [{ startOffset: 0, endOffset: NEVER.length, count: 0 }])

  // What tap's report (c8) makes of it: every line of the unloaded file uncovered.
  const report = new Report({ tempDirectory: join(dir, '.tap/coverage'), reportsDirectory: join(dir, 'report'), reporter: [], include: [`${relative(process.cwd(), dir)}/src/**`], exclude: [], excludeNodeModules: true })
  const cov = await (report as unknown as CoverageReport).getCoverageMapFromAllCoverageFiles()
  t.same(cov.fileCoverageFor(join(dir, 'src/never.ts')).getUncoveredLines(), ['1', '2', '3', '4'])
})

t.test('without all, nothing is added (a partial run reports what it ran)', async (t) => {
  const { dir } = project(t)
  t.same(fixCoverage({ root: dir }), { dropped: ['src/tsx-loaded.ts (p1.json)'], unloaded: [] })
  t.same(JSON.parse(readFileSync(join(dir, '.tap/coverage/unloaded-src.json'), 'utf8')), { result: [] })
})
