/**
 * The state layout: the single definition of the bytes the TS tick and the
 * native kernel both operate on. Everything is a constant here so a C header
 * can be generated from it (scripts/gen-layout-header.ts -> src/native/layout.h).
 *
 * One flat buffer:
 *   [world header: WORLD_HEADER_BYTES]
 *   [slot 0][slot 1]...[slot capacity-1]          each SLOT_BYTES
 * One slot (a loaded chunk):
 *   [slot header: SLOT_HEADER_BYTES, u32 fields SH_*]
 *   [halo table: HALO_MAX entries × HALO_ENTRY_BYTES]
 *   [copy 0: planes][copy 1: planes]              each COPY_BYTES
 * A copy holds structure-of-arrays planes over the 66×66 positions of the slot
 * (local i, j in −1..64 with a 1-cell halo ring; index (i+1)·66 + (j+1), i is
 * the row): U8 planes first (P8_*, each AREA bytes), then U16 planes (P16_*,
 * each AREA u16 little-endian). The world header's epoch selects the current
 * copy (epoch & 1); the other copy is "next". A tick reads current, writes
 * next, and the flip of the epoch commits it.
 *
 * Production counters (SH.PROD..) count machine/extractor output per item id;
 * they are statistics, not part of the chunk hash.
 *
 * Every field is plain unsigned integer data; zero bytes mean VOID/empty, so a
 * zero-filled slot is all VOID.
 */

/** Cells per chunk side (same as chunks.ts CHUNK_SIZE). */
export const CHUNK = 64
/** Slot side including the halo ring. */
export const STRIDE = CHUNK + 2
/** Positions in one slot plane. */
export const AREA = STRIDE * STRIDE

/**
 * Slot-position offsets of the six lattice directions, in geometry's
 * DIRECTIONS order (0:(+1,0) 1:(0,+1) 2:(−1,+1) 3:(−1,0) 4:(0,−1) 5:(+1,−1),
 * as (Δi, Δj)); direction (d+3)%6 is the opposite of d.
 */
export const DIR_OFFSETS: readonly number[] = [STRIDE, 1, -STRIDE + 1, -STRIDE, -1, STRIDE - 1]

/** U8 planes, in order. */
export const P8 = {
  TERRAIN: 0, // terrain kind (TERRAIN.*), static
  RES: 1, // resource kind on the ground (RES.*)
  AMT: 2, // resource quantity 0..255
  STRUCT: 3, // structure prototype id (0 = none)
  DIR: 4, // structure output direction 0..5 (in the cell's own diamond frame)
  ITEM: 5, // item kind in the output buffer / on the conveyor
  COUNT: 6, // number of items in the output buffer
  PROGRESS: 7, // machine progress / burn timer
  RECIPE: 8, // recipe id (machines), input direction (conveyor, splitter), item filter (storage)
  INA: 9, // input buffer A count (machines, generator fuel)
  INB: 10, // input buffer B count
  POWER: 11, // power level 0..15 in the power network
} as const
export const P8_COUNT = 12
/** U16 planes, in order (after the U8 planes). */
export const P16 = {
  OWNER: 0, // owning player index + 0 (0 = unowned; player indices start at 1)
  STOCK: 1, // storage stock
} as const
export const P16_COUNT = 2

/** Byte offset of U8 plane p inside a copy. */
export const p8Offset = (p: number): number => p * AREA
/** Byte offset of U16 plane p inside a copy. */
export const p16Offset = (p: number): number => P8_COUNT * AREA + p * AREA * 2
/** Bytes of one copy (planes), rounded up to 8. */
export const COPY_BYTES = align8(P8_COUNT * AREA + P16_COUNT * AREA * 2)

/** Slot header: u32 fields (index into a Uint32Array over the header). */
export const SH = {
  CHUNK_LO: 0, // chunk id, low 32 bits
  CHUNK_HI: 1, // chunk id, high bits
  BASE_LO: 2, // global id of local cell (0,0), low 32 bits (poles: 0 / 1)
  BASE_HI: 3,
  N: 4, // world frequency (row stride of global ids: id(i,j) = base + i·n + j)
  ROWS: 5, // real rows of the chunk (1..64; poles 1)
  COLS: 6, // real columns
  FLAGS: 7, // SLOT_FLAG_*
  LAST_CHANGED: 8, // tick at which a cell of this chunk last changed (low 32 bits)
  HASH_LO: 9, // chunk hash of the current copy (see hash.ts), low half
  HASH_HI: 10,
  HALO_COUNT: 11, // entries used in the halo table
  STRUCTURES: 12, // number of structures in the chunk (keeps it active)
  CHANGED: 13, // cells changed by the last tick
  POLE: 14, // 0, or 1 = north pole chunk, 2 = south pole chunk
  RESERVED: 15,
  PROD: 16, // 16 u32 counters from here: items produced in this chunk, by item id (cumulative, not hashed)
} as const
export const PROD_COUNTERS = 16
export const SLOT_HEADER_BYTES = 128

