/**
 * Socket writes off the event loop: a native thread (src/native/cc/socket_writer.h)
 * makes the send() calls of the daemon's WebSocket connections, so the loop that
 * reads actions and answers ticks only copies bytes into its queue. At a thousand
 * clients the loop spent ~10 µs per socket write, a thousand writes per tick
 * (docs/SERVE.md, eighth pass).
 *
 * `adopt(socket)` hands one connected `net.Socket` to the thread: from then on
 * every byte written to it goes through the thread in call order, including the
 * socket's own `write()` and `end()` as `ws` calls them for close and pong frames
 * (they are routed here, so nothing can overtake bytes still queued). `end()` waits
 * until the queue is empty before it shuts the socket down. The link is dropped
 * when the socket closes. Reading is not touched.
 *
 * Without the addon, or with `mode: 'inline'`, `adopt` returns null and callers
 * write on the loop as before (`--socket-writer inline`, HEXD_SOCKET_WRITER).
 *
 * @example
 * const writer = SocketWriter.create({ mode: 'native' })   // null when unavailable
 * const link = writer?.adopt(socket)                        // null: write inline
 * link ? link.write(bytes) : socket.write(bytes)
 * link?.pending()                                           // bytes not yet sent
 */
import type { Socket } from 'node:net'
import { loadNative } from '../native/addon.ts'

export type SocketWriterMode = 'native' | 'inline'
export const SOCKET_WRITER_MODES: readonly SocketWriterMode[] = ['native', 'inline']

/** The addon's class (src/native/cc/writer_addon.cc). */
interface NativeSocketWriter {
  attach(fd: number): number
  write(slot: number, bytes: Uint8Array): void
  pending(slot: number): number
  detach(slot: number): void
  stop(): void
}

/** One adopted socket. */
export interface WriteLink {
  /** Queues `bytes` (copied; the caller may reuse the buffer). */
  write(bytes: Uint8Array): void
  /** Bytes queued and not yet handed to the kernel (0 after a send error: the socket is closing). */
  pending(): number
}

type WriteCb = (err?: Error | null) => void
type WriteFn = (chunk: unknown, encoding?: BufferEncoding | WriteCb, cb?: WriteCb) => boolean

/** How often an `end()` re-checks a queue that is not empty yet, and for how long at most. */
const END_POLL_MS = 1
const END_WAIT_MS = 5_000

function toBytes(chunk: unknown, encoding?: BufferEncoding): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding)
  throw new TypeError(`socket writer: cannot write a ${typeof chunk}`)
}

export class SocketWriter {
  private stopped = false
  /** Adopted sockets now open. */
  private open = 0

  private constructor(private readonly native: NativeSocketWriter) {}

  /**
   * The writer for `mode` (default 'native'), or null for 'inline' or when the addon
   * is not built (`reason` then says why, for the daemon's log).
   */
  static create(opts: { mode?: SocketWriterMode; capacity?: number } = {}): { writer: SocketWriter | null; reason?: string } {
    if ((opts.mode ?? 'native') === 'inline') return { writer: null, reason: 'socket writer: inline (--socket-writer inline)' }
    const n = loadNative()
    if (!n.ok) return { writer: null, reason: `socket writer: inline (${n.reason})` }
    const Ctor = n.addon.SocketWriter as (new (capacity?: number) => NativeSocketWriter) | undefined
    if (!Ctor) return { writer: null, reason: 'socket writer: inline (the native addon predates SocketWriter: rebuild with npm run build:native)' }
    const capacity = opts.capacity ?? 65536
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 1 << 24) throw new RangeError(`socket writer capacity must be an integer from 1 to 16777216, got ${capacity}`)
    // The thread and its epoll set are made here: if the system refuses them, the loop writes.
    try { return { writer: new SocketWriter(new Ctor(capacity)) } } catch (err) { return { writer: null, reason: `socket writer: inline (${(err as Error).message})` } }
  }

  /** Sockets adopted and not closed yet. */
  get adopted(): number { return this.open }

  /**
   * Routes every later write of `socket` through the writer thread. Null (the caller
   * writes inline) when the writer stopped, the socket has no fd (not a TCP socket),
   * bytes of it are still queued on the loop's side, or the writer is full.
   */
  adopt(socket: Socket): WriteLink | null {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd
    if (this.stopped || typeof fd !== 'number' || fd < 0 || socket.writableLength > 0 || socket.destroyed) return null
    let slot: number
    try { slot = this.native.attach(fd) } catch { return null }
    this.open++
    const native = this.native
    let linked = true
    const origWrite = socket.write.bind(socket) as WriteFn
    const origEnd = socket.end.bind(socket) as (...args: unknown[]) => Socket
    const unlink = () => {
      if (!linked) return
      linked = false
      this.open--
      // Restored, so a late write after the close reaches the (destroyed) socket's own error path.
      ;(socket as unknown as { write: WriteFn }).write = origWrite
      ;(socket as unknown as { end: typeof origEnd }).end = origEnd
      if (!this.stopped) native.detach(slot)
    }
    const link: WriteLink = {
      write: (bytes) => { if (linked && !this.stopped) native.write(slot, bytes) },
      pending: () => {
        if (!linked || this.stopped) return 0
        const p = native.pending(slot)
        return p < 0 ? 0 : p
      },
    }
    ;(socket as unknown as { write: WriteFn }).write = (chunk, encoding, cb) => {
      if (typeof encoding === 'function') { cb = encoding; encoding = undefined }
      if (!linked) return origWrite(chunk, encoding as BufferEncoding, cb)
      link.write(toBytes(chunk, encoding as BufferEncoding | undefined))
      if (cb) process.nextTick(cb, null)
      return true
    }
    ;(socket as unknown as { end: (...args: unknown[]) => Socket }).end = (...args: unknown[]) => {
      // end(chunk?, encoding?, cb?): the chunk goes through the queue, then the shutdown waits for it.
      const cb = typeof args[args.length - 1] === 'function' ? args.pop() as () => void : undefined
      if (args.length > 0 && args[0] != null) socket.write(args[0] as Uint8Array | string, args[1] as BufferEncoding)
      const t0 = Date.now()
      const finish = () => {
        if (linked && link.pending() > 0 && Date.now() - t0 < END_WAIT_MS && !socket.destroyed) { setTimeout(finish, END_POLL_MS); return }
        unlink()
        if (cb) origEnd(cb); else origEnd()
      }
      finish()
      return socket
    }
    socket.once('close', unlink)
    return link
  }

  /** Stops the thread; adopted sockets that are still open get nothing more written. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.native.stop()
  }
}
