/**
 * `hexd bench ipc`: request/response round-trip latency, p50/p99 in µs, all
 * rows measured in one run on this machine:
 *   raw-futex | raw-eventfd | raw-signal   two C processes ping-ponging (the floor),
 *                                          from the hexd-worker executable
 *   hexd-<sync>[-spin]                     a PING through hexd's region + rings to the
 *                                          worker process, per sync mode, spin off/on;
 *                                          responses wake Node's event loop through an
 *                                          eventfd it polls (signal mode: the waiter thread)
 *   hexd-<sync>-waiter-thread              the same, woken by the native waiter thread
 *                                          (sleeping per sync mode) + ThreadSafeFunction
 *   child_process                          Node child_process IPC (process.send) echo
 *   worker_threads                         worker_threads postMessage echo
 *   zeromq                                 zeromq REQ/REP over ipc:// to another process
 *   raw-futex-{same,split}-cpu,            the raw futex floor and hexd-futex with both sides
 *   hexd-futex-{same,split}-cpu            pinned to one CPU / two CPUs (ipc-placement.ts),
 *   hexd-futex-spin-split-cpu              and hexd-futex with spin on two CPUs
 * Each hexd round trip is awaited before the next one is sent (back-to-back load).
 *
 * @example
 * hexd bench ipc --json --iters 5000
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SimOverhead } from './ipc-sim.ts'
import { placementRows } from './ipc-placement.ts'
import { rawRow, row, timeLoop, withEchoChild, withPingWorker, type IpcRow } from './ipc-timing.ts'

export type { IpcRow } from './ipc-timing.ts'

export interface IpcReport {
  rows: IpcRow[]
  ratios: Record<string, number>
  notes: string[]
  /** `hexd sim` with --compute process vs thread (ipc-sim.ts); absent with simReps 0. */
  sim_overhead?: SimOverhead
}

async function rawRows(iters: number): Promise<IpcRow[]> {
  const out: IpcRow[] = []
  for (const mode of ['futex', 'eventfd', 'signal'] as const) out.push(rawRow(mode, iters))
  return out
}

async function hexdRows(iters: number, spinNs: number): Promise<IpcRow[]> {
  const out: IpcRow[] = []
  for (const sync of ['futex', 'eventfd', 'signal'] as const) {
    const variants: Array<{ spin: number; wake?: 'thread' }> = [{ spin: 0 }, { spin: spinNs }]
    if (sync !== 'signal') variants.push({ spin: 0, wake: 'thread' })
    for (const { spin, wake } of variants) {
      const us = await withPingWorker({ sync, spinNs: spin, wake }, (ping) => timeLoop(iters, ping))
      out.push(row(`hexd-${sync}${spin ? '-spin' : ''}${wake ? '-waiter-thread' : ''}`, us))
    }
  }
  return out
}

async function childProcessRow(iters: number): Promise<IpcRow> {
  return row('child_process', await withEchoChild((ping) => timeLoop(iters, ping)))
}

async function workerThreadsRow(iters: number): Promise<IpcRow> {
  const w = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))", { eval: true })
  let waiting: (() => void) | null = null
  w.on('message', () => { const r = waiting; waiting = null; r?.() })
  const us = await timeLoop(iters, () => new Promise<void>((resolve) => { waiting = resolve; w.postMessage(1) }))
  await w.terminate()
  return row('worker_threads', us)
}

async function zeromqRow(iters: number): Promise<IpcRow> {
  const zmqPath = createRequire(import.meta.url).resolve('zeromq')
  const zmq = await import('zeromq')
  const endpoint = `ipc://${join(tmpdir(), `hexd-bench-${process.pid}.sock`)}`
  const script = `const zmq = await import(${JSON.stringify(pathToFileURL(zmqPath).href)});
    const rep = new zmq.Reply(); await rep.bind(${JSON.stringify(endpoint)}); process.stdout.write('ready\\n');
    for await (const [m] of rep) await rep.send(m)`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (c) => reject(new Error(`zeromq peer exited with ${c}`)))
  })
  const req = new zmq.Request()
  req.connect(endpoint)
  const msg = Buffer.alloc(8)
  const us = await timeLoop(iters, async () => { await req.send(msg); await req.receive() })
  req.close()
  child.kill()
  return row('zeromq', us)
}

