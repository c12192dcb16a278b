// Builds the web viewer (viewer/src) into viewer/dist with esbuild: index.html and one
// bundled, minified app.js (+ source map). `npm run build:viewer` runs it and fails loudly;
// `npm install` / `npm ci` run it with --install, where a failure only prints why (the
// daemon then answers /viewer/ with a 503 naming `npm run build:viewer`), so a missing
// dev dependency never fails the install. Why esbuild and not Vite: docs/DECISIONS.md.
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const installing = process.argv.includes('--install')
const outArg = process.argv.indexOf('--out')
const out = outArg > 0 ? process.argv[outArg + 1] : join(here, 'dist')

async function build() {
  const esbuild = await import('esbuild')
  // Build next to the target, then swap, so a daemon serving `out` never sees half a build.
  const tmp = `${out}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  await esbuild.build({
    entryPoints: [join(here, 'src', 'main.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    outfile: join(tmp, 'app.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  })
  copyFileSync(join(here, 'index.html'), join(tmp, 'index.html'))
  rmSync(out, { recursive: true, force: true })
  renameSync(tmp, out)
  console.error(`hexd: web viewer built into ${out}`)
}

try {
  await build()
} catch (err) {
  if (!installing) throw err
  console.error(`hexd: could not build the web viewer (${err?.message ?? err}); hexd serve will answer /viewer/ with 503 until \`npm run build:viewer\` succeeds`)
}
