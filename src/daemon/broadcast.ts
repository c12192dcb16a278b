/**
 * Broadcast of world changes to sessions. Each tick, for every changed chunk
 * that at least one session watches, the chunk's diff is read and serialized
 * exactly once ({@link shareChunk}) and the same object is handed to every
 * session watching it. Also keeps the watch index (chunk -> sessions) in step
 * with each session's area of interest: when a player's chunk changes, the
 * session gets a snapshot of only the chunks it newly watches.
 *
 * @example
 * const b = new Broadcaster({ aoi: (pid) => game.areaOfInterest(pid), diff: (id) => world.chunkDiff(id), snapshot })
 * b.add(session)                       // watch + first snapshot
 * b.tick(tick, changedChunks)          // once per tick, after the commit point
 * const fan = b.prepare(tick, changed)  // or: serialize at the step, append after the commit
 * fan.to(session); fan.all()
 */
import { shareChunk, type SharedChunk } from '../net/outbox.ts'
import type { Session } from '../net/sessions.ts'
import type { CellView, WorldSnapshot } from '../net/types.ts'

export interface BroadcastSource {
  /** The chunks a player watches by default. */
  aoi(playerId: string): number[]
  /** The cells of `chunk` that changed in the last tick. */
  diff(chunk: number): CellView[]
  snapshot(chunks: number[]): WorldSnapshot
}

/** One tick's diffs, ready to append (see {@link Broadcaster.prepare}). Each session gets its diff once. */
export interface Fanout {
  to(s: Session): void
  all(): void
}

export class Broadcaster {
  private readonly watchers = new Map<number, Set<Session>>()
  private readonly sessions = new Set<Session>()
  /** Diffs serialized in the last tick (each once, however many sessions got it). */
  lastShared = 0
  /** Session deliveries in the last tick. */
  lastDeliveries = 0

  constructor(private readonly src: BroadcastSource) {}

  /** Starts broadcasting to `s` and queues its first snapshot. */
  add(s: Session): void {
    this.sessions.add(s)
    this.rewatch(s, true)
  }

  remove(s: Session): void {
    this.sessions.delete(s)
    for (const id of s.watched) this.watchers.get(id)?.delete(s)
    s.watched = new Set()
  }

  /** Recomputes what `s` watches (area of interest + explicit subscriptions); snapshots new chunks. */
  rewatch(s: Session, first = false): void {
    const want = new Set([...this.src.aoi(s.player.id), ...s.extra])
    const added: number[] = []
    for (const id of want) if (!s.watched.has(id)) added.push(id)
    for (const id of s.watched) if (!want.has(id)) this.watchers.get(id)?.delete(s)
    for (const id of added) {
      let set = this.watchers.get(id)
      if (!set) this.watchers.set(id, (set = new Set()))
      set.add(s)
    }
    s.watched = want
    if (first || added.length > 0) s.outbox.pushSnapshot(this.src.snapshot(first ? [...want] : added))
  }

  /** Fans out the diffs of `changed` chunks for `tick` now. */
  tick(tick: number, changed: Iterable<number>): void {
    this.prepare(tick, changed).all()
  }

  /**
   * Reads and serializes the diffs of `changed` chunks for `tick` now (they are "since the
   * previous tick", so this must run before the next step) and returns their delivery, which the
   * daemon runs once the tick's journal commit resolved: `to(s)` appends session `s`'s diff (the
   * daemon does it right after answering that session's actions, so both leave in one write),
   * `all()` every diff not appended yet.
   */
  prepare(tick: number, changed: Iterable<number>): Fanout {
    const perSession = new Map<Session, SharedChunk[]>()
    let shared = 0
    for (const id of changed) {
      const set = this.watchers.get(id)
      if (!set || set.size === 0) continue
      const cells = this.src.diff(id)
      if (cells.length === 0) continue
      const chunk = shareChunk({ id, cells })
      shared++
      for (const s of set) {
        const list = perSession.get(s)
        if (list) list.push(chunk)
        else perSession.set(s, [chunk])
      }
    }
    this.lastShared = shared
    this.lastDeliveries = perSession.size
    return {
      to(s) {
        const chunks = perSession.get(s)
        if (!chunks) return
        perSession.delete(s)
        if (!s.closed) s.outbox.pushDiff(tick, tick, chunks)
      },
      all() {
        for (const [s, chunks] of perSession) if (!s.closed) s.outbox.pushDiff(tick, tick, chunks)
        perSession.clear()
      },
    }
  }

  /** Players whose area of interest may have changed (moved): rewatch their sessions. */
  moved(playerIds: Set<string>): void {
    if (playerIds.size === 0) return
    for (const s of this.sessions) if (playerIds.has(s.player.id)) this.rewatch(s)
  }
}
