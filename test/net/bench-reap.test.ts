// An interrupted `hexd bench net` stops the daemon it started (src/bench/reap.ts): SIGTERM to the
// bench while its daemon runs, then the daemon's pid must be gone.
import t from 'tap'
import { spawn, execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0)
  } catch { return [] }
}
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true } catch { return false } }

t.test('SIGTERM to a running bench net stops its daemon', async (t) => {
  const bench = spawn(process.execPath, ['bin/hexd', 'bench', 'net', '--clients', '4', '--duration', '60', '--store', 'memory', '--json'], { cwd: ROOT, stdio: 'ignore' })
  const exited = new Promise<number | null>((r) => bench.once('exit', (code) => r(code)))
  // bin/hexd runs the CLI in its own process, so the daemon is a child of the bench's pid (looked
  // for one level further down too, should that ever change).
  let daemon = 0
  for (let i = 0; i < 300 && !daemon; i++) {
    await new Promise((r) => setTimeout(r, 100))
    for (const c of childrenOf(bench.pid!)) for (const d of [c, ...childrenOf(c)]) {
      try { if (execFileSync('ps', ['-o', 'args=', '-p', String(d)], { encoding: 'utf8' }).includes(' serve ')) daemon = d } catch { /* gone */ }
    }
  }
  t.ok(daemon > 0, `the bench started a daemon (pid ${daemon})`)
  bench.kill('SIGTERM')  // the bench only: its daemon must be stopped by the bench itself
  await exited
  let gone = false
  for (let i = 0; i < 100 && !gone; i++) { gone = !alive(daemon); if (!gone) await new Promise((r) => setTimeout(r, 100)) }
  t.ok(gone, 'the daemon is gone after the bench was interrupted')
  if (!gone) process.kill(daemon, 'SIGKILL')
})
