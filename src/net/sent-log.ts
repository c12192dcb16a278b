/**
 * The sent messages an outbox keeps for replay, as UTF-8 bytes in one growing buffer per session,
 * with their seqs and offsets in typed arrays: off the JS heap.
 *
 * Why: a sent message lives for seconds (until acknowledged or past retention), so as JS objects
 * and strings every one of them outlived the young generation, and with a thousand sessions those
 * retained messages were the largest share of what the daemon promoted to the old generation
 * (docs/SERVE.md, third pass), whose mark-compacts set the latency p99. Here a message is one
 * `Buffer.write` into memory the garbage collector does not scan; it is decoded again only when a
 * client replays it (a reconnect, a transport switch), which is rare.
 *
 * Entries are `topic \n event \n json` (neither a topic, an event name nor JSON text holds a raw
 * newline), oldest first, with contiguous seqs. Dropping the oldest moves a start offset; the live
 * bytes are moved back to the buffer's front only when an append would not fit.
 *
 * @example
 * const log = new SentLog()
 * log.append(1, 'player:7', 'action_result', '{"seq":1,"ok":true}')
 * log.read(0, 10) // [{ seq: 1, topic: 'player:7', event: 'action_result', json: '{"seq":1,"ok":true}' }]
 */
import type { OutMessage } from './outbox.ts'

export class SentLog {
  private buf: Buffer = Buffer.alloc(0)
  /** Byte range of the live entries in `buf`. */
  private lo = 0
  private hi = 0
  // A ring of entries: slot (first + i) % cap holds the i-th oldest.
  private seqs = new Float64Array(0)
  private offs = new Uint32Array(0)
  private first = 0
  private n = 0

  /** Entries held. */
  get size(): number { return this.n }
  /** Bytes held. */
  get bytes(): number { return this.hi - this.lo }
  /** The oldest seq held (undefined when empty). */
  get oldest(): number | undefined { return this.n ? this.seqs[this.first] : undefined }

  /** Appends message `seq` (one more than the newest held, when any). */
  append(seq: number, topic: string, event: string, json: string): void {
    const text = topic + '\n' + event + '\n' + json
    const len = Buffer.byteLength(text)
    if (this.hi + len > this.buf.length) this.makeRoom(len)
    this.buf.write(text, this.hi)
    if (this.n === this.seqs.length) this.growIndex()
    const slot = (this.first + this.n) % this.seqs.length
    this.seqs[slot] = seq
    this.offs[slot] = this.hi
    this.hi += len
    this.n++
  }

  /** Drops the oldest entry; returns its seq. */
  dropOldest(): number {
    const seq = this.seqs[this.first]
    this.first = (this.first + 1) % this.seqs.length
    this.n--
    this.lo = this.n ? this.offs[this.first] : this.hi
    if (this.n === 0) this.lo = this.hi = 0
    return seq
  }

  /** Entries with seq > `after`, oldest first, at most `limit`, decoded. */
  read(after: number, limit: number): OutMessage[] {
    const out: OutMessage[] = []
    if (this.n === 0) return out
    const cap = this.seqs.length
    // Seqs are contiguous: the first wanted entry is at a known distance from the oldest.
    for (let i = Math.max(0, after + 1 - this.seqs[this.first]); i < this.n && out.length < limit; i++) {
      const slot = (this.first + i) % cap
      const start = this.offs[slot]
      const end = i + 1 < this.n ? this.offs[(slot + 1) % cap] : this.hi
      const text = this.buf.toString('utf8', start, end)
      const a = text.indexOf('\n'), b = text.indexOf('\n', a + 1)
      out.push({ seq: this.seqs[slot], topic: text.slice(0, a), event: text.slice(a + 1, b), json: text.slice(b + 1) })
    }
    return out
  }

  /** Moves the live bytes to the front, growing the buffer when they still leave no room for `len`. */
  private makeRoom(len: number): void {
    const live = this.hi - this.lo
    const need = live + len
    // Half again what is needed: grows in few steps, and stays near the outbox's byte budget.
    const target = this.buf.length >= need ? this.buf : Buffer.allocUnsafe(Math.max(4096, need + (need >> 1)))
    this.buf.copy(target, 0, this.lo, this.hi)
    const cap = this.seqs.length
    for (let i = 0; i < this.n; i++) this.offs[(this.first + i) % cap] -= this.lo
    this.buf = target
    this.hi = live
    this.lo = 0
  }

  private growIndex(): void {
    const cap = Math.max(16, this.seqs.length * 2)
    const seqs = new Float64Array(cap), offs = new Uint32Array(cap)
    for (let i = 0; i < this.n; i++) {
      const slot = (this.first + i) % this.seqs.length
      seqs[i] = this.seqs[slot]
      offs[i] = this.offs[slot]
    }
    this.seqs = seqs
    this.offs = offs
    this.first = 0
  }
}
