/**
 * A shared-memory region seen from the daemon: create it, read the state
 * area through a zero-copy ArrayBuffer, and send requests to whichever worker
 * serves it (a process, see supervisor.ts, or a thread of this process).
 *
 * Waiting never blocks the event loop: after a request the caller may spin
 * for a bounded budget (`spinNs`, 0 = off) on the response ring; otherwise a
 * dedicated native waiter thread sleeps on the ring (futex / eventfd /
 * signal, always with a timeout) and calls back into JS when responses arrive.
 *
 * @example
 * const ch = RegionChannel.create({ stateBytes: 1 << 20, sync: 'futex', spinNs: 0 })
 * ch.startThreadWorker()                         // or a Supervisor for a process
 * const r = await ch.request(REQ.PING, new Uint8Array([1, 2, 3]))
 * ch.close()
 */
import { HexdError } from '../errors.ts'
import { loadNative, type NativeRegionHandle, type RegionInfo, type SyncMode } from './addon.ts'
import { framesOf, RESP_ERROR, type Frame } from './protocol.ts'

export interface RegionOptions {
  /** Bytes of the chunk-slot area (from the engine layout). */
  stateBytes: number
  /** Bytes of the worker's scratch area (kernel crash-retry notes; see backend.ts scratchBytesFor). */
  scratchBytes?: number
  /** Bytes of each ring's data area (rounded up to a power of two; default 1 MiB). */
  ringBytes?: number
  /** The engine's layout version: a worker refuses a region with another. */
  layoutVersion?: number
  /** Engine layout constants copied into the header for the worker. */
  layoutParams?: Uint32Array
  sync?: SyncMode
  /** Spin budget in ns before sleeping, for both the worker and this side (0 = off). */
  spinNs?: number
  /** Kernel threads the worker should use. */
  threads?: number
  /**
   * How a response wakes this side: 'loop' (an eventfd polled by Node's event
   * loop: one wake-up; default for futex/eventfd) or 'thread' (a native waiter
   * thread sleeping per sync mode, then a ThreadSafeFunction; always for signal).
   */
  wake?: 'loop' | 'thread'
}

interface Pending { resolve: (f: Frame) => void; reject: (e: Error) => void; type: number; payload?: Uint8Array }

export class RegionChannel {
  readonly native: NativeRegionHandle
  /** The chunk-slot area: a view over the shared mapping (no copy). */
  readonly state: ArrayBuffer
  private seq = 0
  private readonly pending = new Map<number, Pending>()
  private spinNs: number
  private closed = false
  private failed: Error | null = null
  private threadWorker = false
  /** Responses wake Node's event loop through a polled eventfd ('loop'), else the waiter thread. */
  private readonly loopWake: boolean
  /** Loop wake: whether we asked the worker to write the eventfd (and hold the loop open). */
  private armedLoop = false

  private constructor(native: NativeRegionHandle, spinNs: number) {
    this.native = native
    this.spinNs = spinNs
    this.state = native.stateBuffer()
    this.loopWake = native.info().wake === 'loop'
    // (Loop wake: the native side disarmed itself before calling back.)
    // A wake-up can still be queued when close() runs; and an exception must not escape a
    // thread-safe-function callback (Node only warns, DEP0168, and the error is lost).
    native.startWaiter(() => {
      this.armedLoop = false
      if (this.closed) return
      try { this.settle(native.drain()) } catch (err) { this.fail(err as Error) }
    })
    this.rearm()
  }

