// Module customization hooks that run the TypeScript sources under the tests
// (registered by ./register.mjs). Why not tsx here: tsx emits whitespace-
// minified code with keepNames and leaves `sourcesContent` null unless
// NODE_V8_COVERAGE is set. v8-to-istanbul (tap's coverage report, through c8)
// then takes that null as the file's text and collapses every file to one
// covered "line"; keepNames also wraps arrow functions in `__name(...)`, which
// hides them from function coverage and adds a fake `__name` function per
// file. This hook transforms with the same esbuild (and the project's
// tsconfig.json) but keeps the code readable and the map complete.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

const TS_FILE = /\.(ts|tsx|mts)$/
const ROOT = new URL('../../../', import.meta.url)
// esbuild reads jsx (react-jsx → automatic runtime), useDefineForClassFields
// (from target ES2022) and the like from the raw tsconfig text, as tsx does.
const TSCONFIG = readFileSync(new URL('tsconfig.json', ROOT), 'utf8')
// bin/hexd.mjs calls tsx's register(), and some tests spawn `node --import tsx`.
// A second TypeScript loader stacked on this one would transform the output
// again and bring back tsx's maps, so under the tests those specifiers resolve
// to ./tsx-shim.mjs (this loader is already active in every such process).
const TSX_ENTRIES = new Set(['tsx', 'tsx/esm', 'tsx/esm/api'])
const SHIM = new URL('./tsx-shim.mjs', import.meta.url).href

/** Redirects tsx's ESM entry points to the shim; everything else resolves as usual. */
export async function resolve(specifier, context, nextResolve) {
  if (TSX_ENTRIES.has(specifier)) return { url: SHIM, format: 'module', shortCircuit: true }
  return nextResolve(specifier, context)
}

/**
 * Turns a .ts/.tsx/.mts file: URL into an ES module with an inline source map
 * that carries the original text (so the coverage report needs nothing else).
 */
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS_FILE.test(new URL(url).pathname)) return nextLoad(url, context)
  const file = fileURLToPath(url)
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcesContent: true,
    sourcefile: file,
    tsconfigRaw: TSCONFIG,
  })
  return { format: 'module', source: code, shortCircuit: true }
}
