/**
 * The analytics consumer: production statistics per player and per item,
 * built from the event log (consumer group `analytics` on `ticks` and
 * `events`). Delivery is at-least-once, so the state remembers the next
 * offset it applied per partition and ignores records below it: a redelivered
 * record is never counted twice.
 *
 * Counted: every action outcome per player (accepted/rejected, by action
 * type), and every engine event carrying an `item` (e.g. `produced`,
 * `consumed`): per player per item per event type, and per item in total.
 * Exposed by `stats()` (REST `GET /api/stats`, ZeroMQ `{"op":"stats"}`).
 *
 * @example
 * const a = new Analytics()
 * await a.start(log)   // consumes until stop()
 * a.stats().items.gear?.produced
 */
import type { EventLog } from './log.ts'
import type { Consumer } from './consumer.ts'
import type { LogRecord } from './types.ts'

export interface PlayerStats { actions: { accepted: number; rejected: number; byType: Record<string, number> }; items: Record<string, Record<string, number>> }
export interface StatsView { tick: number; players: Record<string, PlayerStats>; items: Record<string, ItemStats> }
/** Per item: totals per event type (e.g. produced), and the same per player. */
export interface ItemStats { totals: Record<string, number>; byPlayer: Record<string, Record<string, number>> }

export class Analytics {
  private tick = -1
  private readonly players = new Map<string, PlayerStats>()
  private readonly items = new Map<string, { totals: Record<string, number>; byPlayer: Record<string, Record<string, number>> }>()
  private readonly applied = new Map<string, number>()
  private consumers: Consumer[] = []
  private loops: Promise<void>[] = []

  /** Applies one log record of `topic`/`partition`, once (by offset). */
  apply(topic: string, partition: number, r: LogRecord): void {
    const k = `${topic}/${partition}`
    if (r.offset < (this.applied.get(k) ?? 0)) return
    this.applied.set(k, r.offset + 1)
    let v: any
    try { v = JSON.parse(r.value.toString('utf8')) } catch { return }
    if (typeof v.tick === 'number' && v.tick > this.tick) this.tick = v.tick
    if (topic === 'ticks') {
      for (const a of v.actions ?? []) {
        const p = this.player(String(a.player))
        if (a.ok) p.actions.accepted++
        else p.actions.rejected++
        p.actions.byType[a.type] = (p.actions.byType[a.type] ?? 0) + 1
      }
    } else if (topic === 'events' && typeof v.item === 'string') {
      const count = Number.isFinite(v.count) ? Number(v.count) : 1
      const type = String(v.type)
      const item = this.items.get(v.item) ?? { totals: {}, byPlayer: {} }
      this.items.set(v.item, item)
      item.totals[type] = (item.totals[type] ?? 0) + count
      if (v.player !== undefined && v.player !== null) {
        const pid = String(v.player)
        const pi = (item.byPlayer[pid] ??= {})
        pi[type] = (pi[type] ?? 0) + count
        const ps = this.player(pid)
        const pit = (ps.items[v.item] ??= {})
        pit[type] = (pit[type] ?? 0) + count
      }
    }
  }

  /** A JSON-ready copy of the statistics. */
  stats(): StatsView {
    const items: StatsView['items'] = {}
    for (const [name, s] of this.items) items[name] = structuredClone(s)
    return { tick: this.tick, players: Object.fromEntries([...this.players].map(([k, v]) => [k, structuredClone(v)])), items }
  }

  /** Consumer failures so far (each is logged through `onError` and the consumer restarted). */
  errors = 0
  private stopping = false

  /**
   * Starts consuming `ticks` and `events` of `log` as group `group` (default
   * 'analytics'). A failing consumer (e.g. NATS unreachable) is restarted from
   * its committed offsets after `retryMs`; it never takes the daemon down.
   */
  async start(log: EventLog, group = 'analytics', o: { onError?: (err: unknown) => void; retryMs?: number } = {}): Promise<void> {
    this.stopping = false
    for (const topic of ['ticks', 'events']) {
      const open = async (resume: boolean) => {
        // resume: false: the counts live in memory, so a new Analytics rebuilds them from the oldest retained record.
        const c = log.consumer(group, topic, { start: 'earliest', pollMs: 200, resume })
        await c.open()
        this.consumers.push(c)
        return c
      }
      // Resume from committed offsets only when this instance restarts a failed member (its counts are still here).
      let c: Consumer | undefined = await open(false)
      this.loops.push((async () => {
        while (!this.stopping) {
          try {
            // A fresh member starts from the committed offsets (records past them come again,
            // and apply() skips what it already counted).
            c ??= await open(true)
            await c.run(async (b) => {
              for (let i = 0; i < b.records.length; i++) {
                // One record per macrotask: a consumer that fell behind gets many ticks' records
                // in one batch (a tick's record lists its thousand actions), and applying them in
                // one go held a due tick for up to ~9 ms (docs/SERVE.md, ninth pass).
                if (i > 0) await new Promise((r) => setImmediate(r))
                this.apply(topic, b.partition, b.records[i])
              }
            })
            return
          } catch (err) {
            this.errors++
            o.onError?.(err)
            if (c) {
              const dead: Consumer = c
              await dead.close().catch(() => {})
              this.consumers = this.consumers.filter((x) => x !== dead)
              c = undefined
            }
            await new Promise((r) => setTimeout(r, o.retryMs ?? 1000))
          }
        }
      })())
    }
  }

  /** Stops the consumers (their last handled batch is committed). */
  async stop(): Promise<void> {
    this.stopping = true
    await Promise.all(this.consumers.map((c) => c.close()))
    await Promise.allSettled(this.loops)
    this.consumers = []
    this.loops = []
  }

  private player(id: string): PlayerStats {
    let p = this.players.get(id)
    if (!p) this.players.set(id, (p = { actions: { accepted: 0, rejected: 0, byType: {} }, items: {} }))
    return p
  }
}
