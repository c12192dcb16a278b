/**
 * Player records: index (u16, from 1, the value stored in the OWNER plane),
 * id (from the transport/session), name, position (cell), online flag and
 * inventory (item counts). Records live in index order, so iteration and the
 * players hash are deterministic.
 */
import { ITEM_NAMES } from './content.ts'
import { Hash64 } from './hash.ts'

/** A player as the API reports it. */
export interface Player {
  index: number
  id: string
  name: string
  cell: number
  online: boolean
  /** Non-zero item counts by item name. */
  inventory: Record<string, number>
}

/** The mutable record the engine keeps. */
export interface PlayerRec {
  index: number
  id: string
  name: string
  cell: number
  online: boolean
  /** Counts by item id. */
  inv: number[]
}

/** Most players a world can hold (OWNER is a u16; 0 = unowned). */
export const MAX_PLAYERS = 65535

export class Players {
  private readonly list: PlayerRec[] = []
  private readonly byId = new Map<string, PlayerRec>()
  /**
   * The last hash, until a record changes. The world hash (every tick, on the path of every
   * reply) folds this in; recomputing it walked every record: 0.33 ms a tick at 1000 players.
   */
  private cached: [number, number] | null = null

  get(id: string): PlayerRec | undefined { return this.byId.get(id) }
  byIndex(index: number): PlayerRec | undefined { return this.list[index - 1] }
  all(): readonly PlayerRec[] { return this.list }
  get size(): number { return this.list.length }

  /** Adds a new player with the next index. */
  add(id: string, name: string, cell: number): PlayerRec {
    const rec: PlayerRec = { index: this.list.length + 1, id, name, cell, online: true, inv: new Array(ITEM_NAMES.length).fill(0) }
    this.list.push(rec)
    this.byId.set(id, rec)
    this.cached = null
    return rec
  }

  /**
   * Says that a record was changed in place (applyAction calls it after every accepted action:
   * records are changed only there). Whoever else changes a record must call it too, or `hash()`
   * stays stale.
   */
  changed(): void { this.cached = null }

  /** 64-bit hash of all records in index order (index, id, name, cell, online, inventory). */
  hash(): [number, number] {
    if (!this.cached) this.cached = this.computeHash()
    return [this.cached[0], this.cached[1]]
  }

  private computeHash(): [number, number] {
    const h = new Hash64()
    h.word(this.list.length)
    for (const p of this.list) {
      h.word(p.index)
      h.str(p.id)
      h.str(p.name)
      h.int(p.cell)
      h.word(p.online ? 1 : 0)
      for (const c of p.inv) h.word(c)
    }
    return h.digest()
  }

  /** Public view of a record. */
  static view(p: PlayerRec): Player {
    const inventory: Record<string, number> = {}
    p.inv.forEach((c, i) => { if (c > 0) inventory[ITEM_NAMES[i]] = c })
    return { index: p.index, id: p.id, name: p.name, cell: p.cell, online: p.online, inventory }
  }

  /** JSON form for snapshots. */
  toJSON(): PlayerRec[] { return this.list.map((p) => ({ ...p, inv: [...p.inv] })) }

  /** Rebuilds from snapshot JSON. */
  static fromJSON(recs: PlayerRec[]): Players {
    const ps = new Players()
    for (const r of recs) {
      const rec = ps.add(r.id, r.name, r.cell)
      rec.online = r.online
      rec.inv = [...r.inv]
    }
    ps.changed()
    return ps
  }
}
