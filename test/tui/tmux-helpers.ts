/**
 * Helpers for the end-to-end TUI tests: a real `hexd serve` process, tmux
 * panes running `hexd tui`, polling the screen, plain HTTP.
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HEXD, spawnServe } from '../helpers/hexd-serve.ts'

export const ROOT = new URL('../../', import.meta.url).pathname
export { HEXD }

export function hasTmux(): boolean {
  try { execFileSync('tmux', ['-V'], { stdio: 'ignore' }); return true } catch { return false }
}

/** Starts `hexd serve` on an ephemeral port; resolves with its URL (from the "listening" log line). */
export async function startDaemon(args: string[]): Promise<{ proc: ChildProcess; url: string; log: () => string }> {
  const s = spawnServe(['--port', '0', ...args], { cwd: ROOT })
  return { proc: s.child, url: await s.listening, log: s.stderr }
}

/** A command line for a tmux pane: a UTF-8 locale and a 256-colour terminal, as a user's. */
export const clean = (cmd: string) => `env LANG=C.UTF-8 TERM=tmux-256color ${cmd}`

/** Breadth-first shortest path of cells from `from` to `to` (inclusive). */
export function shortestPath(n: number, from: number, to: number, neighbors: (n: number, id: number) => number[]): number[] {
  const prev = new Map<number, number>([[from, -1]])
  const queue = [from]
  for (let h = 0; h < queue.length && !prev.has(to); h++) {
    for (const nb of neighbors(n, queue[h]!)) if (!prev.has(nb)) { prev.set(nb, queue[h]!); queue.push(nb) }
  }
  const path = [to]
  while (path[0] !== from) path.unshift(prev.get(path[0]!)!)
  return path
}

/**
 * tmux on a server of this test process's own (`-S`): test files run in
 * parallel, and on a shared server one file's last kill-session stops the
 * server under another file's new-session ("server exited unexpectedly").
 *
 * The same race exists within one file: killing its last session makes the
 * server exit asynchronously, and the next new-session can reach it while it
 * is going (CI saw this once). So a keeper session, made on first use, holds
 * the server up for the file's whole life; it ends by itself when this
 * process is gone, and the server is killed on exit.
 */
const SOCKET = join(tmpdir(), `hexd-tmux-${process.pid}`)
let serverUp = false
const run = (args: string[]) => execFileSync('tmux', ['-S', SOCKET, ...args], { encoding: 'utf8' })
export function tmux(...args: string[]): string {
  if (!serverUp) {
    run(['new-session', '-d', '-s', 'hexd-keeper', '-x', '20', '-y', '5',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`])
    serverUp = true
    process.once('exit', () => {
      try { run(['kill-server']) } catch { /* already gone */ }
      rmSync(SOCKET, { force: true }) // tmux leaves its socket file behind
    })
  }
  return run(args)
}

/** Polls the tmux pane until `pred` holds; returns the pane text. */
export async function paneWhere(session: string, pred: (pane: string) => boolean, what: string, ms = 20_000): Promise<string> {
  const end = Date.now() + ms
  let pane = ''
  while (Date.now() < end) {
    pane = tmux('capture-pane', '-p', '-t', session)
    if (pred(pane)) return pane
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the TUI never showed ${what}; last screen:\n${pane}`)
}

export async function getJSON(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init)
  const body = await res.json()
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`)
  return body
}

