/**
 * The TS reference tick over the slot buffer, and the TickBackend interface
 * every compute mode implements (js here; thread/process in src/native).
 *
 * One tick T (= committed tick + 1), given the ordered list of active slots:
 * 1. halo: for every active slot, copy each halo entry's cell (all planes) from
 *    its home slot's current copy into this slot's current copy (VOID when the
 *    home slot is NO_SLOT), noting whether any halo byte changed;
 * 2. for every active slot that is not (ASLEEP and halo unchanged): copy the
 *    current copy to next, run phaseResources, phasePower, phaseStructures,
 *    then compare next with current: changed cells -> LAST_CHANGED = T, the
 *    chunk hash of next, CHANGED; ASLEEP = nothing changed and no random /
 *    tick-dependent event was possible;
 *    a sleeping slot is skipped: both of its copies are already identical;
 * 3. the caller flips the world epoch (the commit).
 * Frozen (resident, not active) slots are never written; both their copies
 * are kept identical, so the flip leaves them unchanged.
 */
import { AREA as AREA_, HE as HE_, HALO_ENTRY_BYTES as HALO_ENTRY_BYTES_, NO_SLOT as NO_SLOT_, P8_COUNT as P8_COUNT_, SH as SH_, SLOT_FLAG as SLOT_FLAG_, WH as WH_ } from './layout.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const AREA = AREA_
const HE = HE_
const HALO_ENTRY_BYTES = HALO_ENTRY_BYTES_
const NO_SLOT = NO_SLOT_
const P8_COUNT = P8_COUNT_
const SH = SH_
const SLOT_FLAG = SLOT_FLAG_
const WH = WH_
import { chunkHashOf, type SlotView } from './slot.ts'
import { phasePower, phaseResources, phaseStructures, isWinter, type PhaseCtx } from './rules.ts'

/** What a backend needs to tick: the buffer and derived per-slot data. */
export interface TickInput {
  /** The state buffer (layout.ts); the world header holds epoch, tick and seed. */
  buffer: ArrayBufferLike
  /** Views of every slot, by slot index. */
  slots: ReadonlyArray<SlotView | undefined>
  /** Direction maps (AREA·6) by slot index, derived from the halo tables. */
  dirmaps: ReadonlyArray<Uint8Array | undefined>
  /** Active slot indices, ascending. */
  active: readonly number[]
  /**
   * Which slots the TS side wrote since a mark (ChunkSet implements it): lets
   * a native worker keep what it knows about halos across tick requests.
   * Absent: the backend assumes any slot may have been written.
   */
  written?: WriteLog
}

/**
 * Slots whose planes the engine wrote outside a tick (actions, loads,
 * generation, setActive's sync, unload), counted by a monotonic mark.
 * @example const m = log.writes; ...; log.writtenSince(m) // [3, 7]
 */
export interface WriteLog {
  /** The mark now: the number of writes so far. */
  readonly writes: number
  /** Slots written after `mark` (ascending, each once). */
  writtenSince(mark: number): number[]
}

/** What a tick reports back per active slot. */
export interface TickOutput {
  /** Slots whose real cells changed in this tick. */
  changedSlots: number[]
  /** Cells updated (ticked, not skipped) in this tick: for cell-updates/s. */
  cellsUpdated: number
}

/**
 * A compute mode: computes tick T = committed + 1 into the next copies of the
 * active slots. It does not flip the epoch (the world does, after the tick).
 */
export interface TickBackend {
  readonly name: string
  tick(input: TickInput): TickOutput | Promise<TickOutput>
  close?(): void | Promise<void>
}

/**
 * Copies a slot's halo from the home slots' current copies (step 1).
 * @returns true when any halo byte changed
 */
