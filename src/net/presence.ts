/**
 * Presence: who is online, in the Phoenix Presence format so the `phoenix`
 * client's Presence class works unmodified. Key = player id; one meta per
 * attached transport `{phx_ref, name, transport, online_at}`. Each change is
 * handed to `onDiff` (the daemon appends it to every session's outbox).
 *
 * @example
 * const p = new PresenceTracker((diff) => broadcast(diff))
 * const ref = p.track(7, 'alice', 'websocket')
 * p.untrack(7, ref)
 */
import { randomBytes } from 'node:crypto'

export interface PresenceMeta { phx_ref: string; name: string; transport: string; online_at: number }
export type PresenceState = Record<string, { metas: PresenceMeta[] }>
export interface PresenceDiff { joins: PresenceState; leaves: PresenceState }

export class PresenceTracker {
  private readonly state = new Map<string, PresenceMeta[]>()
  constructor(private readonly onDiff: (diff: PresenceDiff) => void) {}

  /** Adds a meta for player `id`; returns its phx_ref for untrack. */
  track(id: string, name: string, transport: string): string {
    const meta: PresenceMeta = { phx_ref: randomBytes(6).toString('base64url'), name, transport, online_at: Date.now() }
    const metas = this.state.get(id) ?? []
    metas.push(meta)
    this.state.set(id, metas)
    this.onDiff({ joins: { [id]: { metas: [meta] } }, leaves: {} })
    return meta.phx_ref
  }

  /** Removes one meta (no-op if already gone). */
  untrack(id: string, ref: string): void {
    const metas = this.state.get(id)
    const i = metas ? metas.findIndex((m) => m.phx_ref === ref) : -1
    if (!metas || i < 0) return
    const [meta] = metas.splice(i, 1)
    if (metas.length === 0) this.state.delete(id)
    this.onDiff({ joins: {}, leaves: { [id]: { metas: [meta] } } })
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

  /** Attached transports by kind (for metrics). */
  byTransport(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const metas of this.state.values()) for (const m of metas) out[m.transport] = (out[m.transport] ?? 0) + 1
    return out
  }
}
