// Source lines for V8 profile frames of TypeScript run through tsx (shared by the profile scripts).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

/**
 * The source line of a frame's function. tsx runs TypeScript through esbuild with
 * `minifyWhitespace`, so V8 sees each module as one line: the column is mapped back through the
 * source map of the same transform (close enough to name the function; not the allocating line).
 */
export function sourceLine(f) {
  if (!f.url.startsWith('file://') || !/\.tsx?$/.test(f.url) || f.lineNumber !== 0) return f.lineNumber + 1
  let map = lineMaps.get(f.url)
  if (map === undefined) {
    map = null
    try {
      const file = fileURLToPath(f.url)
      const r = createRequire(import.meta.url)('esbuild').transformSync(readFileSync(file, 'utf8'), { loader: file.endsWith('x') ? 'tsx' : 'ts', format: 'esm', sourcemap: 'external', minifyWhitespace: true, keepNames: true, sourcefile: file })
      map = decodeFirstLine(JSON.parse(r.map).mappings)
    } catch { /* leave the column */ }
    lineMaps.set(f.url, map)
  }
  if (!map) return `1:${f.columnNumber}`
  let line = 0
  for (const [col, src] of map) { if (col > f.columnNumber) break; line = src }
  return line + 1
}
const lineMaps = new Map()

/** [generated column, source line] pairs of a source map's first generated line (VLQ). */
function decodeFirstLine(mappings) {
  const first = mappings.split(';')[0]
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const out = []
  let col = 0, srcLine = 0
  for (const seg of first.split(',')) {
    const vals = []
    let v = 0, shift = 0
    for (const ch of seg) {
      const d = B64.indexOf(ch)
      v += (d & 31) << shift
      if (d & 32) shift += 5
      else { vals.push(v & 1 ? -(v >>> 1) : v >>> 1); v = 0; shift = 0 }
    }
    if (vals.length === 0) continue
    col += vals[0]
    if (vals.length >= 3) srcLine += vals[2]
    out.push([col, srcLine])
  }
  return out
}