export function copyHalo(sv: SlotView, slots: ReadonlyArray<SlotView | undefined>, cur: number): boolean {
  const count = sv.hdr[SH.HALO_COUNT]
  const dst = sv.copies[cur]
  const d8 = dst.all, dOwner = dst.owner, dStock = dst.stock
  let changed = false
  for (let e = 0; e < count; e++) {
    const q = sv.haloU16[(e * HALO_ENTRY_BYTES + HE.POS) >> 1]
    const srcSlot = sv.haloU32[(e * HALO_ENTRY_BYTES + HE.SRC_SLOT) >> 2]
    const src = srcSlot === NO_SLOT ? undefined : slots[srcSlot]
    if (src === undefined) {
      for (let p = 0; p < P8_COUNT; p++) if (d8[p * AREA + q] !== 0) { d8[p * AREA + q] = 0; changed = true }
      if (dOwner[q] !== 0 || dStock[q] !== 0) { dOwner[q] = 0; dStock[q] = 0; changed = true }
      continue
    }
    const sq = sv.haloU16[(e * HALO_ENTRY_BYTES + HE.SRC_POS) >> 1]
    const s = src.copies[cur]
    const s8 = s.all
    for (let p = 0; p < P8_COUNT; p++) {
      const v = s8[p * AREA + sq]
      if (d8[p * AREA + q] !== v) { d8[p * AREA + q] = v; changed = true }
    }
    if (dOwner[q] !== s.owner[sq]) { dOwner[q] = s.owner[sq]; changed = true }
    if (dStock[q] !== s.stock[sq]) { dStock[q] = s.stock[sq]; changed = true }
  }
  return changed
}

/**
 * Step 2 for one slot: computes next from current. Returns whether any real
 * cell changed. Updates the slot header (LAST_CHANGED, CHANGED, HASH, ASLEEP).
 */
export function tickSlot(sv: SlotView, dm: Uint8Array, cur: number, seedLo: number, seedHi: number, tick: number): boolean {
  const c = sv.copies[cur], x = sv.copies[cur ^ 1]
  x.all.set(c.all)
  const ctx: PhaseCtx = { seedLo, seedHi, tick, hdr: sv.hdr, dm }
  let potential = phaseResources(ctx, c, x)
  phasePower(ctx, c, x)
  potential = phaseStructures(ctx, c, x) || potential
  const a = c.all32, b = x.all32
  let changed = false
  for (let w = 0; w < a.length; w++) if (a[w] !== b[w]) { changed = true; break }
  const hdr = sv.hdr
  if (changed) {
    let cells = 0
    const rows = hdr[SH.ROWS], cols = hdr[SH.COLS]
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const q = (i + 1) * 66 + 1 + j
        let diff = c.owner[q] !== x.owner[q] || c.stock[q] !== x.stock[q]
        for (let p = 0; p < P8_COUNT && !diff; p++) diff = c.all[p * AREA + q] !== x.all[p * AREA + q]
        if (diff) cells++
      }
    }
    hdr[SH.CHANGED] = cells
    hdr[SH.LAST_CHANGED] = tick >>> 0
    const [lo, hi] = chunkHashOf(x, hdr)
    hdr[SH.HASH_LO] = lo
    hdr[SH.HASH_HI] = hi
  } else {
    hdr[SH.CHANGED] = 0
  }
  hdr[SH.FLAGS] = (!changed && !potential) ? hdr[SH.FLAGS] | SLOT_FLAG.ASLEEP : hdr[SH.FLAGS] & ~SLOT_FLAG.ASLEEP
  return changed
}

/**
 * The TS reference backend (`--compute js`). `sleep: false` ticks sleeping
 * chunks too (same results, slower: the benchmark's baseline).
 * @example const out = jsBackend().tick(input)
 */
export function jsBackend(opts: { sleep?: boolean } = {}): TickBackend {
  const sleep = opts.sleep ?? true
  return {
    name: 'js',
    tick(input: TickInput): TickOutput {
      const wh = new Uint32Array(input.buffer, 0, 16)
      const cur = wh[WH.EPOCH] & 1
      const tick = (wh[WH.TICK_LO] + 1) >>> 0
      const seedLo = wh[WH.SEED_LO], seedHi = wh[WH.SEED_HI]
      const winter = isWinter(tick)
      const haloChanged: boolean[] = []
      for (const s of input.active) haloChanged.push(copyHalo(input.slots[s]!, input.slots, cur))
      const changedSlots: number[] = []
      let cellsUpdated = 0
      input.active.forEach((s, k) => {
        const sv = input.slots[s]!
        if (sleep && !winter && (sv.hdr[SH.FLAGS] & SLOT_FLAG.ASLEEP) !== 0 && !haloChanged[k]) return
        cellsUpdated += sv.hdr[SH.ROWS] * sv.hdr[SH.COLS]
        if (tickSlot(sv, input.dirmaps[s]!, cur, seedLo, seedHi, tick)) changedSlots.push(s)
      })
      return { changedSlots, cellsUpdated }
    },
  }
}