/** Slot flags. */
export const SLOT_FLAG = {
  USED: 1, // the slot holds a chunk
  ACTIVE: 2, // ticked this tick (else resident-frozen: only read through halos)
  ASLEEP: 4, // last tick changed nothing, nothing random could happen, halo unchanged
  MODIFIED: 8, // differs from the generated chunk (must be stored)
} as const

/**
 * Halo table entry (HALO_ENTRY_BYTES = 16): where one halo position's cell lives.
 *   u16 pos        slot position (index) of the halo cell in this slot
 *   u16 srcPos     slot position of the same cell in its home slot
 *   u32 srcSlot    home slot index (NO_SLOT: not resident -> the position stays VOID)
 *   u8 dirmap[6]   dirmap[e] = the slot direction (0..5) from pos that leads to the
 *                  cell which is the source cell's neighbour in ITS direction e,
 *                  or 255 when that neighbour is not an interior cell of this slot.
 *                  Used to read the halo cell's DIR / input direction in this
 *                  slot's frame (frames rotate across diamond seams).
 *   u8 pad[2]
 */
export const HALO_ENTRY_BYTES = 16
export const HE = { POS: 0, SRC_POS: 2, SRC_SLOT: 4, DIRMAP: 8 } as const
/** Maximum halo entries: the ring of a 66×66 slot. */
export const HALO_MAX = 4 * (STRIDE - 1)
export const NO_SLOT = 0xffffffff
export const NO_DIR = 255

export const HALO_OFFSET = SLOT_HEADER_BYTES
export const COPY0_OFFSET = align8(HALO_OFFSET + HALO_MAX * HALO_ENTRY_BYTES)
/** Bytes of one slot. */
export const SLOT_BYTES = align8(COPY0_OFFSET + 2 * COPY_BYTES)

/** World header: u32 fields. */
export const WH = {
  MAGIC: 0, // WORLD_MAGIC
  VERSION: 1, // LAYOUT_VERSION
  EPOCH: 2, // current copy = EPOCH & 1; incremented by each committed tick
  TICK_LO: 3, // committed tick, low 32 bits
  TICK_HI: 4,
  SEED_LO: 5, // world seed (64-bit)
  SEED_HI: 6,
  N: 7, // world frequency
  CAPACITY: 8, // number of slots in the buffer
  ACTIVE_COUNT: 9, // (informative) active slots in the last tick
} as const
export const WORLD_HEADER_BYTES = 64
export const WORLD_MAGIC = 0x44584548 // "HEXD" little-endian
export const LAYOUT_VERSION = 1

/** Byte offset of slot s in the buffer. */
export const slotOffset = (s: number): number => WORLD_HEADER_BYTES + s * SLOT_BYTES
/** Byte offset of copy c (0/1) of slot s. */
export const copyOffset = (s: number, c: number): number => slotOffset(s) + COPY0_OFFSET + c * COPY_BYTES
/** Total bytes of a buffer with `capacity` slots. */
export const bufferBytes = (capacity: number): number => WORLD_HEADER_BYTES + capacity * SLOT_BYTES

/** Slot position of local (i, j), each −1..64. */
export const pos = (i: number, j: number): number => (i + 1) * STRIDE + (j + 1)

/**
 * Every layout constant in one flat object, for the native header generator
 * and for the native engineer to mirror (and check at runtime). The plane
 * tables are prefixed PL8_ / PL16_ (as in cc/engine_gen.h), not P8_ / P16_:
 * with P8_ the COUNT plane (6) would overwrite P8_COUNT (the number of planes, 12).
 */
export const LAYOUT = {
  CHUNK, STRIDE, AREA, P8_COUNT, P16_COUNT, COPY_BYTES, SLOT_HEADER_BYTES, HALO_ENTRY_BYTES, HALO_MAX,
  HALO_OFFSET, COPY0_OFFSET, SLOT_BYTES, WORLD_HEADER_BYTES, WORLD_MAGIC, LAYOUT_VERSION, NO_SLOT, NO_DIR, PROD_COUNTERS,
  ...prefix('PL8_', P8), ...prefix('PL16_', P16), ...prefix('SH_', SH), ...prefix('SLOT_FLAG_', SLOT_FLAG),
  ...prefix('HE_', HE), ...prefix('WH_', WH),
} as const

function prefix<P extends string, O extends Record<string, number>>(p: P, o: O): { readonly [K in keyof O & string as `${P}${K}`]: O[K] } {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [p + k, v])) as { readonly [K in keyof O & string as `${P}${K}`]: O[K] }
}

function align8(x: number): number {
  return (x + 7) & ~7
}
