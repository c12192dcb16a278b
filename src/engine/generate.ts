/**
 * Procedural generation: a cell's initial terrain and resource are a pure
 * function of (seed, n, cell id), so chunks can be generated in any order, or
 * again, with identical bytes. Only TERRAIN, RES and AMT are generated; every
 * other plane starts at 0. The exact recipe is in docs/RULES.md ("Generation").
 */
import { cellToIntXYZ as cellToIntXYZ_, decode as decode_ } from './geometry.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const cellToIntXYZ = cellToIntXYZ_
const decode = decode_
import { chunkInfo } from './chunks.ts'
import { RES, TERRAIN } from './content.ts'
import { SH, SLOT_FLAG, pos } from './layout.ts'
import { fbm3 as fbm3_, valueNoise2 as valueNoise2_ } from './noise.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const fbm3 = fbm3_
const valueNoise2 = valueNoise2_
import { hi32 as hi32_, lo32 as lo32_, rand32 as rand32_ } from './hash.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const hi32 = hi32_
const lo32 = lo32_
const rand32 = rand32_
import type { Planes } from './slot.ts'

/** A 64-bit world seed as u32 halves. */
export interface Seed { lo: number; hi: number }

/** Splits a non-negative safe-integer seed into halves. */
export function seedHalves(seed: number): Seed {
  return { lo: lo32(seed), hi: hi32(seed) }
}

/** Salts of generation's noise fields and draws. */
const G = { ELEV: 11, DETAIL: 15, MOIST: 21, VEG: 31, DEPOSIT: 41, DEPOSIT_KIND: 42 } as const

/** Generated state of one cell. */
export interface GenCell { terrain: number; res: number; amt: number }

const DEPOSITS_ROCK = [RES.IRON, RES.COPPER, RES.STONE, RES.IRON]
const DEPOSITS_FLAT = [RES.COAL, RES.IRON, RES.COPPER, RES.STONE]

/**
 * The generated state of cell `id` of the world (seed, n). Poles are ICE.
 * @example generateCell({ lo: 1, hi: 0 }, 64, 100) // { terrain, res, amt }
 */
export function generateCell(seed: Seed, n: number, id: number): GenCell {
  if (id < 2) return { terrain: TERRAIN.ICE, res: RES.NONE, amt: 0 }
  const [x, y, z] = cellToIntXYZ(n, id)
  const { d, a, b } = decode(n, id)
  // Elevation: continents from 3D noise plus cell-scale detail from the lattice.
  const elev = fbm3(seed.lo, seed.hi, G.ELEV, x, y, z, 19, 4) + Math.floor((valueNoise2(seed.lo, seed.hi, G.DETAIL, d, a, b, 3) - 32768) / 16)
  const moist = fbm3(seed.lo, seed.hi, G.MOIST, x, y, z, 18, 3)
  const polar = Math.abs(z) > 943718 // |z| > 0.9
  let terrain: number
  if (elev < 31000) terrain = polar ? TERRAIN.ICE : TERRAIN.WATER
  else if (polar) terrain = TERRAIN.ICE
  else if (elev > 39000) terrain = TERRAIN.ROCK
  else if (moist > 34500) terrain = TERRAIN.FOREST
  else if (moist < 29500) terrain = TERRAIN.DESERT
  else terrain = TERRAIN.GRASS

  const cl = lo32(id), ch = hi32(id)
  // Deposits: blobs of the 2D noise above a threshold, kind per 16×16 region.
  if (terrain === TERRAIN.ROCK || terrain === TERRAIN.DESERT || terrain === TERRAIN.GRASS) {
    const dep = valueNoise2(seed.lo, seed.hi, G.DEPOSIT, d, a, b, 3)
    if (dep > 50000) {
      const k = rand32(seed.lo, seed.hi, d, Math.floor(a / 16), Math.floor(b / 16), G.DEPOSIT_KIND) & 3
      const res = (terrain === TERRAIN.ROCK ? DEPOSITS_ROCK : DEPOSITS_FLAT)[k]
      return { terrain, res, amt: 100 + Math.floor((dep - 50000) / 128) }
    }
  }
  // Vegetation: biomass on most forest cells and some grass cells.
  const r = rand32(seed.lo, seed.hi, 0, cl, ch, G.VEG)
  if (terrain === TERRAIN.FOREST && (r & 3) !== 0) return { terrain, res: RES.BIOMASS, amt: 40 + ((r >>> 8) % 81) }
  if (terrain === TERRAIN.GRASS && (r & 7) === 0) return { terrain, res: RES.BIOMASS, amt: 5 + ((r >>> 8) % 20) }
  return { terrain, res: RES.NONE, amt: 0 }
}

/**
 * Fills a slot for `chunk`: zeroes both copies, writes the generated real
 * cells into both, and sets the header (chunk id, base id, n, rows, cols,
 * pole, flags USED). The halo table is left to the chunk manager.
 */
export function generateChunk(seed: Seed, n: number, chunk: number, copies: [Planes, Planes], hdr: Uint32Array): void {
  const c = chunkInfo(n, chunk)
  hdr.fill(0)
  hdr[SH.CHUNK_LO] = lo32(chunk)
  hdr[SH.CHUNK_HI] = hi32(chunk)
  hdr[SH.N] = n
  hdr[SH.ROWS] = c.rows
  hdr[SH.COLS] = c.cols
  hdr[SH.FLAGS] = SLOT_FLAG.USED
  const base = c.pole ? (c.pole === 'N' ? 0 : 1) : 2 + c.d * n * n + c.ci * 64 * n + c.cj * 64
  hdr[SH.BASE_LO] = lo32(base)
  hdr[SH.BASE_HI] = hi32(base)
  hdr[SH.POLE] = c.pole === 'N' ? 1 : c.pole === 'S' ? 2 : 0
  const [p0, p1] = copies
  p0.all.fill(0)
  for (let i = 0; i < c.rows; i++) {
    for (let j = 0; j < c.cols; j++) {
      const g = generateCell(seed, n, base + i * n + j)
      const q = pos(i, j)
      p0.terrain[q] = g.terrain
      p0.res[q] = g.res
      p0.amt[q] = g.amt
    }
  }
  p1.all.set(p0.all)
}
