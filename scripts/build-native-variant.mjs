// Builds a copy of the native sources (src/native) with extra compiler flags, for testing the
// kernel's other vector shape on whatever CPU runs the tests (docs/NATIVE.md "Testing both
// vector shapes"): `-mno-avx512f` takes the AVX2 shape on an AVX-512 machine, `-DHEXD_WIDE_LANES`
// the AVX-512 shape on any machine. Prints the directory holding the addon and the worker, for
// HEXD_NATIVE_DIR. The copy lives under .hexd/ (git-ignored) inside the project, so the build
// finds node-addon-api in the project's node_modules.
//
// Example: HEXD_NATIVE_DIR=$(node scripts/build-native-variant.mjs avx2 -mno-avx512f) npx tap test/native/*.test.ts
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const [name, ...flags] = process.argv.slice(2)
if (!name || !/^[a-z0-9-]+$/.test(name) || flags.length === 0 || flags.some((f) => !/^-[A-Za-z0-9_=.-]+$/.test(f))) {
  console.error('usage: node scripts/build-native-variant.mjs <name: a-z 0-9 -> <compiler flag>...   (e.g. avx2 -mno-avx512f)')
  process.exit(64)
}
const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dir = join(root, '.hexd', 'native-variants', name)
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
cpSync(join(root, 'src', 'native', 'binding.gyp'), join(dir, 'binding.gyp'))
cpSync(join(root, 'src', 'native', 'cc'), join(dir, 'cc'), { recursive: true })
const gypFile = join(dir, 'binding.gyp')
const gypText = readFileSync(gypFile, 'utf8')
// Later flags win over -march=native: append right after it, in every target that has it.
const patched = gypText.replaceAll('"-march=native"', ['"-march=native"', ...flags.map((f) => JSON.stringify(f))].join(', '))
if (patched === gypText) { console.error('hexd: src/native/binding.gyp has no "-march=native" flag to extend'); process.exit(70) }
writeFileSync(gypFile, patched)
const localGyp = join(root, 'node_modules', '.bin', 'node-gyp')
const args = ['rebuild', '-C', dir]
const prefix = dirname(dirname(process.execPath))
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`)
const r = spawnSync(existsSync(localGyp) ? localGyp : 'node-gyp', args, { stdio: ['ignore', 2, 2] })
if (r.status !== 0) { console.error(`hexd: the ${name} native build failed`); process.exit(70) }
process.stdout.write(join(dir, 'build', 'Release') + '\n')
