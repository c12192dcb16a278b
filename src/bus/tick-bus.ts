/**
 * TickBus: the daemon's bus. As a {@link TickListener} it appends each tick's
 * records to the event log (topics `ticks`, `chunks`, `events`, see
 * tick-event.ts) and hands the event to in-process fan-out listeners (the
 * ZeroMQ PUB face). Appends to one partition stay in tick order; failures are
 * logged and counted, never thrown into the tick loop. It also enforces the
 * log's retention every `retentionEveryMs`.
 *
 * @example
 * const bus = await TickBus.open(log, { logger })
 * bus.addListener(zmqFace)           // PUB fan-out
 * daemon.addTickListener(bus)        // bus.onTick(ev) once per tick
 */
import type { Logger } from 'pino'
import type { EventLog } from './log.ts'
import { TICK_TOPICS, tickRecords, type TickEvent, type TickListener } from './tick-event.ts'

export interface TickBusOptions { logger?: Logger; retentionEveryMs?: number }

export class TickBus implements TickListener {
  /** `pending` = ticks handed over but not yet in the log (a slow backend shows here). */
  readonly stats = { ticks: 0, records: 0, appendErrors: 0, dropped: 0, pending: 0 }
  private readonly listeners: TickListener[] = []
  private chain: Promise<void> = Promise.resolve()
  private timer?: NodeJS.Timeout

  private constructor(readonly log: EventLog, private readonly o: TickBusOptions) {}

  /** Creates the tick topics (if missing) and starts retention. */
  static async open(log: EventLog, o: TickBusOptions = {}): Promise<TickBus> {
    for (const [t, n] of Object.entries(TICK_TOPICS)) await log.createTopic(t, n)
    const bus = new TickBus(log, o)
    bus.timer = setInterval(() => {
      log.enforceRetention().then((r) => { bus.stats.dropped += r.dropped }, (err) => o.logger?.warn({ err }, 'event-log retention failed'))
    }, o.retentionEveryMs ?? 5000)
    bus.timer.unref()
    return bus
  }

  addListener(l: TickListener): void { this.listeners.push(l) }

  onTick(ev: TickEvent): void {
    this.stats.ticks++
    for (const l of this.listeners) {
      try { l.onTick(ev) } catch (err) { this.o.logger?.warn({ err }, 'tick listener failed') }
    }
    const recs = tickRecords(ev)
    this.stats.pending++
    if (this.stats.pending === 100) this.o.logger?.warn({ pending: this.stats.pending, backend: this.log.backend.kind }, 'event log is 100 ticks behind')
    // Chained so tick t+1's records never overtake tick t's, whatever the backend latency.
    // The topics of one tick are appended together: the durable embedded log then stores them
    // in one group commit (one fsync per tick).
    this.chain = this.chain.then(async () => {
      await Promise.all(Object.entries(recs).filter(([, items]) => items.length > 0).map(async ([topic, items]) => {
        await this.log.appendBatch(topic, items)
        this.stats.records += items.length
      }))
    }).catch((err) => { this.stats.appendErrors++; this.o.logger?.error({ err, tick: ev.tick }, 'event-log append failed') })
      .finally(() => { this.stats.pending-- })
  }

  /** Resolves when every tick handed over so far is in the log. */
  flush(): Promise<void> { return this.chain }

  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.chain
  }
}
