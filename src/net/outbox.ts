/**
 * A session's outbox: the one sequence of server messages that every transport
 * reads. Messages get `seq` 1, 2, 3… with no gaps. Once a message has been sent
 * on any transport it never changes; until then it may be merged or replaced,
 * which is how a lagging reader stays bounded:
 *   - a new diff merges into an unsent diff (or snapshot) at the tail
 *     (latest value per cell);
 *   - when an unsent diff holds more than `coalesceLimit` cells it is replaced by
 *     a snapshot of the watched chunks, keeping its seq.
 * Acknowledged messages (`ack(n)`) are dropped; sent ones are kept up to
 * `retain` (and `retainBytes`) so a reconnecting client can replay them, as bytes
 * off the JS heap (sent-log.ts says why); only unsent messages are objects.
 *
 * @example
 * const ob = new Outbox({ snapshot: (ids) => game.snapshot(ids), watched: () => [0, 1] })
 * ob.push('player:3', 'action_result', { tick: 9, ok: true })
 * ob.read(0, 100, true).messages[0].json // '{"seq":1,"tick":9,"ok":true}'
 */
import type { CellView, ChunkView, WorldSnapshot } from './types.ts'
import { SentLog } from './sent-log.ts'

/** A chunk's cells serialized once and shared by every outbox that watches it. */
export interface SharedChunk { id: number; cells: CellView[]; json: string }

/**
 * Serializes a chunk view once for sharing. The same view object (the daemon hands one per chunk
 * per tick to every snapshot) is serialized only once: views are never changed after creation.
 */
export function shareChunk(c: ChunkView): SharedChunk {
  let s = sharedViews.get(c)
  if (!s) sharedViews.set(c, (s = { id: c.id, cells: c.cells, json: JSON.stringify({ id: c.id, cells: c.cells }) }))
  return s
}
const sharedViews = new WeakMap<ChunkView, SharedChunk>()

interface WorldBody {
  kind: 'diff' | 'snapshot'
  tick: number
  fromTick: number
  hash?: string
  /** Shared, untouched chunks (the common case: serialized by concatenation). */
  shared: SharedChunk[] | null
  /** Private merged copy, made only when this message absorbed another. */
  merged: Map<number, Map<number, CellView>> | null
  cells: number
}

interface Msg {
  seq: number
  topic: string
  event: string
  /**
   * A plain message's payload JSON as given, without its seq (spliced in when sent). It is often
   * one string shared by every session (a presence diff).
   */
  payload: string | null
  /** A world message's content: it points at chunks shared by every session until it is sent. */
  body: WorldBody | null
}

/** One message as transports deliver it. */
export interface OutMessage { seq: number; topic: string; event: string; json: string }

export interface OutboxOptions {
  /** Reads a snapshot of chunks (for coalescing overflow and resync). */
  snapshot: (chunks: number[]) => WorldSnapshot
  /** The chunks currently watched. */
  watched: () => number[]
  /** Topic that world messages go to. Default 'world:main'. */
  worldTopic?: string
  /** Sent-but-unacked messages kept for replay. Default 512. */
  retain?: number
  /** ...and at most this many bytes of their JSON. Default 131072 (bounds memory per session). */
  retainBytes?: number
  /** Cells an unsent diff may hold before it becomes a snapshot. Default 4096. */
  coalesceLimit?: number
}

export class Outbox {
  /** Messages not sent yet, oldest first (every one newer than every message in `sent`). */
  private msgs: Msg[] = []
  /** Sent messages kept for replay. */
  private readonly sent = new SentLog()
  private headSeq = 0
  /** Highest seq that has been dropped (acked or past retention); replay needs > this. */
  private droppedUpTo = 0
  private listeners = new Set<() => void>()
  private readonly opts: Required<OutboxOptions>

  constructor(opts: OutboxOptions) {
    // `??`, not spread: an option passed as undefined must still get its default.
    this.opts = { ...opts, worldTopic: opts.worldTopic ?? 'world:main', retain: opts.retain ?? 512, retainBytes: opts.retainBytes ?? 131_072, coalesceLimit: opts.coalesceLimit ?? 4096 }
  }

  /** The last seq assigned (0 when empty). */
  get head(): number { return this.headSeq }
  /** Messages held (sent-unacked + unsent): the session's lag in messages. */
  get pending(): number { return this.sent.size + this.msgs.length }
  /** Messages not yet sent on any transport. */
  get unsent(): number { return this.msgs.length }

