/**
 * Typed-array views over one slot of the state buffer (see layout.ts), and the
 * per-chunk hash over a slot's real cells. Views are plain subarrays: the tick
 * reads and writes the shared bytes directly, no copies.
 */
import { AREA, COPY_BYTES, HALO_MAX, HALO_ENTRY_BYTES, HALO_OFFSET, P16, P8, SH, SLOT_HEADER_BYTES, copyOffset, p16Offset, p8Offset, pos, slotOffset } from './layout.ts'
import { Hash64 as Hash64_ } from './hash.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const Hash64 = Hash64_

/** The planes of one copy of one slot. */
export interface Planes {
  all: Uint8Array // the whole copy (for memcpy)
  all32: Uint32Array // the same bytes as u32 words (for fast comparison)
  terrain: Uint8Array
  res: Uint8Array
  amt: Uint8Array
  struct: Uint8Array
  dir: Uint8Array
  item: Uint8Array
  count: Uint8Array
  progress: Uint8Array
  recipe: Uint8Array
  inA: Uint8Array
  inB: Uint8Array
  power: Uint8Array
  owner: Uint16Array
  stock: Uint16Array
}

/** U8 plane names in plane order (layout P8). */
export const U8_PLANES = ['terrain', 'res', 'amt', 'struct', 'dir', 'item', 'count', 'progress', 'recipe', 'inA', 'inB', 'power'] as const
/** U16 plane names in plane order (layout P16). */
export const U16_PLANES = ['owner', 'stock'] as const

/**
 * Views of copy `copy` (0/1) of slot `slot`.
 * @example planes(buf, 0, 0).terrain[pos(0, 0)]
 */
export function planes(buf: ArrayBufferLike, slot: number, copy: number): Planes {
  const base = copyOffset(slot, copy)
  const u8 = (p: number): Uint8Array => new Uint8Array(buf, base + p8Offset(p), AREA)
  const u16 = (p: number): Uint16Array => new Uint16Array(buf, base + p16Offset(p), AREA)
  return {
    all: new Uint8Array(buf, base, COPY_BYTES),
    all32: new Uint32Array(buf, base, COPY_BYTES / 4),
    terrain: u8(P8.TERRAIN), res: u8(P8.RES), amt: u8(P8.AMT), struct: u8(P8.STRUCT), dir: u8(P8.DIR),
    item: u8(P8.ITEM), count: u8(P8.COUNT), progress: u8(P8.PROGRESS), recipe: u8(P8.RECIPE),
    inA: u8(P8.INA), inB: u8(P8.INB), power: u8(P8.POWER), owner: u16(P16.OWNER), stock: u16(P16.STOCK),
  }
}

/** The u32 header fields of a slot (index with layout SH). */
export function header(buf: ArrayBufferLike, slot: number): Uint32Array {
  return new Uint32Array(buf, slotOffset(slot), SLOT_HEADER_BYTES / 4)
}

/** The raw bytes of a slot's halo table. */
export function haloBytes(buf: ArrayBufferLike, slot: number): Uint8Array {
  return new Uint8Array(buf, slotOffset(slot) + HALO_OFFSET, HALO_MAX * HALO_ENTRY_BYTES)
}

/** Everything the tick needs about one slot, built once per slot. */
export interface SlotView {
  index: number
  hdr: Uint32Array
  copies: [Planes, Planes]
  halo: Uint8Array
  haloU16: Uint16Array
  haloU32: Uint32Array
}

/** Builds the views of slot `slot`. */
export function slotView(buf: ArrayBufferLike, slot: number): SlotView {
  const halo = haloBytes(buf, slot)
  return {
    index: slot,
    hdr: header(buf, slot),
    copies: [planes(buf, slot, 0), planes(buf, slot, 1)],
    halo,
    haloU16: new Uint16Array(halo.buffer, halo.byteOffset, halo.byteLength / 2),
    haloU32: new Uint32Array(halo.buffer, halo.byteOffset, halo.byteLength / 4),
  }
}

/** Lanes of the chunk hash: 4 word kinds × 16 column classes (j mod 16). */
export const CHUNK_HASH_LANES = 64

/**
 * The 64-bit hash of a chunk's state in one copy, lane-parallel so the native
 * kernel computes it with SIMD (docs/RULES.md "Chunk hash"). Each real cell
 * (i < ROWS, j < COLS) gives four words: w0 = terrain|res<<8|amt<<16|struct<<24,
 * w1 = dir|item<<8|count<<16|progress<<24, w2 = recipe|inA<<8|inB<<16|power<<24,
 * w3 = owner|stock<<16. Word k of cell (i, j) is mixed (murmur3 step32) into
 * lane 16·k + (j mod 16), cells in row-major order; lane l starts at
 * 0x243F6A88 + l·0x9E3779B9. The result is Hash64(chunk lo, chunk hi, rows,
 * cols, lane 0..63). The halo is not hashed.
 * @returns [lo, hi]
 */
export function chunkHashOf(p: Planes, hdr: Uint32Array): [number, number] {
  const s = new Int32Array(CHUNK_HASH_LANES)
  for (let l = 0; l < CHUNK_HASH_LANES; l++) s[l] = 0x243f6a88 + Math.imul(l, 0x9e3779b9)
  const rows = hdr[SH.ROWS], cols = hdr[SH.COLS]
  const { terrain, res, amt, struct, dir, item, count, progress, recipe, inA, inB, power, owner, stock } = p
  for (let i = 0; i < rows; i++) {
    const row = (i + 1) * 66 + 1
    for (let j = 0; j < cols; j++) {
      const q = row + j, l = j & 15
      s[l] = mix(s[l], terrain[q] | (res[q] << 8) | (amt[q] << 16) | (struct[q] << 24))
      s[16 + l] = mix(s[16 + l], dir[q] | (item[q] << 8) | (count[q] << 16) | (progress[q] << 24))
      s[32 + l] = mix(s[32 + l], recipe[q] | (inA[q] << 8) | (inB[q] << 16) | (power[q] << 24))
      s[48 + l] = mix(s[48 + l], owner[q] | (stock[q] << 16))
    }
  }
  const h = new Hash64()
  h.word(hdr[SH.CHUNK_LO])
  h.word(hdr[SH.CHUNK_HI])
  h.word(rows)
  h.word(cols)
  for (let l = 0; l < CHUNK_HASH_LANES; l++) h.word(s[l] >>> 0)
  return h.digest()
}

/** step32 (hash.ts) on int32 lanes, local so the loop above does not go through an import binding. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}
