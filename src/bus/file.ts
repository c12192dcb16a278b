/**
 * The durable embedded log backend: the in-memory partitions of
 * {@link EmbeddedBackend} (reads, waits), backed by an append-only write-ahead
 * log of segment files in a directory (`wal-<n>.log`), so the log and the
 * consumer offsets committed against it survive a daemon restart.
 *
 * Why files and not the store's database: the log is written every tick, and
 * PGlite runs on the daemon's own thread, so an extra statement per tick costs
 * tick time; file writes and fsync run on libuv's thread pool. The directory
 * sits inside the PGlite branch directory (`<data>/branches/<b>/eventlog`), so
 * `hexd db branch create` copies the log together with the offsets.
 *
 * Group commit: appends issued in the same turn of the event loop (a tick's
 * records to every topic) are written in one `write` + one `fdatasync`, then
 * become visible to readers and resolve. A record a reader saw is on disk.
 *
 * Frame: `[u32 bodyLen][u32 fnv1a(body)]` + body `[u8 topicLen][topic]
 * [u16 partition][f64 offset][f64 ts][u16 keyLen][key][value]`. A torn or
 * damaged tail (a crash mid-write) is cut off at open. Retention deletes a
 * segment once every partition's records in it are below that partition's
 * start; `meta.json` keeps each partition's start and end, so offsets never go
 * back even when no record of a partition is left on disk.
 *
 * @example
 * const be = await FileBackend.open('.hexd/branches/main/eventlog')
 * const log = new EventLog(be, { offsets })
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { HexdError } from '../errors.ts'
import { EmbeddedBackend } from './embedded.ts'
import type { Bounds, LogBackend, LogRecord, NewRecord } from './types.ts'

export interface FileBackendOptions {
  /** Roll to a new segment file past this size (default 16 MiB). */
  segmentBytes?: number
  /** fdatasync each group commit (default true; tests of crash behaviour keep it on). */
  fsync?: boolean
}

interface Segment { n: number; path: string; bytes: number; maxOffset: Map<string, number> }
interface Pending { key: string; frame: Buffer; rec: { topic: string; p: number; r: NewRecord; offset: number; ts: number }; done: () => void; fail: (e: Error) => void }

const pk = (topic: string, p: number) => `${topic}/${p}`

function fnv(b: Buffer): number {
  let h = 0x811c9dc5
  for (let i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 0x01000193) }
  return h >>> 0
}

function frame(topic: string, p: number, offset: number, ts: number, key: string, value: Buffer): Buffer {
  const t = Buffer.from(topic), k = Buffer.from(key)
  const body = Buffer.allocUnsafe(1 + t.length + 2 + 8 + 8 + 2 + k.length + value.length)
  let o = body.writeUInt8(t.length, 0)
  o += t.copy(body, o); o = body.writeUInt16BE(p, o); o = body.writeDoubleBE(offset, o); o = body.writeDoubleBE(ts, o)
  o = body.writeUInt16BE(k.length, o); o += k.copy(body, o); value.copy(body, o)
  const head = Buffer.allocUnsafe(8)
  head.writeUInt32BE(body.length, 0); head.writeUInt32BE(fnv(body), 4)
  return Buffer.concat([head, body])
}

export class FileBackend implements LogBackend {
  readonly kind = 'embedded' as const
  readonly durable = true
  readonly stats = { groupCommits: 0, records: 0, bytes: 0, segmentsDeleted: 0, tornBytes: 0 }
  private readonly mem = new EmbeddedBackend()
  /** Next offset to hand out per partition (ahead of `mem` while a group commit is in flight). */
  private readonly next = new Map<string, number>()
  private readonly meta = new Map<string, { start: number; end: number }>()
  private segments: Segment[] = []
  private fh?: FileHandle
  private queue: Pending[] = []
  private flushing: Promise<void> | null = null
  private scheduled = false
  private closed = false

  private constructor(readonly dir: string, private readonly o: Required<FileBackendOptions>) {}

  /** Opens (creating) the log in `dir`, loading every retained record. */
  static async open(dir: string, opts: FileBackendOptions = {}): Promise<FileBackend> {
    const be = new FileBackend(dir, { segmentBytes: opts.segmentBytes ?? 16 * 1024 * 1024, fsync: opts.fsync ?? true })
    mkdirSync(dir, { recursive: true })
    be.lock()
    be.load()
    const last = be.segments.at(-1) ?? be.newSegmentSync()
    be.fh = await open(last.path, 'a')
    return be
  }

