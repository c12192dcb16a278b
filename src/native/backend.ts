/**
 * The engine's TickBackend for `--compute thread` and `--compute process`:
 * the native kernel ticks the world's own state buffer, which lives in the
 * shared-memory region (the World allocates it through `allocate`), so no
 * byte is copied or serialized in either direction.
 *
 * `selectBackend` picks a backend for a --compute value and falls back to the
 * TS reference (`js`) when the native build is unavailable, saying so.
 *
 * @example
 * const nb = selectBackend('process', { sync: 'auto', log })
 * const world = createWorld({ seed: 1, size: 100, backend: nb.backend, allocate: nb.allocate })
 * await world.stepAsync([])
 * await nb.backend.close?.()
 */
import { availableParallelism } from 'node:os'
import { HexdError } from '../errors.ts'
import { jsBackend, layout, type TickBackend, type TickInput, type TickOutput } from '../engine/index.ts'
import { loadNative, type SyncMode } from './addon.ts'
import { RegionChannel } from './region.ts'
import { Supervisor, type SupervisorOptions } from './supervisor.ts'
import { chooseSync } from './sync.ts'

/** Kernel request types (cc/kernel.cc). */
export const KREQ = { TICK: 16, CHUNK_HASH: 17, HASH_TREE: 18, GENERATE: 19 } as const

export type Compute = 'js' | 'thread' | 'process'
export const COMPUTE_MODES: readonly Compute[] = ['process', 'thread', 'js']

export interface NativeBackendOptions {
  sync?: SyncMode | 'auto'
  /** Spin budget before sleeping, ns (0 = off; default 0). */
  spinNs?: number
  /** Kernel threads (default: one per core). */
  threads?: number
  log?: SupervisorOptions['log']
  supervisor?: Omit<SupervisorOptions, 'log' | 'layoutVersion'>
}

/** Scratch bytes the kernel needs for a state area of `bytes` (see kernel.cc). */
export function scratchBytesFor(bytes: number): number {
  const cap = Math.max(0, Math.floor((bytes - layout.WORLD_HEADER_BYTES) / layout.SLOT_BYTES))
  return 64 + 2 * Math.ceil(cap / 64) * 64 + cap * layout.SLOT_HEADER_BYTES
}

export class NativeBackend implements TickBackend {
  readonly name: 'thread' | 'process'
  readonly sync: SyncMode
  private ch: RegionChannel | null = null
  private sup: Supervisor | null = null
  private readonly retired: Array<{ ch: RegionChannel; sup: Supervisor | null }> = []
  // Halo knowledge across tick requests (kernel.cc): the token of the last
  // tick request that succeeded on the current channel (0: none, the worker
  // must forget) and the engine's write mark when it was sent.
  private basis = 0n
  private writeMark = 0
  private nextToken = 1n

  constructor(compute: 'thread' | 'process', private readonly opts: NativeBackendOptions = {}) {
    const n = loadNative()
    if (!n.ok) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', n.reason)
    this.name = compute
    this.sync = chooseSync(n.addon, opts.sync ?? 'auto')
  }

  /** The channel of the current region (tests, benchmarks). */
  get channel(): RegionChannel | null { return this.ch }
  get supervisor(): Supervisor | null { return this.sup }

  /**
   * Allocates the world's state buffer in a fresh shared-memory region and
   * starts its worker. Called again when the world grows: the new region gets
   * a new worker; the old one is retired (its buffer stays readable while the
   * world copies from it).
   */
  readonly allocate = (bytes: number): ArrayBuffer => {
    if (this.ch) this.retired.push({ ch: this.ch, sup: this.sup })
    const ch = RegionChannel.create({
      stateBytes: bytes,
      scratchBytes: scratchBytesFor(bytes),
      layoutVersion: layout.LAYOUT_VERSION,
      sync: this.sync,
      spinNs: this.opts.spinNs ?? 0,
      threads: this.opts.threads ?? availableParallelism(),
    })
    this.ch = ch
    this.basis = 0n
    if (this.name === 'thread') {
      ch.startThreadWorker()
      this.sup = null
    } else {
      this.sup = new Supervisor(ch, { ...this.opts.supervisor, log: this.opts.log, layoutVersion: layout.LAYOUT_VERSION })
      this.sup.start()
    }
    return ch.state
  }

