// Builds the native addon and worker (src/native) with node-gyp at `npm install`.
// A failed build must not fail the install: hexd then runs `--compute js` and says so.
// Node's own headers are used when the installed Node ships them (<prefix>/include/node),
// so the build never needs to download anything.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const nativeDir = join(root, 'src', 'native')
if (!existsSync(join(nativeDir, 'binding.gyp'))) {
  console.error('hexd: no native sources yet; skipping native build')
  process.exit(0)
}
// Regenerate the kernel's constants from the TS engine (the committed copy is
// used when this cannot run, e.g. tsx missing).
const gen = spawnSync(process.execPath, ['--import', 'tsx', join(nativeDir, 'gen-header.ts')], { cwd: root, stdio: ['ignore', 2, 2] })
if (gen.status !== 0) console.error('hexd: could not regenerate src/native/cc/engine_gen.h; building with the committed copy')
const localGyp = join(root, 'node_modules', '.bin', 'node-gyp')
const gyp = existsSync(localGyp) ? localGyp : 'node-gyp'
const args = ['rebuild', '-C', nativeDir]
const prefix = dirname(dirname(process.execPath))
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`)
}
const r = spawnSync(gyp, args, { stdio: ['ignore', 2, 2] })
if (r.status !== 0) {
  console.error('hexd: native build failed; hexd will run with --compute js (the TypeScript reference)')
}
process.exit(0)
