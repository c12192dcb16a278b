/**
 * `hexd bench net`: K WebSocket clients speaking Phoenix v2 to a real
 * `hexd serve` (a child process), each pushing one action per tick for D
 * seconds. Reports action→reply latency p50/p99, diff bytes per client per
 * tick, seq gaps (must be 0) and measured UPS; then the same K clients and
 * send rate against a raw `ws` echo server (also a child process) as the
 * baseline, and mailbox GET requests/s. Goal: p99 <= echo p99 × 2 + one tick.
 *
 * @example
 * hexd bench net --clients 200 --duration 5 --json
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { WebSocket } from 'ws'
import { HEXD_NODE_FLAGS } from '../daemon/node-flags.ts'
import { monoUs } from '../daemon/tick-trace.ts'
import { reapOnInterrupt } from './reap.ts'

export interface NetBenchOptions { clients: number; duration: number; ups: number; size: number; mailboxConns: number; json: boolean; store: 'auto' | 'memory' }

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
const r3 = (x: number) => Math.round(x * 1000) / 1000

/** Starts a child and resolves with the first stdout/stderr line matching `re` (parsed JSON). */
async function startChild(args: string[], stream: 'stdout' | 'stderr', match: (o: Record<string, unknown>) => boolean): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  reapOnInterrupt(child)
  let buf = ''
  let errText = ''
  child.stderr!.on('data', (d) => { if (stream !== 'stderr') errText += d })
  const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code}: ${errText}`)))
    child[stream]!.on('data', (d) => {
      buf += d
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const l = buf.slice(0, i); buf = buf.slice(i + 1)
        try { const o = JSON.parse(l); if (match(o)) resolve(o) } catch { /* not JSON */ }
      }
    })
  })
  // HEXD_BENCH_DAEMON_STDOUT=FILE keeps what the daemon prints on stdout (V8's --trace-gc lines,
  // with the reason of each collection, go there; HEXD_BENCH_NODE_ARGS gives the flag).
  const keep = stream === 'stderr' ? process.env.HEXD_BENCH_DAEMON_STDOUT : undefined
  if (keep) child.stdout!.pipe(createWriteStream(keep))
  else child.stdout!.resume()
  child.stderr!.resume()
  return { child, line }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

/**
 * CPU seconds (user + system) a child process has used so far, from /proc (Linux; NaN elsewhere).
 * The daemon's CPU per second of load is steadier than latency on a machine shared with other
 * work: latency there mostly measures who else is running.
 */
function cpuSeconds(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return NaN }
}

/** The daemon's tick-phase histograms (src/daemon/daemon.ts), cumulative bucket counts by upper bound (s). */
const PHASES = { late: 'hexd_tick_late_seconds', step: 'hexd_tick_duration_seconds', commit: 'hexd_tick_commit_seconds', first_answer: 'hexd_tick_first_answer_seconds', answered: 'hexd_tick_answered_seconds' } as const
type PhaseCounts = Record<keyof typeof PHASES, Array<[number, number]>>

async function phaseCounts(base: string): Promise<PhaseCounts & { pacingMs: number }> {
  const text = await (await fetch(base + '/metrics')).text()
  const out = {} as PhaseCounts & { pacingMs: number }
  for (const [k, name] of Object.entries(PHASES) as Array<[keyof typeof PHASES, string]>) {
    out[k] = []
    const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, 'gm')
    for (const m of text.matchAll(re)) out[k].push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])])
  }
  // The daemon paces deliveries while it is overloaded (daemon.ts): not a steady state yet.
  out.pacingMs = Number(/^hexd_delivery_pacing_ms (\S+)$/m.exec(text)?.[1] ?? 0)
  return out
}

/**
 * p50/p90/p99 (ms, bucket upper bounds: "at most") of each tick phase over the ticks between two reads:
 * where an action's time after its tick started went, measured inside the daemon (no client in it).
 */
type PhaseStats = { p50: number | null; p90: number | null; p99: number | null; ticks: number }
function phasePercentiles(a: PhaseCounts, b: PhaseCounts): Record<keyof typeof PHASES, PhaseStats> {
  const out = {} as Record<keyof typeof PHASES, PhaseStats>
  for (const k of Object.keys(PHASES) as Array<keyof typeof PHASES>) {
    const d = b[k].map(([le, n], i) => [le, n - (a[k][i]?.[1] ?? 0)] as [number, number])
    const total = d.length ? d[d.length - 1][1] : 0
    const at = (q: number) => { const hit = d.find(([, n]) => n >= q * total); return hit && Number.isFinite(hit[0]) ? hit[0] * 1000 : null }
    out[k] = { p50: total ? at(0.5) : null, p90: total ? at(0.9) : null, p99: total ? at(0.99) : null, ticks: total }
  }
  return out
}

/**
 * Waits, once every client sends at tick rate, until the daemon keeps up: a 1-second window in
 * which it ran at least 90 % of its ticks and at most a tenth of them started more than 10 ms
 * late (hexd_tick_late_seconds). With 1000 clients, the join burst (a snapshot each and K²
 * presence diffs) takes the daemon seconds to drain; a fixed 1 s warm-up measured that backlog
 * as latency. One calm window, not several: the backlog keeps every tick late until it is gone,
 * and asking for more would start measuring only after a stretch free of later disturbances.
 * Gives up after `maxMs` (then measures anyway; `settled` says so).
 */
async function settle(base: string, ups: number, maxMs = 20_000): Promise<{ ms: number; settled: boolean }> {
  const t0 = performance.now()
  let prev = await phaseCounts(base)
  // Two quiet seconds in a row, with delivery pacing off: after the join burst one quiet second
  // was sometimes followed by a tick that delivered the paced backlog (a 150 ms answer phase
  // inside the measured window).
  let quiet = 0
  while (performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 1000))
    const cur = await phaseCounts(base)
    const late = phasePercentiles(prev, cur).late
    prev = cur
    quiet = late.ticks >= 0.9 * ups && late.p90 !== null && late.p90 <= 10 && cur.pacingMs === 0 ? quiet + 1 : 0
    if (quiet >= 2) return { ms: Math.round(performance.now() - t0), settled: true }
  }
  return { ms: Math.round(performance.now() - t0), settled: false }
}

/**
 * The load generator's own event-loop delay while it measures (ms): every reply's timestamp is
 * taken in this process's loop, so a reply that waits behind other sockets' frames here looks
 * that much slower. Reported next to the latencies of both runs, to be read with them.
 */
function clientLoopDelay(): { stop: () => { p50: number; p99: number; max: number } } {
  const h = monitorEventLoopDelay({ resolution: 1 })
  h.enable()
  return { stop: () => { h.disable(); return { p50: r3(h.percentile(50) / 1e6), p99: r3(h.percentile(99) / 1e6), max: r3(h.max / 1e6) } } }
}

/** `[join_ref, null, "topic", "event", {"seq":N` — the head of every outbox push (seq is the first key). */
const PUSH_HEAD = /^\[(?:null|"[^"]*"),null,"[^"]*","([a-z_]+)",\{"seq":(\d+)/

interface ClientStats { latencies: number[]; diffBytes: number; gaps: number; replies: number; shed: number }

/** Opens `k` sockets `batch` at a time. */
async function openAll(url: string, k: number, batch = 100): Promise<WebSocket[]> {
  const out: WebSocket[] = []
  for (let i = 0; i < k; i += batch) {
    const group = Array.from({ length: Math.min(batch, k - i) }, () => new WebSocket(url, { perMessageDeflate: false }))
    await Promise.all(group.map((ws) => once(ws, 'open')))
    out.push(...group)
  }
  return out
}

/** The daemon run: join, then one `claim` per tick per client for `durationS`. */
export async function daemonRun(base: string, o: NetBenchOptions, pid?: number) {
  const sockets = await openAll(base.replace('http', 'ws') + '/socket/websocket?vsn=2.0.0', o.clients)
  const stats: ClientStats[] = sockets.map(() => ({ latencies: [], diffBytes: 0, gaps: 0, replies: 0, shed: 0 }))
  const cells: number[] = []
  let measuring = false
  // HEXD_BENCH_REPLIES=FILE: every measured reply (client, send time in µs of CLOCK_MONOTONIC,
  // latency ms, the tick that applied it), to read against the daemon's tick trace, whose `mono`
  // is on the same clock (scripts/net-tail.mjs).
  const replyRows: Array<[number, number, number, number]> | null = process.env.HEXD_BENCH_REPLIES ? [] : null
  await Promise.all(sockets.map((ws, i) => new Promise<void>((resolve, reject) => {
    const st = stats[i]
    const sent = new Map<string, number>()
    let lastSeq = 0
    ws.on('message', (data: Buffer) => {
      const text = data.toString()
      // Pushes are only counted (event, seq, bytes): read their head instead of parsing whole
      // diffs, so the client's own CPU does not inflate the latency it measures.
      const head = PUSH_HEAD.exec(text)
      if (head) {
        const seq = Number(head[2])
        if (lastSeq !== 0 && seq !== lastSeq + 1) st.gaps++
        lastSeq = seq
        if (measuring && (head[1] === 'diff' || head[1] === 'snapshot')) st.diffBytes += data.length
        return
      }
      const [, ref, , event, payload] = JSON.parse(text)
      if (event === 'phx_reply') {
        if (ref === 'join') {
          if (payload.status !== 'ok') return reject(new Error(`join failed: ${JSON.stringify(payload)}`))
          cells[i] = payload.response.player.cell
          return resolve()
        }
        const t0 = sent.get(ref)
        if (t0 !== undefined) {
          sent.delete(ref)
          // Shed actions (server busy) are answered at once without a tick: counted, not timed.
          if (measuring && payload.response?.code === 'HEXD_RATE_LIMITED') st.shed++
          else if (measuring) {
            const ms = performance.now() - t0
            st.latencies.push(ms); st.replies++
            if (replyRows) replyRows.push([i, monoUs(t0), r3(ms), payload.response?.tick ?? -1])
          }
        }
        return
      }
      if (typeof payload?.seq === 'number') {
        if (lastSeq !== 0 && payload.seq !== lastSeq + 1) st.gaps++
        lastSeq = payload.seq
      }
      if (measuring && (event === 'diff' || event === 'snapshot')) st.diffBytes += data.length
    })
    ;(ws as WebSocket & { sendAction?: (ref: string) => void }).sendAction = (ref: string) => {
      sent.set(ref, performance.now())
      ws.send(JSON.stringify(['join', ref, 'world:main', 'action', { type: 'claim', cell: cells[i] }]))
    }
    ws.send(JSON.stringify(['join', 'join', 'world:main', 'phx_join', { name: `bench${i}` }]))
  })))
  const periodMs = 1000 / o.ups
  let n = 0
  const timers = sockets.map((ws, i) => setTimeout(() => {
    const send = () => (ws as WebSocket & { sendAction: (ref: string) => void }).sendAction(String(++n))
    send()
    timers[i] = setInterval(send, periodMs) as unknown as NodeJS.Timeout
  }, (i / sockets.length) * periodMs))
  // Warm-up: the join burst (snapshots, K² presence diffs) drains before anything is measured.
  const warmup = await settle(base, o.ups)
  const tick0 = (await (await fetch(base + '/api/world')).json()).tick as number
  const phases0 = await phaseCounts(base)
  measuring = true
  const cpu0 = cpuSeconds(pid), t0 = performance.now()
  const delay = clientLoopDelay()
  await new Promise((r) => setTimeout(r, o.duration * 1000))
  const loopDelay = delay.stop()
  for (const t of timers) { clearTimeout(t); clearInterval(t) }
  await new Promise((r) => setTimeout(r, 2 * periodMs + 200)) // let in-flight replies land
  measuring = false
  const cpuUsed = cpuSeconds(pid) - cpu0
  const cpuPerS = cpuUsed / ((performance.now() - t0) / 1000)
  const health = await (await fetch(base + '/healthz')).json() as { tick: number; measured_ups: number; durability: string }
  const phases = phasePercentiles(phases0, await phaseCounts(base))
  for (const ws of sockets) ws.terminate()
  const ticks = Math.max(1, health.tick - tick0)
  if (replyRows) writeFileSync(process.env.HEXD_BENCH_REPLIES!, JSON.stringify({ fields: ['client', 'sent_mono_us', 'latency_ms', 'tick'], rows: replyRows }))
  const lat = stats.flatMap((s) => s.latencies).sort((a, b) => a - b)
  return {
    replies: lat.length,
    shed: stats.reduce((n, s) => n + s.shed, 0),
    p50: pct(lat, 50), p90: pct(lat, 90), p99: pct(lat, 99), max: lat[lat.length - 1] ?? NaN,
    diffBytesPerClientPerTick: stats.reduce((n, s) => n + s.diffBytes, 0) / o.clients / ticks,
    seqGaps: stats.reduce((n, s) => n + s.gaps, 0),
    measuredUps: health.measured_ups,
    cpuPerS,
    cpuUsPerReply: (cpuUsed * 1e6) / Math.max(1, lat.length),
    durability: health.durability,
    ticks,
    warmup,
    loopDelay,
    firstTick: tick0 + 1,
    lastTick: health.tick,
    phases,
  }
}

/** The baseline: same clients, same rate, same frame size, against a raw echo server. */
async function echoRun(port: number, o: NetBenchOptions, frameBytes: number) {
  const sockets = await openAll(`ws://127.0.0.1:${port}`, o.clients)
  const lat: number[] = []
  const pad = 'x'.repeat(Math.max(0, frameBytes - 40))
  for (const ws of sockets) ws.on('message', (d: Buffer) => { const [t0] = JSON.parse(d.toString()); lat.push(performance.now() - t0) })
  const periodMs = 1000 / o.ups
  const timers = sockets.map((ws, i) => setTimeout(() => {
    const send = () => ws.send(JSON.stringify([performance.now(), pad]))
    send()
    timers[i] = setInterval(send, periodMs) as unknown as NodeJS.Timeout
  }, (i / sockets.length) * periodMs))
  const delay = clientLoopDelay()
  await new Promise((r) => setTimeout(r, o.duration * 1000))
  const loopDelay = delay.stop()
  for (const t of timers) { clearTimeout(t); clearInterval(t) }
  await new Promise((r) => setTimeout(r, 200))
  for (const ws of sockets) ws.terminate()
  lat.sort((a, b) => a - b)
  return { replies: lat.length, p50: pct(lat, 50), p90: pct(lat, 90), p99: pct(lat, 99), max: lat[lat.length - 1] ?? NaN, loopDelay }
}

/** Mailbox GET requests/s with `conns` concurrent readers for `seconds`. */
async function mailboxRun(base: string, conns: number, seconds: number): Promise<number> {
  const boxes = await Promise.all(Array.from({ length: conns }, async (_, i) => {
    const r = await fetch(base + '/mailbox', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `mb${i}` }) })
    return await r.json() as { id: string; token: string }
  }))
  let count = 0
  const end = performance.now() + seconds * 1000
  await Promise.all(boxes.map(async (b) => {
    let after = 0
    while (performance.now() < end) {
      const r = await fetch(`${base}/mailbox/${b.id}/messages?after=${after}`, { headers: { authorization: `Bearer ${b.token}` } })
      const body = await r.json() as { messages: Array<{ seq: number }> }
      if (r.status !== 200) throw new Error(`mailbox GET ${r.status}`)
      if (body.messages.length) after = body.messages[body.messages.length - 1].seq
      count++
    }
  }))
  return count / seconds
}