  private load(): void {
    try {
      const m = JSON.parse(readFileSync(join(this.dir, 'meta.json'), 'utf8')) as Record<string, { start: number; end: number }>
      for (const [k, v] of Object.entries(m)) this.meta.set(k, v)
    } catch { /* new log */ }
    const files = readdirSync(this.dir).filter((f) => /^wal-\d{12}\.log$/.test(f)).sort()
    const parts = new Map<string, { topic: string; p: number; base: number; records: LogRecord[] }>()
    for (let fi = 0; fi < files.length; fi++) {
      const path = join(this.dir, files[fi])
      const buf = readFileSync(path)
      const seg: Segment = { n: Number(files[fi].slice(4, 16)), path, bytes: 0, maxOffset: new Map() }
      let at = 0
      while (at < buf.length) {
        if (at + 8 > buf.length) break
        const len = buf.readUInt32BE(at)
        if (at + 8 + len > buf.length || fnv(buf.subarray(at + 8, at + 8 + len)) !== buf.readUInt32BE(at + 4)) break
        const b = buf.subarray(at + 8, at + 8 + len)
        let o = 0
        const tl = b.readUInt8(o); o += 1
        const topic = b.toString('utf8', o, o + tl); o += tl
        const p = b.readUInt16BE(o); o += 2
        const offset = b.readDoubleBE(o); o += 8
        const ts = b.readDoubleBE(o); o += 8
        const kl = b.readUInt16BE(o); o += 2
        const key = b.toString('utf8', o, o + kl); o += kl
        const k = pk(topic, p)
        let part = parts.get(k)
        if (!part) parts.set(k, (part = { topic, p, base: offset, records: [] }))
        const expect = part.base + part.records.length
        if (offset > expect) {
          if (part.records.length) throw new HexdError('HEXD_BUS_CORRUPT', `event log ${this.dir}: ${k} jumps from offset ${expect - 1} to ${offset} in ${files[fi]}`, { field: 'data' })
          part.base = offset
        }
        if (offset >= part.base + part.records.length) part.records.push({ offset, key, value: Buffer.from(b.subarray(o)), ts })
        seg.maxOffset.set(k, offset)
        at += 8 + len
      }
      seg.bytes = at
      this.segments.push(seg)
      if (at < buf.length) {
        // A torn tail (crash mid-write): cut it off, and drop any later segment (nothing valid follows a tear).
        this.stats.tornBytes += buf.length - at
        truncateSync(path, at)
        for (const f of files.slice(fi + 1)) rmSync(join(this.dir, f), { force: true })
        break
      }
    }
    for (const k of new Set([...parts.keys(), ...this.meta.keys()])) {
      const part = parts.get(k)
      const m = this.meta.get(k)
      const [topic, ps] = [k.slice(0, k.lastIndexOf('/')), k.slice(k.lastIndexOf('/') + 1)]
      let base = part?.base ?? m?.end ?? 0
      let records = part?.records ?? []
      const end = Math.max(base + records.length, m?.end ?? 0)
      // Records below the recorded start were dropped by retention before the crash: keep them dropped.
      const start = Math.max(base, Math.min(m?.start ?? 0, end))
      records = records.slice(start - base)
      base = records.length ? start : end
      this.mem.restore(topic, Number(ps), base, records)
      this.next.set(k, base + records.length)
    }
  }

