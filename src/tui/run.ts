/**
 * `hexd tui`: connects a {@link TuiClient} (or first starts an embedded daemon
 * for `--local`), then renders the ink App until the user quits.
 *
 * The terminal belongs to ink while the TUI runs, so nothing may write to
 * stderr/stdout behind its back: logs go to `--log FILE` (or nowhere).
 *
 * @example
 * await runTui({ url: 'http://127.0.0.1:4000', name: 'alice' })
 */
import React from 'react'
import { render } from 'ink'
import { HexdError } from '../errors.ts'
import { cellToChunk } from '../engine/chunks.ts'
import { App } from './components/App.tsx'
import { GameModel } from './model.ts'
import { TuiClient, endpoints } from './client.ts'
import { sphereGeo } from './geo.ts'
import { gameContent } from './content.ts'
import { lineDiffStdout } from './line-diff.ts'
import type { LocalView } from './layout.ts'

export interface TuiOptions {
  url: string
  name?: string
  /** Start an embedded daemon in this process and play on it. */
  local?: { seed?: number; size?: number; ups?: number; data?: string; log?: string }
  /** Frame-rate cap (default 30). */
  maxFps?: number
}

/** Runs the TUI; resolves when the user quits. */
export async function runTui(opts: TuiOptions): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new HexdError('HEXD_TUI_NO_TTY', 'hexd tui needs an interactive terminal (stdin and stdout must be a TTY); run it in a terminal or tmux', { field: 'tty' })
  }
  const maxFps = opts.maxFps ?? 30
  let url = opts.url
  let stopLocal: (() => Promise<void>) | undefined
  if (opts.local) {
    const { startLocalDaemon } = await import('./local.ts')
    const local = await startLocalDaemon(opts.local)
    url = local.url
    stopLocal = local.stop
  }

  await checkReachable(url)
  const model = new GameModel({ size: 0, maxFps })
  const content = gameContent()
  model.update({ structures: content.structures, recipes: content.recipes })
  const client = new TuiClient({ url, name: opts.name, model, onlineLabel: opts.local ? 'local' : 'online' })
  let joined
  try {
    joined = await client.connect()
  } catch (err) {
    await client.close()
    await stopLocal?.()
    throw new HexdError('HEXD_UNAVAILABLE', `cannot join the daemon at ${url}: ${(err as Error).message}`, { field: 'url' })
  }
  model.size = joined.size
  const geo = sphereGeo(joined.size)
  const onView = (view: LocalView) => client.watch(view, (cell) => cellToChunk(joined.size, cell).chunk)

  const ink = render(
    React.createElement(App, { model, geo, sink: client, start: joined.player.cell, onView }),
    // The model already caps re-renders at maxFps; ink's own throttle sits at
    // twice that so the two in series do not halve the frame rate (aliasing).
    // Frames go through lineDiffStdout, which rewrites only changed lines
    // (ink's incrementalRendering mis-positions frames shorter than the screen).
    { stdout: lineDiffStdout(process.stdout) as unknown as NodeJS.WriteStream, maxFps: maxFps * 2, incrementalRendering: false, patchConsole: true, exitOnCtrlC: true },
  )
  try {
    await ink.waitUntilExit()
  } finally {
    model.close()
    await client.close()
    await stopLocal?.()
  }
}

/**
 * Fails fast with a clear message when nothing answers at `url` (the socket
 * client would otherwise retry forever behind a blank screen).
 */
export async function checkReachable(url: string, timeoutMs = 5000): Promise<void> {
  let http: string
  try { http = endpoints(url).http } catch {
    throw new HexdError('HEXD_BAD_OPTION', `--url must be a URL like http://127.0.0.1:4000, got ${JSON.stringify(url)}`, { field: 'url' })
  }
  try {
    const res = await fetch(`${http}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
    if (!res.ok) throw new Error(`GET /healthz answered ${res.status}`)
  } catch (err) {
    const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
    throw new HexdError('HEXD_UNAVAILABLE', `no hexd daemon answers at ${http} (${why}); start one with \`hexd serve\` or use \`hexd tui --local\``, { field: 'url' })
  }
}
