/**
 * A FIFO send queue for one ZeroMQ socket. zeromq.js allows only one pending
 * `send()` per socket (a second one throws EBUSY "Socket is busy writing"), but
 * hexd sends from many async paths at once (replies finishing out of order,
 * tick events). Every send goes through here, so callers simply await their own.
 *
 * @example
 * const q = new SendQueue((frames) => sock.send(frames))
 * await Promise.all([q.send([a]), q.send([b])]) // sent a then b, never concurrently
 */
import { HexdError } from '../errors.ts'

type Frames = Array<Buffer | string>

export class SendQueue {
  private readonly items: Array<{ frames: Frames; resolve: () => void; reject: (e: unknown) => void }> = []
  private busy = false
  private closed = false
  /** Messages sent so far, and messages that failed (e.g. a send timeout). */
  readonly stats = { sent: 0, failed: 0, maxDepth: 0 }

  /** `sendFn` performs one real send; it is never called while a previous call is pending. */
  constructor(private readonly sendFn: (frames: Frames) => Promise<void>) {}

  /** Queues one multi-part message; resolves when it was handed to ZeroMQ. */
  send(frames: Frames): Promise<void> {
    if (this.closed) return Promise.reject(new HexdError('HEXD_MSG_CLOSED', 'send on a closed socket'))
    if (!this.busy) {
      // Fast path: nothing queued, send now (no queue entry, no extra promise).
      this.busy = true
      return this.sendFn(frames).then(() => { this.stats.sent++; this.next() }, (err) => { this.stats.failed++; this.next(); throw err })
    }
    return new Promise((resolve, reject) => {
      this.items.push({ frames, resolve, reject })
      if (this.items.length > this.stats.maxDepth) this.stats.maxDepth = this.items.length
    })
  }

  /** Number of messages waiting (not counting the one being sent). */
  get depth(): number { return this.items.length }

  /** Rejects everything still queued; later sends reject at once. */
  close(): void {
    this.closed = true
    for (const it of this.items.splice(0)) it.reject(new HexdError('HEXD_MSG_CLOSED', 'socket closed before the message was sent'))
  }

  /** Sends the next queued message, or goes idle. */
  private next(): void {
    const it = this.items.shift()
    if (!it) { this.busy = false; return }
    this.sendFn(it.frames).then(
      () => { this.stats.sent++; it.resolve(); this.next() },
      (err) => { this.stats.failed++; it.reject(err); this.next() },
    )
  }
}