  /**
   * One process per log directory (a Postgres-backed daemon has no PGlite lock
   * guarding it): `hexd.pid` names the holder; a dead holder's lock is taken over.
   */
  private lock(): void {
    const f = join(this.dir, 'hexd.pid')
    let pid = NaN
    try { pid = Number(readFileSync(f, 'utf8').trim()) } catch { /* no lock */ }
    let alive = false
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      try { process.kill(pid, 0); alive = true } catch (e) { alive = (e as NodeJS.ErrnoException).code === 'EPERM' }
    }
    if (alive) throw new HexdError('HEXD_DB_BUSY', `the event log ${this.dir} is open in another hexd process (pid ${pid}); stop it first`, { field: 'data', details: { pid } })
    writeFileSync(f, String(process.pid))
  }

  private newSegmentSync(): Segment {
    const n = (this.segments.at(-1)?.n ?? 0) + 1
    const path = join(this.dir, `wal-${String(n).padStart(12, '0')}.log`)
    closeSync(openSync(path, 'a'))
    const seg = { n, path, bytes: 0, maxOffset: new Map<string, number>() }
    this.segments.push(seg)
    return seg
  }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    await this.mem.ensureTopic(topic, partitions)
    for (let p = 0; p < partitions; p++) if (!this.next.has(pk(topic, p))) this.next.set(pk(topic, p), 0)
  }

  /** Appends; resolves once the records are on disk (fdatasync) and readable. */
  append(topic: string, p: number, records: NewRecord[]): Promise<number[]> {
    if (this.closed) return Promise.reject(new HexdError('HEXD_BUS_UNAVAILABLE', `event log ${this.dir} is closed`, { field: 'bus' }))
    const k = pk(topic, p)
    const first = this.next.get(k)
    if (first === undefined) return Promise.reject(new HexdError('HEXD_BUS_BAD_TOPIC', `no partition ${p} of topic ${JSON.stringify(topic)}`, { field: 'topic' }))
    const now = Date.now()
    const offsets = records.map((_, i) => first + i)
    this.next.set(k, first + records.length)
    const all = records.map((r, i) => new Promise<void>((done, fail) => {
      const ts = r.ts ?? now
      this.queue.push({ key: k, frame: frame(topic, p, offsets[i], ts, r.key, r.value), rec: { topic, p, r, offset: offsets[i], ts }, done, fail })
    }))
    this.schedule()
    return Promise.all(all).then(() => offsets)
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    // setImmediate: every append of this turn (all topics of a tick) joins one group commit.
    setImmediate(() => {
      this.scheduled = false
      if (!this.flushing) this.flushing = this.flush().finally(() => { this.flushing = null; if (this.queue.length) this.schedule() })
    })
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0)
    if (batch.length === 0) return
    try {
      let seg = this.segments.at(-1)!
      if (seg.bytes >= this.o.segmentBytes) {
        await this.fh!.close()
        seg = this.newSegmentSync()
        this.fh = await open(seg.path, 'a')
      }
      const buf = Buffer.concat(batch.map((b) => b.frame))
      await this.fh!.write(buf)
      if (this.o.fsync) await this.fh!.datasync()
      seg.bytes += buf.length
      for (const b of batch) seg.maxOffset.set(b.key, b.rec.offset)
      this.stats.groupCommits++; this.stats.records += batch.length; this.stats.bytes += buf.length
    } catch (err) {
      // The offsets handed out are now unusable: refuse further appends rather than leave a hole.
      this.closed = true
      for (const b of batch) b.fail(err as Error)
      return
    }
    // Visible in order, after they are durable.
    for (const b of batch) {
      const [off] = await this.mem.append(b.rec.topic, b.rec.p, [{ key: b.rec.r.key, value: b.rec.r.value, ts: b.rec.ts }])
      if (off !== b.rec.offset) { b.fail(new Error(`event log offset mismatch ${off} != ${b.rec.offset}`)); continue }
      b.done()
    }
  }

  read(topic: string, p: number, from: number, max: number): Promise<LogRecord[]> { return this.mem.read(topic, p, from, max) }
  wait(topic: string, p: number, from: number, timeoutMs: number): Promise<void> { return this.mem.wait(topic, p, from, timeoutMs) }
  bounds(topic: string, p: number): Promise<Bounds> { return this.mem.bounds(topic, p) }

  /** Drops records below `offset` in memory, records the new start, deletes fully dropped segments. */
  async truncateBefore(topic: string, p: number, offset: number): Promise<void> {
    await this.mem.truncateBefore(topic, p, offset)
    this.writeMeta()
    const starts = new Map<string, number>()
    for (const { topic: t, partitions } of this.mem.topicList()) for (let i = 0; i < partitions; i++) starts.set(pk(t, i), this.mem.boundsNow(t, i).start)
    while (this.segments.length > 1) {
      const seg = this.segments[0]
      if (![...seg.maxOffset].every(([k, max]) => max < (starts.get(k) ?? 0))) break
      rmSync(seg.path, { force: true })
      this.segments.shift()
      this.stats.segmentsDeleted++
    }
  }

  /** meta.json: each partition's start and end, replaced atomically. */
  private writeMeta(): void {
    const out: Record<string, { start: number; end: number }> = {}
    for (const { topic, partitions } of this.mem.topicList()) {
      for (let i = 0; i < partitions; i++) {
        const k = pk(topic, i)
        out[k] = { start: this.mem.boundsNow(topic, i).start, end: this.next.get(k) ?? 0 }
      }
    }
    const tmp = join(this.dir, 'meta.json.tmp')
    writeFileSync(tmp, JSON.stringify(out))
    const fd = openSync(tmp, 'r+'); fsyncSync(fd); closeSync(fd)
    renameSync(tmp, join(this.dir, 'meta.json'))
  }

  /** Bytes on disk (all segments). */
  diskBytes(): number { return this.segments.reduce((n, s) => { try { return n + statSync(s.path).size } catch { return n } }, 0) }

  async close(): Promise<void> {
    while (this.flushing || this.queue.length) await (this.flushing ?? new Promise((r) => setImmediate(r)))
    this.closed = true
    await this.fh?.close().catch(() => {})
    await this.mem.close()
    rmSync(join(this.dir, 'hexd.pid'), { force: true })
  }
}
