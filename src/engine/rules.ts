/**
 * The rule phases of the TS reference tick, one function per phase over one
 * slot's planes. Every phase reads only `cur` (the committed state, halo
 * included) and writes only `nxt` at the slot's real cells, so phases and
 * chunks can run in any order. The native kernel ports these functions line by
 * line; docs/RULES.md is the specification they are checked against.
 *
 * Directions: a cell's DIR / input direction is in its own diamond's frame;
 * `dm[q*6 + e]` turns direction e of the cell at slot position q into this
 * slot's frame (identity for the chunk's own cells, the halo table's dirmap
 * for halo cells, 255 = leads nowhere in this slot).
 */
import { DIR_OFFSETS as DIR_OFFSETS_, SH as SH_ } from './layout.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const DIR_OFFSETS = DIR_OFFSETS_
const SH = SH_
import { KIND as KIND_, PROTO_CONDUCTS as PROTO_CONDUCTS_, PROTO_KIND as PROTO_KIND_, RECIPE_BY_ID as RECIPE_BY_ID_, RES as RES_, RULE as RULE_, SALT as SALT_, TERRAIN as TERRAIN_ } from './content.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const KIND = KIND_
const PROTO_CONDUCTS = PROTO_CONDUCTS_
const PROTO_KIND = PROTO_KIND_
const RECIPE_BY_ID = RECIPE_BY_ID_
const RES = RES_
const RULE = RULE_
const SALT = SALT_
const TERRAIN = TERRAIN_
import { hi32 as hi32_, lo32 as lo32_, rand32 as rand32_ } from './hash.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const hi32 = hi32_
const lo32 = lo32_
const rand32 = rand32_
import type { Planes } from './slot.ts'

/** What a phase needs besides the planes. */
export interface PhaseCtx {
  seedLo: number
  seedHi: number
  /** The tick being computed (the committed tick + 1). */
  tick: number
  hdr: Uint32Array
  /** Direction map, AREA·6 entries (see file header). */
  dm: Uint8Array
}

const OFF = DIR_OFFSETS

/**
 * Winter ticks: every SEASON_TICKS ticks grass biomass dies back, so a settled
 * world wakes up, regrows and settles again. Sleeping chunks are ticked then too.
 */
export function isWinter(tick: number): boolean {
  return tick % RULE.SEASON_TICKS === 0
}

/** Biomass capacity of a terrain (0 = infertile). */
export function capOf(terrain: number): number {
  return terrain === TERRAIN.FOREST ? RULE.CAP_FOREST : terrain === TERRAIN.GRASS ? RULE.CAP_GRASS : 0
}

/**
 * Phase 1, resources: the biomass automaton on cells without a structure.
 * Returns true when a random event was possible somewhere (the chunk must not
 * sleep even if nothing changed).
 */
export function phaseResources(c: PhaseCtx, cur: Planes, nxt: Planes): boolean {
  const { terrain, res, amt, struct } = cur
  const rows = c.hdr[SH.ROWS], cols = c.hdr[SH.COLS], n = c.hdr[SH.N]
  const base = c.hdr[SH.BASE_LO] + c.hdr[SH.BASE_HI] * 4294967296
  let potential = false
  const winter = isWinter(c.tick)
  for (let i = 0; i < rows; i++) {
    const row = (i + 1) * 66 + 1
    for (let j = 0; j < cols; j++) {
      const q = row + j
      if (struct[q] !== 0) continue
      const r = res[q]
      if (winter && r === RES.BIOMASS && terrain[q] === TERRAIN.GRASS) {
        // Winter: grass biomass dies back to half; it regrows over the next ticks.
        if (amt[q] >= 2) nxt.amt[q] = amt[q] >> 1
        continue
      }
      const cap = capOf(terrain[q])
      if (r !== RES.BIOMASS && !(r === RES.NONE && cap > 0)) continue
      let k = 0, sum = 0
      for (let f = 0; f < 6; f++) {
        const u = q + OFF[f]
        if (res[u] === RES.BIOMASS) { k++; sum += amt[u] }
      }
      const a = amt[q]
      if (r === RES.BIOMASS) {
        if (k === 0 || cap === 0) {
          // Isolation (or infertile ground): wither by 1.
          nxt.amt[q] = a - 1
          if (a <= 1) { nxt.amt[q] = 0; nxt.res[q] = RES.NONE }
          continue
        }
        if (k === 6 && a === cap && terrain[q] === TERRAIN.FOREST) {
          potential = true
          const id = base + i * n + j
          if (rand32(c.seedLo, c.seedHi, c.tick, lo32(id), hi32(id), SALT.COAL) % RULE.COAL_ODDS === 0) {
            nxt.res[q] = RES.COAL
            nxt.amt[q] = RULE.COAL_FROM_BIOMASS
          }
          continue
        }
        // Growth toward cap plus one-sided diffusion: a cell is pulled up toward
        // its biomass neighbours' amounts (seeds spreading), never down. Amounts
        // only rise until cap, so every region reaches a fixed point and sleeps
        // (two-sided integer diffusion can oscillate forever).
        const pull = sum - k * a
        let v = a + (a < cap ? 1 : 0) + (pull > 0 ? Math.floor(pull / 8) : 0)
        if (v > cap) v = cap
        nxt.amt[q] = v
      } else if (k === 2 || k === 3) {
        // Birth on empty fertile ground.
        potential = true
        const id = base + i * n + j
        if (rand32(c.seedLo, c.seedHi, c.tick, lo32(id), hi32(id), SALT.BIRTH) % RULE.BIRTH_ODDS === 0) {
          nxt.res[q] = RES.BIOMASS
          nxt.amt[q] = 1
        }
      }
    }
  }
  return potential
}