  /** Calls `fn` after every append or change at the tail. Returns the unsubscribe function. */
  onAppend(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** Appends a plain message; `payload` gets `seq` as its first key. */
  push(topic: string, event: string, payload: Record<string, unknown>): number {
    return this.pushJson(topic, event, JSON.stringify(payload))
  }

  /**
   * Appends a message whose payload is already JSON text (an object), so one payload sent to many
   * sessions (a presence diff) is serialized once. `seq` is spliced in as its first key.
   */
  pushJson(topic: string, event: string, payloadJson: string): number {
    const seq = ++this.headSeq
    this.msgs.push({ seq, topic, event, payload: payloadJson, body: null })
    this.notify()
    return seq
  }

  /** Appends (or merges into an unsent tail) the changed cells of watched chunks for ticks fromTick..tick. */
  pushDiff(tick: number, fromTick: number, chunks: SharedChunk[]): void {
    if (chunks.length === 0) return
    const tail = this.msgs[this.msgs.length - 1]
    if (tail && tail.body) {
      mergeInto(tail.body, chunks)
      tail.body.tick = tick
      if (tail.body.kind === 'diff' && tail.body.cells > this.opts.coalesceLimit) this.replaceWithSnapshot(tail)
    } else {
      const cells = chunks.reduce((n, c) => n + c.cells.length, 0)
      this.msgs.push({ seq: ++this.headSeq, topic: this.opts.worldTopic, event: 'diff', payload: null,
        body: { kind: 'diff', tick, fromTick, shared: chunks, merged: null, cells } })
    }
    this.notify()
  }

  /** Appends a snapshot of `snap` (all of its chunks). */
  pushSnapshot(snap: WorldSnapshot): number {
    const seq = ++this.headSeq
    this.msgs.push({ seq, topic: this.opts.worldTopic, event: 'snapshot', payload: null,
      body: { kind: 'snapshot', tick: snap.tick, fromTick: snap.tick, hash: snap.hash, shared: snap.chunks.map(shareChunk), merged: null, cells: 0 } })
    this.notify()
    return seq
  }

  /** Drops messages with seq <= n. */
  ack(n: number): void {
    while (this.sent.size && this.sent.oldest! <= n) this.droppedUpTo = Math.max(this.droppedUpTo, this.sent.dropOldest())
    let k = 0
    while (k < this.msgs.length && this.msgs[k].seq <= n) k++
    if (k > 0) {
      this.droppedUpTo = Math.max(this.droppedUpTo, this.msgs[k - 1].seq)
      this.msgs.splice(0, k)
    }
  }

  /**
   * Messages with seq > after (at most `limit`), marked sent. With `ack`, drops those <= after
   * first. `resync` is true when some messages after `after` were already dropped: a fresh
   * snapshot is appended so the reader can rebuild its view.
   */
  read(after: number, limit: number, ack: boolean): { messages: OutMessage[]; resync: boolean } {
    if (ack) this.ack(Math.min(after, this.headSeq))
    let resync = false
    if (after < this.droppedUpTo && this.headSeq > after) {
      resync = true
      this.pushSnapshot(this.opts.snapshot(this.opts.watched()))
    }
    // A replay first (a live reader has already seen every sent message: it reads none of them),
    const out: OutMessage[] = this.sent.read(after, limit)
    // then the unsent ones, each frozen into the sent log as it goes out. Reads go in order, so
    // the sent messages stay a prefix of the outbox; an unsent one at or below `after` (a reader
    // that claims more than it was sent) is frozen too, without being returned.
    let k = 0
    for (; k < this.msgs.length && out.length < limit; k++) {
      const m = this.msgs[k]
      const json = m.body ? bodyJson(m.seq, m.body) : withSeq(m.seq, m.payload!)
      this.sent.append(m.seq, m.topic, m.event, json)
      if (m.seq > after) out.push({ seq: m.seq, topic: m.topic, event: m.event, json })
    }
    if (k > 0) this.msgs.splice(0, k)
    this.trimSent()
    return { messages: out, resync }
  }

  /**
   * Keeps at most `retain` sent messages and `retainBytes` of their JSON (oldest dropped first).
   * Past either limit it drops down to 7/8 of it, so a live reader does not trim on every message.
   */
  private trimSent(): void {
    if (this.sent.size <= this.opts.retain && this.sent.bytes <= this.opts.retainBytes) return
    const maxN = this.opts.retain - (this.opts.retain >> 3)
    const maxB = this.opts.retainBytes - (this.opts.retainBytes >> 3)
    while (this.sent.size && (this.sent.size > maxN || this.sent.bytes > maxB)) this.droppedUpTo = this.sent.dropOldest()
  }

  private replaceWithSnapshot(m: Msg): void {
    const snap = this.opts.snapshot(this.opts.watched())
    m.event = 'snapshot'
    m.body = { kind: 'snapshot', tick: snap.tick, fromTick: snap.tick, hash: snap.hash, shared: snap.chunks.map(shareChunk), merged: null, cells: 0 }
  }

  private notify(): void {
    for (const fn of this.listeners) fn()
  }
}

function mergeInto(body: WorldBody, chunks: SharedChunk[]): void {
  if (!body.merged) {
    body.merged = new Map()
    for (const c of body.shared!) body.merged.set(c.id, new Map(c.cells.map((cell) => [cell.id, cell])))
    body.shared = null
  }
  for (const c of chunks) {
    let m = body.merged.get(c.id)
    if (!m) body.merged.set(c.id, (m = new Map()))
    for (const cell of c.cells) m.set(cell.id, cell)
  }
  let n = 0
  for (const m of body.merged.values()) n += m.size
  body.cells = n
}

/** A plain payload (JSON object text) with `seq` spliced in as its first key. */
function withSeq(seq: number, payload: string): string {
  const rest = payload.slice(1).trimStart()
  return rest.startsWith('}') ? `{"seq":${seq}}` : `{"seq":${seq},${rest}`
}

function bodyJson(seq: number, b: WorldBody): string {
  const chunks = b.shared
    ? b.shared.map((c) => c.json).join(',')
    : [...b.merged!].map(([id, cells]) => JSON.stringify({ id, cells: [...cells.values()] })).join(',')
  return b.kind === 'diff'
    ? `{"seq":${seq},"tick":${b.tick},"from_tick":${b.fromTick},"chunks":[${chunks}]}`
    : `{"seq":${seq},"tick":${b.tick},"hash":${JSON.stringify(b.hash ?? '')},"chunks":[${chunks}]}`
}