  private channelFor(input: TickInput): RegionChannel {
    if (!this.ch || input.buffer !== this.ch.state) {
      throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `the ${this.name} backend can only tick a world whose buffer it allocated (pass backend.allocate as the world's allocate option)`)
    }
    return this.ch
  }

  /** One tick (committed + 1); the world flips the epoch afterwards. */
  async tick(input: TickInput): Promise<TickOutput> {
    const wh = new Uint32Array(input.buffer, 0, 16)
    const committed = wh[layout.WH.TICK_LO] + wh[layout.WH.TICK_HI] * 4294967296
    return this.run(input, committed + 1, false)
  }

  /**
   * `count` ticks in one request with the active set fixed (no actions in
   * between): the worker commits each tick itself (epoch + tick in one atomic
   * store), so a crash mid-run loses no committed tick and the retried request
   * resumes from the last commit. Changed slots are the union over the ticks.
   */
  async tickMany(input: TickInput, count: number): Promise<TickOutput & { ticks: number }> {
    const wh = new Uint32Array(input.buffer, 0, 16)
    const committed = wh[layout.WH.TICK_LO] + wh[layout.WH.TICK_HI] * 4294967296
    const out = await this.run(input, committed + count, true)
    return out
  }

  private async run(input: TickInput, target: number, flip: boolean): Promise<TickOutput & { ticks: number }> {
    const ch = this.channelFor(input)
    // Regions left behind by growth: the world has copied them by now.
    if (this.retired.length) await this.retire()
    const words = Math.ceil(input.slots.length / 32)
    // The slots written since the last successful tick request: the worker
    // keeps its halo knowledge for the rest when `basis` is the token it
    // last answered (a restarted worker has none and starts over).
    const log = input.written
    const basis = log ? this.basis : 0n
    const mark = log?.writes ?? 0
    const written = basis !== 0n ? log!.writtenSince(this.writeMark) : []
    const token = this.nextToken++
    const payload = new Uint8Array(24 + 4 * input.active.length + 4 * words + 16 + 4 * written.length)
    const dv = new DataView(payload.buffer)
    dv.setBigUint64(0, BigInt(target), true)
    dv.setUint32(8, flip ? 1 : 0, true)
    dv.setUint32(12, input.active.length, true)
    dv.setUint32(16, words, true)
    dv.setUint32(20, written.length, true)
    let o = 24
    for (const s of input.active) { dv.setUint32(o, s, true); o += 4 }
    const defined = new Uint32Array(words)
    input.slots.forEach((v, i) => { if (v !== undefined) defined[i >>> 5] |= 1 << (i & 31) })
    for (let w = 0; w < words; w++) { dv.setUint32(o, defined[w], true); o += 4 }
    dv.setBigUint64(o, basis, true)
    dv.setBigUint64(o + 8, token, true)
    o += 16
    for (const s of written) { dv.setUint32(o, s, true); o += 4 }
    this.basis = 0n
    const r = await ch.request(KREQ.TICK, payload)
    if (ch === this.ch) { this.basis = token; this.writeMark = mark }
    const p = r.payload
    const cellsUpdated = Number(p.readBigUInt64LE(0))
    const ticks = p.readUInt32LE(8)
    const n = p.readUInt32LE(12)
    const changedSlots: number[] = []
    for (let k = 0; k < n; k++) changedSlots.push(p.readUInt32LE(16 + 4 * k))
    return { changedSlots, cellsUpdated, ticks }
  }

  private async retire(): Promise<void> {
    const old = this.retired.splice(0)
    for (const { ch, sup } of old) {
      if (sup) await sup.stop()
      ch.close()
    }
  }

  /**
   * Chunk hashes recomputed by the worker from the bytes of copy `copy` (0/1)
   * of each slot (slot.ts chunkHashOf; checks a stored header hash).
   * @example await nb.chunkHashes(0, [0, 1]) // [[lo, hi], [lo, hi]]
   */
  async chunkHashes(copy: number, slots: readonly number[]): Promise<Array<[number, number]>> {
    if (!this.ch) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `the ${this.name} backend has no region yet (the world allocates it)`)
    const b = Buffer.alloc(4 + 4 * slots.length)
    b.writeUInt32LE(copy, 0)
    slots.forEach((s, k) => b.writeUInt32LE(s, 4 + 4 * k))
    const r = await this.ch.request(KREQ.CHUNK_HASH, b)
    return slots.map((_, k) => [r.payload.readUInt32LE(8 * k), r.payload.readUInt32LE(8 * k + 4)])
  }

  /**
   * The chunk hash tree root (hash.ts hashTree) computed by the worker from the
   * slot headers in the region, plus `extra` leaves (chunks not resident, e.g.
   * the engine's parked chunks). Returns [lo, hi].
   */
  async hashTree(slots: readonly number[], extra: ReadonlyArray<{ chunk: number; lo: number; hi: number }> = []): Promise<[number, number]> {
    if (!this.ch) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `the ${this.name} backend has no region yet (the world allocates it)`)
    const b = Buffer.alloc(8 + 4 * slots.length + 16 * extra.length)
    b.writeUInt32LE(slots.length, 0)
    b.writeUInt32LE(extra.length, 4)
    slots.forEach((s, k) => b.writeUInt32LE(s, 8 + 4 * k))
    extra.forEach((l, k) => {
      const o = 8 + 4 * slots.length + 16 * k
      b.writeUInt32LE(l.chunk >>> 0, o)
      b.writeUInt32LE(Math.floor(l.chunk / 4294967296), o + 4)
      b.writeUInt32LE(l.lo >>> 0, o + 8)
      b.writeUInt32LE(l.hi >>> 0, o + 12)
    })
    const r = await this.ch.request(KREQ.HASH_TREE, b)
    return [r.payload.readUInt32LE(0), r.payload.readUInt32LE(4)]
  }

  /**
   * Generates chunks into slots of the shared state (generate.ts generateChunk:
   * header and both copies; the halo table stays the chunk manager's), in
   * parallel on the worker's threads.
   */
  async generate(jobs: ReadonlyArray<{ slot: number; chunk: number }>): Promise<void> {
    if (!this.ch) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `the ${this.name} backend has no region yet (the world allocates it)`)
    const b = Buffer.alloc(8 + 16 * jobs.length)
    b.writeUInt32LE(jobs.length, 0)
    jobs.forEach((j, k) => {
      b.writeUInt32LE(j.slot, 8 + 16 * k)
      b.writeBigUInt64LE(BigInt(j.chunk), 16 + 16 * k)
    })
    await this.ch.request(KREQ.GENERATE, b)
  }

  /** Stops every worker and releases the regions (mappings go once no view remains). */
  async close(): Promise<void> {
    const all = [...this.retired, ...(this.ch ? [{ ch: this.ch, sup: this.sup }] : [])]
    this.retired.length = 0
    this.ch = null
    this.sup = null
    for (const { ch, sup } of all) {
      if (sup) await sup.stop()
      ch.close()
    }
  }
}

export interface SelectedBackend {
  backend: TickBackend
  /** Pass as the world's `allocate` (undefined for js). */
  allocate?: (bytes: number) => ArrayBufferLike
  compute: Compute
  /** Why a native mode fell back to js, if it did. */
  fallback?: string
}

/**
 * The backend for a `--compute` value. A native mode whose addon is missing
 * falls back to js with a warning (the build may legitimately have failed);
 * a forced --sync the kernel lacks is an error (HEXD_NATIVE_UNAVAILABLE).
 */
export function selectBackend(compute: Compute, opts: NativeBackendOptions = {}): SelectedBackend {
  if (compute === 'js') return { backend: jsBackend(), compute: 'js' }
  const n = loadNative()
  if (!n.ok) {
    const why = `${n.reason}; running --compute js (the TypeScript reference) instead of --compute ${compute}`
    opts.log?.warn({ compute, fallback: 'js' }, why)
    return { backend: jsBackend(), compute: 'js', fallback: why }
  }
  const nb = new NativeBackend(compute, opts)
  return { backend: nb, allocate: nb.allocate, compute }
}
