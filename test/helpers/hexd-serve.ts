/**
 * `hexd serve` as a real process, started by bin/hexd's shebang as a user
 * would (under the runner's NODE_OPTIONS, so it reports coverage), with its
 * stderr log collected: the pino JSON lines parsed, the raw text kept, and the
 * URL from its "listening" line. Shared by the daemon, store and TUI tests.
 *
 * @example
 * const s = spawnServe(['--port', '0', '--no-zmq'], { env: { HEXD_STORE: 'memory' } })
 * const url = await s.listening          // rejects if it exits first
 * s.child.kill('SIGTERM'); await s.exited
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const HEXD = fileURLToPath(new URL('../../bin/hexd', import.meta.url))

export interface ServeProcess {
  child: ChildProcess
  /** Every complete stderr line that parsed as JSON, in order. */
  lines: Array<Record<string, unknown>>
  /** All stderr so far. */
  stderr: () => string
  /** The URL of the "listening" line; rejects if the process exits (or `timeoutMs` passes) before it. */
  listening: Promise<string>
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>
}

export interface ServeOptions {
  /** Added to (and overriding) the test's own environment. */
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** How long to wait for "listening" (default 30 s). */
  timeoutMs?: number
}

/** Spawns `hexd serve …args`; see {@link ServeProcess}. `listening` need not be awaited. */
export function spawnServe(args: string[], o: ServeOptions = {}): ServeProcess {
  const child = spawn(HEXD, ['serve', ...args], { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ['ignore', 'ignore', 'pipe'] })
  const lines: Array<Record<string, unknown>> = []
  let err = '', partial = ''
  let onLine = (): void => {}
  child.stderr!.on('data', (d) => {
    err += d
    const parts = (partial + d).split('\n')
    partial = parts.pop()!
    for (const l of parts) { try { lines.push(JSON.parse(l)) } catch { /* not JSON */ } }
    onLine()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    // A crash (uncaught error: 1, or EX_SOFTWARE: 70) is shown, so a failing test says why.
    if (code === 1 || code === 70) process.stderr.write(`hexd serve ${args.join(' ')} crashed (exit ${code}):\n${err.slice(-4000)}\n`)
    resolve(code)
  }))
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hexd serve did not log "listening" in ${o.timeoutMs ?? 30_000} ms:\n${err.slice(-2000)}`)), o.timeoutMs ?? 30_000)
    timer.unref()
    onLine = () => {
      const l = lines.find((x) => x.msg === 'listening')
      if (l) { clearTimeout(timer); resolve(String(l.url)) }
    }
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`hexd serve exited ${code}: ${err.slice(-2000)}`)) })
  })
  listening.catch(() => {}) // callers that expect a failed start wait on `exited` instead
  return { child, lines, stderr: () => err, listening, exited }
}
