/**
 * Presence: who is online, in the Phoenix Presence format so the `phoenix`
 * client's Presence class works unmodified. Key = player id; one meta per
 * attached transport `{phx_ref, name, transport, online_at}`.
 *
 * Changes are gathered and handed to `onDiff` as ONE diff per burst (the
 * `schedule` hook, the hub's batch), not one per change: a thousand clients
 * joining in one tick used to be a thousand diffs appended to each of a
 * thousand outboxes, and each joiner's `presence_state` a fresh serialization
 * of everyone (O(K²) both). A joiner's `presence_state` is `stateJson()`, cached
 * until the next diff goes out; it plus the diffs after it give the current
 * state, because Phoenix's syncDiff applies a join it already has and a leave of
 * a meta it does not have as no-ops (metas are matched by phx_ref).
 *
 * @example
 * const p = new PresenceTracker((diff) => broadcast(diff), (flush) => batch.add(flush))
 * const ref = p.track(7, 'alice', 'websocket')   // one diff at the end of the burst
 * p.untrack(7, ref)
 */
import { randomBytes } from 'node:crypto'

export interface PresenceMeta { phx_ref: string; name: string; transport: string; online_at: number }
export type PresenceState = Record<string, { metas: PresenceMeta[] }>
export interface PresenceDiff { joins: PresenceState; leaves: PresenceState }

export class PresenceTracker {
  private readonly state = new Map<string, PresenceMeta[]>()
  private joins: PresenceState = {}
  private leaves: PresenceState = {}
  private pending = false
  private stateText: string | null = null
  private readonly flushNow = (): void => this.flush()

  /**
   * `onDiff` gets each gathered diff. `schedule` (default: none, each change is its own diff at
   * once) is called with the flush function on the first change of a burst.
   */
  constructor(private readonly onDiff: (diff: PresenceDiff) => void, private readonly schedule?: (flush: () => void) => void) {}

  /** Adds a meta for player `id`; returns its phx_ref for untrack. */
  track(id: string, name: string, transport: string): string {
    const meta: PresenceMeta = { phx_ref: randomBytes(6).toString('base64url'), name, transport, online_at: Date.now() }
    const metas = this.state.get(id) ?? []
    metas.push(meta)
    this.state.set(id, metas)
    ;(this.joins[id] ??= { metas: [] }).metas.push(meta)
    this.changed()
    return meta.phx_ref
  }

  /** Removes one meta (no-op if already gone). */
  untrack(id: string, ref: string): void {
    const metas = this.state.get(id)
    const i = metas ? metas.findIndex((m) => m.phx_ref === ref) : -1
    if (!metas || i < 0) return
    const [meta] = metas.splice(i, 1)
    if (metas.length === 0) this.state.delete(id)
    // A join not yet announced is dropped from the diff; the leave is always sent, since a
    // presence_state handed out meanwhile may hold it (a leave of an unknown meta is a no-op).
    const j = this.joins[id]
    if (j) {
      j.metas = j.metas.filter((m) => m.phx_ref !== ref)
      if (j.metas.length === 0) delete this.joins[id]
    }
    ;(this.leaves[id] ??= { metas: [] }).metas.push(meta)
    this.changed()
  }

  /** Sends the gathered diff now (if any). */
  flush(): void {
    if (!this.pending) return
    this.pending = false
    const diff = { joins: this.joins, leaves: this.leaves }
    this.joins = {}
    this.leaves = {}
    this.stateText = null
    this.onDiff(diff)
  }

  /** True when player `id` has any transport attached. */
  isOnline(id: string): boolean { return this.state.has(id) }

  /** Count of online players. */
  get online(): number { return this.state.size }

  /** The full state, for `presence_state`. */
  list(): PresenceState {
    const out: PresenceState = {}
    for (const [id, metas] of this.state) out[id] = { metas: [...metas] }
    return out
  }

  /**
   * The full state as JSON for a joiner's `presence_state`, serialized at most once between two
   * diffs (see the header: it and the diffs sent after it add up to the current state).
   */
  stateJson(): string {
    return (this.stateText ??= JSON.stringify(this.list()))
  }

  /** Attached transports by kind (for metrics). */
  byTransport(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const metas of this.state.values()) for (const m of metas) out[m.transport] = (out[m.transport] ?? 0) + 1
    return out
  }

  private changed(): void {
    if (!this.schedule) { this.pending = true; this.flush(); return }
    if (this.pending) return
    this.pending = true
    this.schedule(this.flushNow)
  }
}
