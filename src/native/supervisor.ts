/**
 * Runs the native worker executable over a region and keeps it running: a
 * crashed worker (any exit the supervisor did not ask for) or a hung one (no
 * heartbeat while a request is in flight for `hangMs`) is killed if needed
 * and replaced by a new process attached to the same region. In-flight
 * requests are retried for free: a request leaves the ring only after its
 * response is published, so the new worker finds it and handles it again
 * (requests are idempotent; a tick request names its target tick).
 *
 * The region fd (and the eventfds in eventfd mode) reach the worker by
 * inheritance as fds 3, 4, 5. The worker dies with the daemon
 * (PR_SET_PDEATHSIG), and the region is a memfd (or an shm object unlinked at
 * creation), so no shared-memory name survives any exit.
 *
 * @example
 * const ch = RegionChannel.create({ stateBytes, sync: 'futex' })
 * const sup = new Supervisor(ch, { log })
 * await sup.start()
 * await ch.request(REQ.PING)
 * await sup.stop()
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { HexdError } from '../errors.ts'
import { workerPath } from './addon.ts'
import type { RegionChannel } from './region.ts'

export interface SupervisorOptions {
  /** The region's layout version, checked by the worker on attach. */
  layoutVersion?: number
  /** A worker silent this long with requests in flight is killed and replaced (default 5000 ms). */
  hangMs?: number
  /** Give up after this many restarts within `restartWindowMs` (default 200 in 60 s). */
  maxRestarts?: number
  restartWindowMs?: number
  /** pino-like logger (stderr); optional. */
  log?: { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void }
  /** Called after every restart (tests count them). */
  onRestart?: (info: { pid: number; reason: string; restarts: number }) => void
}

export class Supervisor {
  private child: ChildProcess | null = null
  private stopping = false
  private fatal: HexdError | null = null
  private restartTimes: number[] = []
  private watchdog: NodeJS.Timeout | null = null
  private lastBeat = -1
  private lastBeatAt = 0
  private stderrTail = ''
  /** Number of restarts so far. */
  restarts = 0

  constructor(private readonly ch: RegionChannel, private readonly opts: SupervisorOptions = {}) {}

  /** The current worker's pid (0 when none). */
  get pid(): number { return this.child?.pid ?? 0 }

  /** Spawns the first worker. Throws HEXD_NATIVE_UNAVAILABLE when the binary is missing. */
  start(): void {
    const bin = workerPath()
    try {
      accessSync(bin, constants.X_OK)
    } catch {
      throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `native worker executable not found or not executable: ${bin} (build it with \`npm run build:native\`, or use --compute js)`, { field: 'compute' })
    }
    this.spawnWorker()
    const hang = this.opts.hangMs ?? 5000
    this.watchdog = setInterval(() => this.checkHang(hang), Math.max(20, Math.floor(hang / 4)))
    this.watchdog.unref()
  }

  private spawnWorker(): void {
    const fds = this.ch.native.fds()
    const args = ['--fd', '3', '--layout-version', String(this.opts.layoutVersion ?? 0)]
    // Inherited descriptors at fixed numbers: 3 region, 4/5 request/response
    // eventfds (eventfd mode), 6 the daemon's event-loop eventfd (loop wake).
    const stdio: Array<'ignore' | 'inherit' | 'pipe' | number> = ['ignore', 'inherit', 'pipe', fds.region, 'ignore', 'ignore', 'ignore']
    if (fds.eventReq >= 0) { stdio[4] = fds.eventReq; stdio[5] = fds.eventResp; args.push('--efd-req', '4', '--efd-resp', '5') }
    if (fds.eventLoop >= 0) { stdio[6] = fds.eventLoop; args.push('--efd-loop', '6') }
    const child = spawn(workerPath(), args, { stdio })
    this.child = child
    this.stderrTail = ''
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-2000)
      process.stderr.write(s)
    })
    child.on('error', (err) => this.giveUp(new HexdError('HEXD_NATIVE_UNAVAILABLE', `cannot start the native worker: ${err.message}`, { cause: err })))
    child.on('exit', (code, signal) => this.onExit(child, code, signal))
    child.unref()
    ;(child.stderr as unknown as { unref?: () => void })?.unref?.()
    this.lastBeat = -1
    this.opts.log?.info({ pid: child.pid, sync: this.ch.info().sync }, 'native worker started')
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return
    this.child = null
    if (this.stopping || this.fatal || this.ch.isClosed) return
    if (code === 65 || code === 64) {
      // The worker refused the region (magic/version/sizes) or its arguments:
      // restarting cannot help.
      const msg = (this.stderrTail.trim().split('\n').pop() ?? 'bad region').replace(/^hexd-worker: /, 'native worker: ')
      return this.giveUp(code === 65 ? new HexdError('HEXD_NATIVE_BAD_REGION', msg) : new HexdError('HEXD_NATIVE_WORKER_FAILED', msg))
    }
    const reason = signal ? `killed by ${signal}` : `exited with code ${code}`
    const now = Date.now()
    const windowMs = this.opts.restartWindowMs ?? 60_000
    this.restartTimes = this.restartTimes.filter((t) => now - t < windowMs)
    if (this.restartTimes.length >= (this.opts.maxRestarts ?? 200)) {
      return this.giveUp(new HexdError('HEXD_NATIVE_WORKER_FAILED', `the native worker failed ${this.restartTimes.length} times within ${windowMs} ms (last: ${reason}); giving up`))
    }
    this.restartTimes.push(now)
    this.restarts++
    this.opts.log?.warn({ pid: child.pid, reason, inFlight: this.ch.inFlight }, 'native worker died; restarting on the same region')
    this.spawnWorker()
    this.opts.onRestart?.({ pid: this.pid, reason, restarts: this.restarts })
  }

  private checkHang(hangMs: number): void {
    if (!this.child || this.stopping) return
    if (this.ch.isClosed) { if (this.watchdog) clearInterval(this.watchdog); return }
    const beat = this.ch.info().workerHeartbeat
    const now = Date.now()
    if (beat !== this.lastBeat || this.ch.inFlight === 0) { this.lastBeat = beat; this.lastBeatAt = now; return }
    if (now - this.lastBeatAt >= hangMs) {
      this.opts.log?.warn({ pid: this.child.pid, silentMs: now - this.lastBeatAt }, 'native worker hung (no heartbeat); killing it')
      this.lastBeatAt = now
      this.child.kill('SIGKILL')
    }
  }

  private giveUp(err: HexdError): void {
    if (this.fatal) return
    this.fatal = err
    this.opts.log?.error({ code: err.code }, err.message)
    this.ch.fail(err)
  }

  /** The error that made the supervisor give up, if any. */
  get failure(): HexdError | null { return this.fatal }

  /** Asks the worker to leave its loop, waits for it (SIGKILL after `graceMs`). */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true
    if (this.watchdog) clearInterval(this.watchdog)
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    this.ch.native.setStop(1)
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(t)
  }
}