/**
 * Phase 2, power: a conducting structure's power is the max of its own
 * generation (solar: SOLAR_LEVEL; generator while burning: GENERATOR_LEVEL)
 * and its conducting neighbours' power − 1; anything else has power 0.
 */
export function phasePower(c: PhaseCtx, cur: Planes, nxt: Planes): void {
  const { struct, power, progress } = cur
  const rows = c.hdr[SH.ROWS], cols = c.hdr[SH.COLS]
  for (let i = 0; i < rows; i++) {
    const row = (i + 1) * 66 + 1
    for (let j = 0; j < cols; j++) {
      const q = row + j
      const st = struct[q]
      if (PROTO_CONDUCTS[st] === 0) {
        if (power[q] !== 0) nxt.power[q] = 0
        continue
      }
      const kind = PROTO_KIND[st]
      let best = kind === KIND.SOLAR ? RULE.SOLAR_LEVEL : kind === KIND.GENERATOR && progress[q] > 0 ? RULE.GENERATOR_LEVEL : 0
      for (let f = 0; f < 6; f++) {
        const u = q + OFF[f]
        if (PROTO_CONDUCTS[struct[u]] !== 0 && power[u] - 1 > best) best = power[u] - 1
      }
      nxt.power[q] = best
    }
  }
}

/** Own-frame output direction of an emitting structure at q this tick, or 255. */
function outDir(cur: Planes, q: number, tick: number): number {
  const kind = PROTO_KIND[cur.struct[q]]
  if (kind === KIND.EXTRACTOR || kind === KIND.CONVEYOR || kind === KIND.MACHINE) return cur.dir[q]
  if (kind === KIND.SPLITTER) return (cur.dir[q] + ((tick & 1) === 0 ? 1 : 5)) % 6
  return 255
}

/**
 * Whether the structure at slot position t accepts one item of kind `item`
 * from its neighbour in slot direction `from`. Depends only on t's own state,
 * so the sender and the receiver decide identically.
 */
export function accepts(cur: Planes, dm: Uint8Array, t: number, from: number, item: number): boolean {
  const kind = PROTO_KIND[cur.struct[t]]
  if (kind === KIND.CONVEYOR || kind === KIND.SPLITTER) {
    return cur.count[t] === 0 && dm[t * 6 + cur.recipe[t]] === from
  }
  if (kind === KIND.MACHINE) {
    const r = RECIPE_BY_ID[cur.recipe[t]]
    if (r === undefined) return false
    return (item === r.a && cur.inA[t] <= RULE.IN_CAP - 6) || (r.b !== 0 && item === r.b && cur.inB[t] <= RULE.IN_CAP - 6)
  }
  if (kind === KIND.GENERATOR) return (item === RES.COAL || item === RES.BIOMASS) && cur.inA[t] <= RULE.IN_CAP - 6
  if (kind === KIND.STORAGE) return cur.recipe[t] !== 0 && item === cur.recipe[t] && cur.stock[t] <= RULE.STOCK_MAX - 6
  return false
}

/**
 * Phase 3, structures: item transfers (each emitter offers one item per tick
 * to the cell its output direction points at; the item moves when that cell
 * accepts it), machine recipes, extraction, fuel burning and storage.
 * Returns true when a tick-dependent event was possible (a loaded splitter).
 */