  /** Creates a region (memfd, sealed; shm_open fallback) and its waiter thread. */
  static create(opts: RegionOptions): RegionChannel {
    const n = loadNative()
    if (!n.ok) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', n.reason)
    let h: NativeRegionHandle
    try {
      h = new n.addon.NativeRegion({ ...opts, spinNs: opts.spinNs ?? 0, sync: opts.sync ?? 'futex' })
    } catch (err) {
      throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `cannot create the shared-memory region: ${(err as Error).message}`, { cause: err })
    }
    return new RegionChannel(h, opts.spinNs ?? 0)
  }

  info(): RegionInfo { return this.native.info() }
  /** True once close() ran. */
  get isClosed(): boolean { return this.closed }
  /** Requests sent and not yet answered. */
  get inFlight(): number { return this.pending.size }
  /** Changes the spin budget of both sides (ns, 0 = off). */
  setSpin(ns: number): void { this.spinNs = ns; this.native.setSpin(ns); this.rearm() }

  /**
   * Sends one request; resolves with the worker's response frame. Rejects with
   * HEXD_RING_FULL at once (nothing sent) when the request ring has no room,
   * and with HEXD_NATIVE_REQUEST when the worker answers with an error.
   */
  request(type: number, payload?: Uint8Array): Promise<Frame> {
    if (this.closed) return Promise.reject(new HexdError('HEXD_NATIVE_UNAVAILABLE', 'the native region is closed'))
    if (this.failed) return Promise.reject(this.failed)
    const seq = ++this.seq
    const rc = this.native.push(type, seq, payload)
    if (rc === -1) {
      return Promise.reject(new HexdError('HEXD_RING_FULL', `the request ring is full (${this.pending.size} requests in flight); nothing was sent, retry later`, { details: { inFlight: this.pending.size } }))
    }
    if (rc === -2) {
      return Promise.reject(new HexdError('HEXD_RING_FULL', `a request of ${payload?.byteLength ?? 0} bytes can never fit the request ring (${this.info().ringBytes} bytes)`, { details: { bytes: payload?.byteLength ?? 0 } }))
    }
    const p = new Promise<Frame>((resolve, reject) => this.pending.set(seq, { resolve, reject, type }))
    if (this.spinNs > 0) this.resolveFrames(this.native.poll(this.spinNs))
    // Loop wake: arm() itself keeps the event loop alive while armed.
    if (this.pending.size && !this.loopWake) this.native.ref()
    this.rearm()
    return p
  }

  /** Resolves pending requests from drained frames; unknown seqs (a retried request answered twice) are ignored. */
  private resolveFrames(flat: Array<number | Buffer>): void {
    for (const f of framesOf(flat)) {
      const p = this.pending.get(f.seq)
      if (!p) continue
      this.pending.delete(f.seq)
      if (f.type === RESP_ERROR) p.reject(new HexdError('HEXD_NATIVE_REQUEST', `native worker: ${f.payload.toString('utf8')}`, { details: { type: p.type } }))
      else p.resolve(f)
    }
  }

  private settle(flat: Array<number | Buffer>): void {
    this.resolveFrames(flat)
    this.rearm()
  }

  /**
   * Asks to be woken for the next responses. Loop wake: armed only while
   * requests are in flight; arm() reports responses that arrived before the
   * worker could see the arming, which are drained here at once. Thread wake
   * without spin: the waiter keeps watching the ring (re-armed right after
   * each drain, off the critical path); with spin it is armed only when a
   * spin ran out, so a spinning caller costs the worker no wake-up.
   */
  private rearm(): void {
    for (;;) {
      if (!this.pending.size) {
        if (this.loopWake) {
          if (this.armedLoop) { this.native.disarm(); this.armedLoop = false }
        } else {
          this.native.unref()
          if (this.spinNs === 0) this.native.arm()
        }
        return
      }
      if (this.loopWake) this.armedLoop = true
      if (!this.native.arm()) return
      this.resolveFrames(this.native.drain())
    }
  }

  /** The worker is gone for good: fails every in-flight request and every later one. */
  fail(err: Error): void {
    this.failed = err
    this.failAll(err)
  }

  /** Fails every in-flight request. */
  failAll(err: Error): void {
    const all = [...this.pending.values()]
    this.pending.clear()
    this.native.unref()
    if (this.loopWake && this.armedLoop) { this.native.disarm(); this.armedLoop = false }
    for (const p of all) p.reject(err)
  }

  /** --compute thread: runs the worker's request loop on a thread of this process. */
  startThreadWorker(): void { this.native.startThread(); this.threadWorker = true }

  /** Stops threads and releases the region (the mapping goes once no view remains). */
  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.threadWorker) this.native.stopThread()
    this.native.stopWaiter()
    this.failAll(new HexdError('HEXD_NATIVE_UNAVAILABLE', 'the native region was closed with requests in flight'))
    this.native.close()
  }
}
