import t from 'tap'
import fc from 'fast-check'
import { World } from '../../src/engine/world.ts'
import { generateCell, seedHalves } from '../../src/engine/generate.ts'
import { chunkCount } from '../../src/engine/chunks.ts'
import { TERRAIN, RES } from '../../src/engine/content.ts'
import { smooth, lerp, valueNoise3 } from '../../src/engine/noise.ts'

t.test('a loaded cell is exactly its generated state, whichever cell and world', async (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 24 }), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (n, seed, f) => {
    const id = Math.min(10 * n * n + 1, Math.floor(f * (10 * n * n + 2)))
    const w = new World({ seed, size: n, allActive: false })
    const c = w.cell(id)
    const g = generateCell(seedHalves(seed), n, id)
    return c.terrain === g.terrain && c.res === g.res && c.amt === g.amt && c.struct === 0 && c.owner === 0
  }), { numRuns: 25 })
})

t.test('poles are ice; a world has water, land, forest, ice and all deposit kinds', async (t) => {
  const n = 64
  const w = new World({ seed: 5, size: n, allActive: false })
  t.equal(w.cell(0).terrain, TERRAIN.ICE)
  t.equal(w.cell(1).terrain, TERRAIN.ICE)
  const terr = new Set<number>(), res = new Set<number>()
  for (let c = 0; c < chunkCount(n); c++) for (const x of w.chunkCells(c)) { terr.add(x.terrain); res.add(x.res) }
  for (const k of [TERRAIN.WATER, TERRAIN.GRASS, TERRAIN.FOREST, TERRAIN.DESERT, TERRAIN.ROCK, TERRAIN.ICE]) t.ok(terr.has(k), `terrain ${k}`)
  for (const k of [RES.BIOMASS, RES.COAL, RES.IRON, RES.COPPER, RES.STONE]) t.ok(res.has(k), `resource ${k}`)
})

t.test('integer noise: smoothstep and lerp are exact integer functions; noise stays in range and is continuous', async (t) => {
  t.equal(smooth(0), 0)
  t.equal(smooth(32768), 32768)
  t.equal(smooth(65535), 65535)
  t.equal(smooth(16384), 10240)
  t.equal(lerp(100, 0, 32768), 50)
  t.equal(lerp(0, 100, 65535), 99)
  fc.assert(fc.property(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), (x, y, z) => {
    const v = valueNoise3(7, 0, 1, x, y, z, 16)
    const u = valueNoise3(7, 0, 1, x + 1, y, z, 16)
    return Number.isInteger(v) && v >= 0 && v <= 65535 && Math.abs(u - v) <= 8
  }), { numRuns: 300 })
})