export function phaseStructures(c: PhaseCtx, cur: Planes, nxt: Planes): boolean {
  const { struct, count, item, progress, inA, inB, power, dm } = { ...cur, dm: c.dm }
  const rows = c.hdr[SH.ROWS], cols = c.hdr[SH.COLS], tick = c.tick
  let potential = false
  for (let i = 0; i < rows; i++) {
    const row = (i + 1) * 66 + 1
    for (let j = 0; j < cols; j++) {
      const q = row + j
      const st = struct[q]
      if (st === 0) continue
      const kind = PROTO_KIND[st]
      // Sending: does my item leave this tick?
      let sent = 0
      if (count[q] > 0) {
        const od = outDir(cur, q, tick)
        if (od !== 255) {
          const f = dm[q * 6 + od]
          if (f !== 255 && accepts(cur, dm, q + OFF[f], (f + 3) % 6, item[q])) sent = 1
        }
        if (kind === KIND.SPLITTER) potential = true
      }
      // Receiving: every neighbour whose output points at me and whose item I accept.
      let recvA = 0, recvB = 0, recvItem = 0, recvN = 0
      if (kind !== KIND.EXTRACTOR && kind !== KIND.SOLAR && kind !== KIND.POLE) {
        for (let f = 0; f < 6; f++) {
          const u = q + OFF[f]
          if (count[u] === 0 || struct[u] === 0) continue
          const od = outDir(cur, u, tick)
          if (od === 255 || dm[u * 6 + od] !== (f + 3) % 6) continue
          const it = item[u]
          if (!accepts(cur, dm, q, f, it)) continue
          recvN++
          recvItem = it
          if (kind === KIND.MACHINE) {
            const r = RECIPE_BY_ID[cur.recipe[q]]!
            if (it === r.a) recvA++
            else recvB++
          } else if (kind === KIND.GENERATOR) recvA++
        }
      }
      switch (kind) {
        case KIND.CONVEYOR:
        case KIND.SPLITTER:
          if (sent) { nxt.count[q] = 0; nxt.item[q] = 0 } else if (recvN > 0) { nxt.count[q] = 1; nxt.item[q] = recvItem }
          break
        case KIND.STORAGE:
          if (recvN > 0) nxt.stock[q] = cur.stock[q] + recvN
          break
        case KIND.GENERATOR: {
          let fuel = inA[q] + recvA
          if (progress[q] > 0) nxt.progress[q] = progress[q] - 1
          else if (inA[q] > 0) { fuel--; nxt.progress[q] = RULE.BURN_TICKS }
          nxt.inA[q] = fuel
          break
        }
        case KIND.EXTRACTOR: {
          let cnt = count[q] - sent
          let it = item[q]
          const r = cur.res[q]
          if (power[q] > 0 && r !== RES.NONE && cur.amt[q] > 0 && count[q] < RULE.OUT_CAP) {
            const p = progress[q] + 1
            if (p >= RULE.EXTRACT_TICKS) {
              nxt.progress[q] = 0
              nxt.amt[q] = cur.amt[q] - 1
              if (cur.amt[q] === 1) nxt.res[q] = RES.NONE
              cnt++
              it = r // resource r yields item r
              c.hdr[SH.PROD + r] = (c.hdr[SH.PROD + r] + 1) >>> 0
            } else nxt.progress[q] = p
          }
          nxt.count[q] = cnt
          nxt.item[q] = cnt > 0 ? it : 0
          break
        }
        case KIND.MACHINE: {
          const r = RECIPE_BY_ID[cur.recipe[q]]
          let a = inA[q] + recvA, b = inB[q] + recvB, cnt = count[q] - sent, it = item[q]
          if (r !== undefined && power[q] > 0) {
            const p = progress[q]
            if (p === 0) {
              if (inA[q] >= r.aCount && inB[q] >= r.bCount) { a -= r.aCount; b -= r.bCount; nxt.progress[q] = 1 }
            } else if (p >= r.ticks) {
              if (count[q] + r.outCount <= RULE.OUT_CAP) {
                cnt += r.outCount
                it = r.out
                nxt.progress[q] = 0
                c.hdr[SH.PROD + r.out] = (c.hdr[SH.PROD + r.out] + r.outCount) >>> 0
              }
            } else nxt.progress[q] = p + 1
          }
          nxt.inA[q] = a
          nxt.inB[q] = b
          nxt.count[q] = cnt
          nxt.item[q] = cnt > 0 ? it : 0
          break
        }
        default:
          break
      }
    }
  }
  return potential
}
