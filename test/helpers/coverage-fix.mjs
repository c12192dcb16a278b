// Fixes to tap's raw coverage (.tap/coverage/) before the report is built
// from it; `npm test` (test/helpers/npm-test.mjs) runs it between the tests
// and `tap report`. (tap's own "after" hook runs after tap's end-of-run
// report, too late for this.)
//
// 1. A src/ TypeScript file recorded with a source map that lacks the source
//    text was loaded by something other than the tests' loader (e.g. a child
//    spawned with an env that dropped NODE_OPTIONS, so tsx ran). v8-to-istanbul
//    would turn it into one hollow covered line and merge that into the file's
//    real figures, so such records are dropped, with a note naming them.
// 2. tap only reports files some test process loaded, so a src/ file that no
//    test imports would silently drop out of the totals and raise them. With
//    `all` (a run of the whole suite) every such file is added as entirely
//    uncovered, as c8's --all does: all its lines at 0, plus one uncovered
//    function and branch (its real functions are unknown without running it).
//    Type-only files are left out: nothing of them remains after the
//    transform. A partial run reports only what it ran.
//
// Example: node test/helpers/coverage-fix.mjs --all
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { transformSync } from 'esbuild'

const UNLOADED = 'unloaded-src.json'
const TS_FILE = /\.tsx?$/

/** Every .ts/.tsx file under dir, recursively. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : TS_FILE.test(e.name) ? [join(dir, e.name)] : [])
}

/**
 * Applies both fixes to `<root>/.tap/coverage` for the sources in `<root>/src`
 * and returns what it did (paths relative to root). `all` defaults to false.
 *
 * @example
 * fixCoverage({ root: '/work/main', all: true }) // → { dropped: [], unloaded: ['src/bench/net.ts'] }
 */
export function fixCoverage({ root, all = false }) {
  const dir = join(root, '.tap/coverage')
  const srcPrefix = pathToFileURL(join(root, 'src')).href + '/'
  const dropped = []
  const loaded = new Set()
  if (!existsSync(dir)) return { dropped, unloaded: [] }
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json') || name === UNLOADED) continue
    const file = join(dir, name)
    const cov = JSON.parse(readFileSync(file, 'utf8'))
    const maps = cov['source-map-cache'] ?? {}
    const unmapped = (url) => {
      const content = maps[url]?.data?.sourcesContent
      return !Array.isArray(content) || content.length === 0 || content.some((c) => typeof c !== 'string')
    }
    const keep = (cov.result ?? []).filter((s) => {
      if (!s.url.startsWith(srcPrefix) || !TS_FILE.test(s.url) || !unmapped(s.url)) return true
      dropped.push(`${relative(root, fileURLToPath(s.url))} (${name})`)
      delete maps[s.url]
      return false
    })
    if (keep.length !== (cov.result ?? []).length) writeFileSync(file, JSON.stringify({ ...cov, result: keep }) + '\n')
    for (const s of keep) loaded.add(s.url)
  }

  const result = []
  if (all) {
    const tsconfigRaw = readFileSync(join(root, 'tsconfig.json'), 'utf8')
    for (const file of sources(join(root, 'src'))) {
      const url = pathToFileURL(file).href
      if (loaded.has(url)) continue
      const text = readFileSync(file, 'utf8')
      const { code } = transformSync(text, { loader: file.endsWith('.tsx') ? 'tsx' : 'ts', format: 'esm', tsconfigRaw })
      if (code.trim() === '') continue
      result.push({ scriptId: '0', url, functions: [{ functionName: '(empty-report)', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: text.length, count: 0 }] }] })
    }
  }
  writeFileSync(join(dir, UNLOADED), JSON.stringify({ result }) + '\n')
  return { dropped, unloaded: result.map((s) => relative(root, fileURLToPath(s.url))) }
}

/** Prints what fixCoverage() did as TAP comments. */
export function printFixes({ dropped, unloaded }, all) {
  if (dropped.length) console.log(`# coverage: dropped ${dropped.length} record(s) of src files loaded without the tests' loader (no source text in the map): ${dropped.join(', ')}`)
  if (all) console.log(`# coverage: ${unloaded.length} src file(s) no test loaded, counted as uncovered${unloaded.length ? `: ${unloaded.join(', ')}` : ''}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const all = process.argv.includes('--all')
  printFixes(fixCoverage({ root: fileURLToPath(new URL('../../', import.meta.url)), all }), all)
}