export async function runNetBench(o: NetBenchOptions): Promise<Record<string, unknown>> {
  const progress = (msg: string) => { if (process.stderr.isTTY) process.stderr.write(`bench net: ${msg}\n`) }
  progress(`starting hexd serve (ups ${o.ups}, size ${o.size})`)
  // The daemon as users run it: bin/hexd's node flags (its shebang), a durable journal in a fresh
  // data directory unless --store memory.
  const data = mkdtempSync(join(tmpdir(), 'hexd-bench-net-'))
  // HEXD_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to the daemon's node
  // only: NODE_OPTIONS refuses --cpu-prof, and profiling the load generator too would mix them up.
  const nodeArgs = (process.env.HEXD_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
  const d = await startChild([...HEXD_NODE_FLAGS, ...nodeArgs, 'bin/hexd', 'serve', '--port', '0', '--no-zmq', '--ups', String(o.ups), '--size', String(o.size), '--data', data, '--store', o.store], 'stderr', (l) => l.msg === 'listening')
  let daemon, mailboxPerS
  try {
    progress(`${o.clients} WebSocket clients for ${o.duration}s`)
    daemon = await daemonRun(String(d.line.url), o, d.child.pid)
    progress('mailbox GET')
    mailboxPerS = await mailboxRun(String(d.line.url), o.mailboxConns, Math.min(3, o.duration))
  } finally { await stop(d.child); rmSync(data, { recursive: true, force: true }) }
  progress('raw ws echo baseline')
  const e = await startChild([ '--import', 'tsx', 'src/bench/net-echo.ts'], 'stdout', (l) => typeof l.port === 'number')
  let echo
  try {
    const frame = JSON.stringify(['join', '12345', 'world:main', 'action', { type: 'claim', cell: 123456 }]).length
    echo = await echoRun(Number(e.line.port), o, frame)
  } finally { await stop(e.child) }
  const tickMs = 1000 / o.ups
  const limit = echo.p99 * 2 + tickMs
  return {
    clients: o.clients, duration_s: o.duration, ups_target: o.ups, size: o.size,
    durability: daemon.durability,
    ups_measured: daemon.measuredUps,
    // CPU seconds the daemon used per second of measured load (1 = one core busy).
    daemon_cpu_per_s: r3(daemon.cpuPerS),
    // ...and per action answered (whole daemon: ticks, diffs, replies): comparable across loads.
    daemon_cpu_us_per_reply: Math.round(daemon.cpuUsPerReply),
    ticks: daemon.ticks,
    // How long the daemon took to keep up with the load after the join burst (measuring starts then).
    warmup_ms: daemon.warmup.ms, warmup_settled: daemon.warmup.settled,
    // The measured ticks (to read with the daemon's --tick-trace: HEXD_TICK_TRACE reaches it).
    tick_range: [daemon.firstTick, daemon.lastTick],
    replies: daemon.replies,
    shed_busy: daemon.shed,
    latency_ms: { p50: r3(daemon.p50), p90: r3(daemon.p90), p99: r3(daemon.p99), max: r3(daemon.max) },
    // Inside the daemon, per tick, ms (bucket upper bounds): how late it started against its
    // schedule; then, from its start: the step and tick listeners done, its commit resolved, its
    // first submitter's frames written, everything written.
    daemon_tick_ms: daemon.phases,
    echo_latency_ms: { p50: r3(echo.p50), p90: r3(echo.p90), p99: r3(echo.p99), max: r3(echo.max), replies: echo.replies },
    // The load generator's event-loop delay during each run (its own share of the latencies above).
    client_loop_delay_ms: { daemon: daemon.loopDelay, echo: echo.loopDelay },
    p99_ratio_to_echo: r3(daemon.p99 / echo.p99),
    goal: { p99_limit_ms: r3(limit), p99_met: daemon.p99 <= limit, gaps_met: daemon.seqGaps === 0, ups_held: daemon.measuredUps >= o.ups * 0.95 },
    diff_bytes_per_client_per_tick: Math.round(daemon.diffBytesPerClientPerTick),
    seq_gaps: daemon.seqGaps,
    mailbox_get_per_s: Math.round(mailboxPerS),
    mailbox_conns: o.mailboxConns,
  }
}
