/**
 * `hexd bench net --parts`: what one tick of `hexd bench net` costs the daemon, part by part, as
 * CPU time (steadier than latency on a shared machine), for K actions (K clients, one action per
 * tick each). Explains the p99: an action waits up to one tick for its tick, then for
 *   - the engine step with the tick's K actions (the bench's claims, all rejected after the first),
 *   - the journal commit of the tick (the store's PGlite journal, on PGlite's own thread: its
 *     wall time is what an answer waits; its CPU, of both threads, is what it costs),
 *   - the socket writes of the answers (one per client; this measures what one costs here),
 * before its answer leaves. Each part is measured the way the daemon runs it, in this process.
 *
 * @example
 * hexd bench net --parts --clients 1000 --json
 * // { "engine_step_ms": …, "journal_commit_ms": { "pglite": … }, "socket_write_us": …, … }
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median } from './stats.ts'

const r2 = (x: number) => Math.round(x * 100) / 100
const cpuMs = (f: () => void): number => { const c0 = process.cpuUsage(); f(); const c = process.cpuUsage(c0); return (c.user + c.system) / 1000 }

/** CPU ms of one engine step (size 16) carrying `k` claims, median of `rounds`; and of a step with none. */
async function engineStep(k: number, rounds: number): Promise<{ with_actions: number; without: number }> {
  const { createWorld } = await import('../engine/index.ts')
  const w = createWorld({ seed: 1, size: 16 })
  const ids = Array.from({ length: k }, (_, i) => `b${i}`)
  w.step(ids.map((id) => ({ type: 'join', player: id, name: id })))
  const claims = ids.map((id) => ({ type: 'claim', player: id, cell: w.player(id)!.cell }))
  w.step(claims) // the first claims succeed; from here on every claim is rejected (already yours), as in the bench
  const withA: number[] = [], without: number[] = []
  for (let i = 0; i < rounds; i++) { withA.push(cpuMs(() => { w.step(claims); w.diffs() })); without.push(cpuMs(() => { w.step([]); w.diffs() })) }
  return { with_actions: r2(median(withA)), without: r2(median(without)) }
}

/** Wall and CPU ms (all threads) of the store's journal commit of `k` claims per tick (PGlite in a temp dir), medians of `rounds`. */
async function journalCommit(k: number, rounds: number): Promise<{ wall: number; cpu: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hexd-bench-parts-'))
  try {
    const { openStore } = await import('../store/open.ts')
    const { Journal } = await import('../store/journal.ts')
    const { db } = await openStore({ data: dir })
    const j = await Journal.open(db)
    const acts = Array.from({ length: k }, (_, i) => ({ type: 'claim', cell: 1000 + i, player: 'abcdef123456' }))
    const cpu: number[] = [], wall: number[] = []
    for (let t = 1; t <= rounds; t++) {
      const c0 = process.cpuUsage(), t0 = performance.now()
      await j.commit(t, acts, 'h')
      wall.push(performance.now() - t0)
      const c = process.cpuUsage(c0)
      cpu.push((c.user + c.system) / 1000)
    }
    await j.close()
    await db.close()
    return { wall: r2(median(wall)), cpu: r2(median(cpu)) }
  } finally { rmSync(dir, { recursive: true, force: true }) }
}

/** CPU µs of one ~`size`-byte write to each of `k` loopback TCP sockets (a sink child reads them), median of `rounds`. */
async function socketWrite(k: number, size: number, rounds: number): Promise<number> {
  const sink = spawn(process.execPath, ['-e', "const s=require('net').createServer(c=>c.resume()).listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const port = await new Promise<number>((res) => sink.stdout!.once('data', (d) => res(Number(String(d)))))
    const socks = await Promise.all(Array.from({ length: k }, () => new Promise<net.Socket>((res) => { const s = net.connect(port, '127.0.0.1', () => res(s)); s.setNoDelay(true) })))
    const buf = Buffer.alloc(size, 120)
    const per: number[] = []
    for (let r = 0; r < rounds; r++) {
      per.push(cpuMs(() => { for (const s of socks) s.write(Buffer.from(buf)) }) * 1000 / k)
      await new Promise((res) => setTimeout(res, 50))
    }
    for (const s of socks) s.destroy()
    return r2(median(per))
  } finally { sink.kill() }
}

/** The parts report for `k` clients. */
export async function runNetParts(k: number): Promise<Record<string, unknown>> {
  const step = await engineStep(k, 60)
  const commit = await journalCommit(k, 40)
  const write = await socketWrite(k, 1500, 30)
  const tickMs = 50
  return {
    clients: k,
    // CPU ms per tick on the daemon's thread before any answer of that tick can leave.
    engine_step_ms: step,
    journal_commit_ms: { pglite: commit.wall, pglite_cpu: commit.cpu },
    // CPU µs of one answer's socket write (reply + action_result + diff in one ~1.5 KB write).
    socket_write_us: write,
    // The p99 floor: an action waits for its tick (p99 of a uniform wait: 0.99 tick), then for the
    // step and commit before the first answers leave; compare with goal.p99_limit_ms of a run.
    p99_floor_ms: { memory: r2(tickMs * 0.99 + step.with_actions), pglite: r2(tickMs * 0.99 + step.with_actions + commit.wall) },
    // Answer writes of one tick, CPU ms (all K clients).
    writes_per_tick_ms: r2((write * k) / 1000),
  }
}
