// The tests' TypeScript loader: tap runs every test file with
// `--import=./test/helpers/ts-loader/register.mjs` (package.json "tap").
// It registers ./hooks.mjs, turns on source maps (stack traces point at .ts
// lines, and tap's coverage recorder finds the maps through them), and adds
// itself to NODE_OPTIONS so the processes a test spawns (bin/hexd,
// `node --import tsx …`) load TypeScript the same way: their coverage is then
// recorded against the same maps and merges correctly with the test's own.
//
// Run a file by hand the way tap does:
//   node --import=./test/helpers/ts-loader/register.mjs test/engine/rules.test.ts
import { register } from 'node:module'

process.setSourceMapsEnabled(true)
register('./hooks.mjs', import.meta.url)

// A file: URL needs no quoting in NODE_OPTIONS (spaces are %20).
const flag = `--import=${import.meta.url}`
const opts = process.env.NODE_OPTIONS ?? ''
if (!opts.split(/\s+/).includes(flag)) process.env.NODE_OPTIONS = `${opts} ${flag}`.trim()
