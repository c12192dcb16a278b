/**
 * Loads the native addon (src/native/build/Release/hexd_native.node) and
 * locates the worker executable. Both are optional: when the build failed or
 * never ran, {@link loadNative} reports why and callers fall back to
 * `--compute js` (the TypeScript reference), logging that clearly.
 *
 * @example
 * const n = loadNative()
 * if (!n.ok) log.warn(n.reason)  // "native addon not built (...): running --compute js"
 */
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
/** Where node-gyp puts the addon and the worker. HEXD_NATIVE_DIR overrides (tests). */
export function buildDir(): string {
  return process.env.HEXD_NATIVE_DIR ?? join(here, 'build', 'Release')
}
/** Path of the worker executable (HEXD_WORKER_BIN overrides: tests point it at a missing file). */
export function workerPath(): string {
  return process.env.HEXD_WORKER_BIN ?? join(buildDir(), 'hexd-worker')
}

/** The addon's raw interface (see cc/addon.cc). */
export interface NativeRegionHandle {
  stateBuffer(): ArrayBuffer
  headerBuffer(): ArrayBuffer
  fds(): { region: number; eventReq: number; eventResp: number; eventLoop: number }
  info(): RegionInfo
  push(type: number, seq: number, payload?: Uint8Array): number
  drain(): Array<number | Buffer>
  poll(spinNs: number): Array<number | Buffer>
  startWaiter(cb: () => void): void
  stopWaiter(): void
  arm(): boolean
  disarm(): void
  ref(): void
  unref(): void
  startThread(): void
  stopThread(): void
  setStop(v: number): void
  setSpin(ns: number): void
  close(): void
}
export interface RegionInfo {
  regionBytes: number; stateBytes: number; ringBytes: number; viaMemfd: boolean
  sync: SyncMode; spinNs: number; wake: 'loop' | 'thread'; daemonPid: number; workerPid: number; workerGeneration: number
  epoch: number; retriedTicks: number; workerHeartbeat: number; daemonHeartbeat: number; requestBacklog: number
}
export type SyncMode = 'futex' | 'eventfd' | 'signal'
export interface NativeAddon {
  NativeRegion: new (opts: {
    stateBytes: number; scratchBytes?: number; ringBytes?: number; layoutVersion?: number; layoutParams?: Uint32Array
    sync?: SyncMode; spinNs?: number; threads?: number; wake?: 'loop' | 'thread'
  }) => NativeRegionHandle
  syncAvailable(): SyncMode[]
  regionVersion: number
  daemonSignal: number
  workerSignal: number
  /** The CPUs thread `tid` may run on (0 = the calling thread); [] when it cannot be read. */
  cpuAffinity(tid: number): number[]
  /** Restricts thread `tid` (0 = the calling thread) to `cpus`; false when the kernel refused. */
  setCpuAffinity(tid: number, cpus: number[]): boolean
  /** Best times to copy `bytes` `passes` times on one thread and on `threads` (cc/membench.h; `hexd bench kernel`'s machine baseline). */
  copyScaling(bytes: number, passes: number, threads: number, rounds: number): { oneThreadS: number; threadsS: number }
  /** The socket writer thread (cc/socket_writer.h), used through src/net/socket-writer.ts. */
  SocketWriter?: new (capacity?: number) => unknown
}

export type NativeLoad = { ok: true; addon: NativeAddon } | { ok: false; reason: string }
let cached: NativeLoad | undefined

/** Loads the addon once; never throws. */
export function loadNative(): NativeLoad {
  if (cached) return cached
  const file = join(buildDir(), 'hexd_native.node')
  if (process.env.HEXD_NATIVE_DISABLE === '1') {
    cached = { ok: false, reason: 'native addon disabled by HEXD_NATIVE_DISABLE=1' }
  } else if (!existsSync(file)) {
    cached = { ok: false, reason: `native addon not built (${file} is missing; run \`npm run build:native\`)` }
  } else {
    try {
      cached = { ok: true, addon: createRequire(import.meta.url)(file) as NativeAddon }
    } catch (err) {
      cached = { ok: false, reason: `native addon failed to load: ${(err as Error).message}` }
    }
  }
  return cached
}
