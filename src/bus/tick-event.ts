/**
 * The tick event the daemon hands its listeners once per tick (docs/CONTRACTS.md
 * "The daemon's data path", step 4), and how it maps onto event-log topics:
 *
 * | topic    | key        | one record per              | value (JSON)                                   |
 * | -------- | ---------- | --------------------------- | ---------------------------------------------- |
 * | `ticks`  | `tick`     | tick                        | `{tick, hash, actions:[{player,type,ok,code?}]}` |
 * | `chunks` | chunk id   | changed chunk               | `{tick, chunk, cells:[...]}`                    |
 * | `events` | chunk id (or `player.<id>`) | engine event | `{tick, type, ...}` e.g. `{type:'produced', player, item, count, chunk}` |
 */
export interface TickEvent {
  tick: number
  hash: string
  /** The tick's actions in applied order with their outcomes (`action.player` is the actor). */
  actions?: Array<{ action: Record<string, unknown>; outcome: { ok: boolean; code?: string } }>
  /** Changed cells per chunk (the broadcaster's diffs). */
  chunks?: Array<{ id: number; cells: unknown[] }>
  /** Engine events: `{type, player?, chunk?, item?, count?, ...}`. */
  events?: Array<{ type: string; [k: string]: unknown }>
}

export interface TickListener { onTick(ev: TickEvent): void }

/** The log topics a tick event is appended to, with their default partition counts. */
export const TICK_TOPICS = { ticks: 1, chunks: 8, events: 4 } as const

/** Splits a tick event into log records, per topic. */
export function tickRecords(ev: TickEvent): Record<keyof typeof TICK_TOPICS, Array<{ key: string; value: Buffer }>> {
  const actions = (ev.actions ?? []).map(({ action, outcome }) => ({ player: action.player, type: action.type, ok: outcome.ok, ...(outcome.ok ? {} : { code: outcome.code }) }))
  return {
    ticks: [{ key: 'tick', value: Buffer.from(JSON.stringify({ tick: ev.tick, hash: ev.hash, actions })) }],
    chunks: (ev.chunks ?? []).map((c) => ({ key: String(c.id), value: Buffer.from(JSON.stringify({ tick: ev.tick, chunk: c.id, cells: c.cells })) })),
    events: (ev.events ?? []).map((e) => ({ key: e.chunk !== undefined ? String(e.chunk) : `player.${e.player ?? ''}`, value: Buffer.from(JSON.stringify({ tick: ev.tick, ...e })) })),
  }
}
