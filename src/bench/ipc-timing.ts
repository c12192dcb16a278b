/**
 * What every `hexd bench ipc` row shares: a row's shape, its percentiles, and the loop that
 * times awaited round trips (ipc.ts, ipc-placement.ts).
 *
 * @example
 * const us = await timeLoop(5000, () => ch.request(REQ.PING, payload))  // 500 warm-up trips first
 * row('hexd-futex', us)  // { name: 'hexd-futex', p50_us: 48.5, p99_us: 113.6, iters: 5000 }
 */
import { spawn, spawnSync } from 'node:child_process'
import { HexdError } from '../errors.ts'
import { loadNative, workerPath } from '../native/addon.ts'

export interface IpcRow { name: string; p50_us: number; p99_us: number; iters: number }

/** The p-quantile (0..1) of `samples`, rounded to ns; the samples are not modified. */
export function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b)
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(3)
}

/** A row from round-trip times in µs. */
export function row(name: string, us: number[]): IpcRow {
  return { name, p50_us: pct(us, 0.5), p99_us: pct(us, 0.99), iters: us.length }
}

/** Times `iters` awaited round trips (µs each) after a 10% warm-up that is not kept. */
export async function timeLoop(iters: number, once: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.ceil(iters / 10); i++) await once()
  const us: number[] = []
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint()
    await once()
    us.push(Number(process.hrtime.bigint() - t0) / 1000)
  }
  return us
}

/**
 * The raw floor: two C processes ping-ponging with one blocking wake-up each way (rawbench.cc,
 * run by the worker executable). `cpus` [A, B] pins the first process to CPU A and the second to
 * CPU B; without it the scheduler places them.
 */
export function rawRow(mode: 'futex' | 'eventfd' | 'signal', iters: number, cpus?: [number, number]): IpcRow {
  const args = ['--raw-bench', mode, '--iters', String(iters), ...(cpus ? ['--cpus', cpus.join(',')] : [])]
  const r = spawnSync(workerPath(), args, { encoding: 'utf8' })
  if (r.status !== 0) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `raw ${mode} benchmark failed: ${r.stderr || r.error?.message}`)
  const j = JSON.parse(r.stdout) as IpcRow
  return { name: j.name, p50_us: j.p50_us, p99_us: j.p99_us, iters: j.iters }
}

/**
 * Starts a worker process on a fresh region (`sync`, `spinNs`, `wake` as RegionChannel takes
 * them), runs `body` with a function that sends one PING and awaits its answer, and stops the
 * worker whatever happens. Every hexd row of `hexd bench ipc` is measured through this.
 */
export async function withPingWorker<T>(
  opts: { sync: 'futex' | 'eventfd' | 'signal'; spinNs: number; wake?: 'thread' },
  body: (ping: () => Promise<unknown>, workerPid: number) => Promise<T>,
): Promise<T> {
  const { RegionChannel } = await import('../native/region.ts')
  const { Supervisor } = await import('../native/supervisor.ts')
  const { chooseSync } = await import('../native/sync.ts')
  const { REQ } = await import('../native/protocol.ts')
  const n = loadNative()
  if (!n.ok) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', n.reason)
  chooseSync(n.addon, opts.sync)
  const ch = RegionChannel.create({ stateBytes: 4096, sync: opts.sync, spinNs: opts.spinNs, wake: opts.wake })
  const sup = new Supervisor(ch)
  const payload = new Uint8Array(8)
  try {
    await sup.start()
    return await body(() => ch.request(REQ.PING, payload), sup.pid)
  } finally {
    await sup.stop()
    ch.close()
  }
}

/**
 * Starts a Node child that echoes every IPC message (`process.send`), runs `body` with a
 * one-message round trip and the child's pid, then ends the child: Node's `child_process` IPC
 * as the `child_process` rows measure it.
 */
export async function withEchoChild<T>(body: (ping: () => Promise<void>, childPid: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  let waiting: (() => void) | null = null
  child.on('message', () => { const w = waiting; waiting = null; w?.() })
  try {
    return await body(() => new Promise<void>((resolve) => { waiting = resolve; child.send(1) }), child.pid!)
  } finally {
    child.kill()
  }
}
