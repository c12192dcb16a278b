/**
 * The child processes a benchmark started (a `hexd serve`, an echo server), stopped when the
 * benchmark itself is interrupted. Without this, a SIGINT or SIGTERM to `hexd bench net` (Ctrl-C, a
 * timeout, pkill) ended the bench and left its daemon ticking with a thousand dead clients: on a
 * 2-core machine that loads every later measurement (SERVE.md "Seventh pass": one ran unnoticed
 * for 40 minutes). The registry is this module's own and holds only live children.
 *
 * @example
 * const child = spawn(process.execPath, ['bin/hexd', 'serve'])
 * reapOnInterrupt(child)   // SIGINT/SIGTERM to this process: SIGTERM to the child, then exit 130/143
 */
import type { ChildProcess } from 'node:child_process'

const live = new Set<ChildProcess>()
let installed = false

function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM')
}

/** Registers `child` (until it exits) to get SIGTERM if this process is interrupted or exits. */
export function reapOnInterrupt(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (installed) return
  installed = true
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(sig, () => { killAll(); process.exit(code) })
  }
  process.once('exit', killAll)
}