/** Runs every row; returns the report (ratios relative to same-run baselines). */
export async function runIpcBench(opts: { iters?: number; spinNs?: number; placement?: boolean; sim?: { size: number; ticks: number; reps: number; rounds?: number } } = {}): Promise<IpcReport> {
  const iters = opts.iters ?? 5000
  const rows: IpcRow[] = []
  rows.push(...await rawRows(iters))
  rows.push(...await hexdRows(iters, opts.spinNs ?? 50_000))
  const placed = opts.placement === false ? null : await placementRows(iters, opts.spinNs ?? 50_000)
  if (placed) rows.push(...placed.rows)
  rows.push(await childProcessRow(iters))
  rows.push(await workerThreadsRow(iters))
  rows.push(await zeromqRow(iters))
  const by = (n: string): IpcRow => rows.find((r) => r.name === n)!
  const r3 = (x: number): number => +x.toFixed(3)
  const ratios: Record<string, number> = {
    hexd_futex_over_raw_futex_p50: r3(by('hexd-futex').p50_us / by('raw-futex').p50_us),
    hexd_eventfd_over_raw_eventfd_p50: r3(by('hexd-eventfd').p50_us / by('raw-eventfd').p50_us),
    hexd_signal_over_raw_signal_p50: r3(by('hexd-signal').p50_us / by('raw-signal').p50_us),
    hexd_futex_spin_p50_us: by('hexd-futex-spin').p50_us,
    child_process_over_hexd_futex_spin_p50: r3(by('child_process').p50_us / by('hexd-futex-spin').p50_us),
    child_process_over_hexd_futex_p50: r3(by('child_process').p50_us / by('hexd-futex').p50_us),
    zeromq_over_hexd_futex_spin_p50: r3(by('zeromq').p50_us / by('hexd-futex-spin').p50_us),
    ...placed?.ratios,
  }
  const spinSplit = rows.find((r) => r.name === 'hexd-futex-spin-split-cpu')
  if (spinSplit) {
    ratios.hexd_futex_spin_p50_us_split_cpu = spinSplit.p50_us
    // child_process on the same two CPUs when it was measured there (placement-matched), else unpinned.
    const childSplit = rows.find((r) => r.name === 'child_process-split-cpu') ?? by('child_process')
    ratios.child_process_over_hexd_futex_spin_p50_split_cpu = r3(childSplit.p50_us / spinSplit.p50_us)
  }
  const notes = [
    'raw-* are two C processes doing one blocking wake-up each way (no spin); hexd-* add the ring, the frame, the addon call and promise resolution in Node.',
    'hexd-*-spin: both sides spin for up to spinNs (bounded, yielding) before sleeping.',
    'hexd-futex / hexd-eventfd: the worker sleeps on the futex / eventfd; its answer wakes Node through an eventfd polled by the event loop. hexd-signal and *-waiter-thread: a native waiter thread sleeps (rt signal / futex / eventfd) and hands over through a ThreadSafeFunction (two wake-ups).',
  ]
  if (placed) {
    notes.push(`*-same-cpu / *-split-cpu: both sides pinned to CPU ${placed.cpus[0]} / to CPUs ${placed.cpus.join(' and ')} (raw: the two processes; hexd: this thread and every worker thread; child_process: this thread and every thread of the child). Unpinned, the scheduler may put the raw pair on one CPU and hexd on two in the same run; the placement-matched ratios compare like with like.`)
    for (const s of placed.skipped) notes.push(`placement skipped: ${s}`)
  }
  const rep: IpcReport = { rows, ratios, notes }
  if (opts.sim && opts.sim.reps > 0) {
    const { runSimOverhead } = await import('./ipc-sim.ts')
    rep.sim_overhead = await runSimOverhead(opts.sim)
    notes.push('sim_overhead: hexd sim (one tick request per tick) with --compute process vs thread, ABBA-interleaved runs after one warm-up each; overhead_pct is the median over pairs of process/thread - 1, with the spread of the pairs; interleaved.overhead_pct (two worlds stepped alternately tick by tick, median step times, median over rounds of fresh world pairs) is the steadiest figure on a loaded machine.')
  }
  return rep
}

/** Human-readable table (without --json). */
export function formatIpc(rep: IpcReport): string {
  const lines = [`${'name'.padEnd(28)} p50 µs     p99 µs`]
  for (const r of rep.rows) lines.push(`${r.name.padEnd(28)} ${r.p50_us.toFixed(2).padStart(9)} ${r.p99_us.toFixed(2).padStart(10)}`)
  for (const [k, v] of Object.entries(rep.ratios)) lines.push(`${k}: ${v}`)
  const so = rep.sim_overhead
  if (so) {
    lines.push(`sim --size ${so.size} --ticks ${so.ticks}, ${so.reps} pairs: process ${so.process_median_ms} ms, thread ${so.thread_median_ms} ms (medians)`)
    lines.push(`process overhead: ${so.overhead_pct} % (pairs p25..p75 ${so.overhead_pct_p25_p75[0]}..${so.overhead_pct_p25_p75[1]} %, min ${so.overhead_pct_min}, max ${so.overhead_pct_max}; fastest runs ${so.overhead_pct_of_min} %), hashes match: ${so.hashes_match}`)
    lines.push(`process CPU overhead: ${so.cpu_overhead_pct} % (pairs p25..p75 ${so.cpu_overhead_pct_p25_p75[0]}..${so.cpu_overhead_pct_p25_p75[1]} %)`)
    const iv = so.interleaved
    lines.push(`tick-interleaved (${iv.ticks} ticks per world, ${iv.rounds.length} rounds): overhead ${iv.overhead_pct} % (median over rounds; rounds ${iv.overhead_pct_min}..${iv.overhead_pct_max} %)`)
    for (const r of iv.rounds) lines.push(`  round: process ${r.process_step_us_median} µs, thread ${r.thread_step_us_median} µs per step (medians): ${r.overhead_pct} % (summed ${r.overhead_pct_of_sums} %, 100-tick blocks ${r.overhead_pct_blocks_min}..${r.overhead_pct_blocks_max} %)`)
  }
  return lines.join('\n')
}
