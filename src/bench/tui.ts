/**
 * `hexd bench tui`: what the TUI costs under a stream of world updates.
 * Renders the real ink App into an 80×24 (or --cols × --rows) in-memory
 * terminal while K cells in view change every tick at --ups, and measures
 * frames drawn, bytes written to the terminal per second, mean render time
 * and CPU per second. Two runs in the same process:
 *  - `hexd`: the TUI as shipped (model notifications capped at --fps,
 *    memoised rows, ink maxFps, frames through lineDiffStdout so only
 *    changed lines reach the terminal);
 *  - `baseline`: the same App with every cap off (a render per update, full
 *    redraw each frame), i.e. the naive way.
 * Ratios baseline/hexd > 1 mean the shipped TUI does less work.
 *
 * @example
 * hexd bench tui --ups 60 --seconds 3 --json
 */
import React from 'react'
import { EventEmitter } from 'node:events'
import { Writable } from 'node:stream'
import { render } from 'ink'
import { App } from '../tui/components/App.tsx'
import { GameModel } from '../tui/model.ts'
import { sphereGeo } from '../tui/geo.ts'
import { gameContent } from '../tui/content.ts'
import { lineDiffStdout } from '../tui/line-diff.ts'

export interface TuiBenchOptions { ups: number; seconds: number; cells: number; cols: number; rows: number; fps: number; size: number }

interface RunResult { frames: number; bytesPerSecond: number; renderMsMean: number; cpuMsPerSecond: number; updates: number }

/** A terminal in memory: counts what ink writes. */
class FakeTerminal extends Writable {
  bytes = 0
  isTTY = true
  constructor(public columns: number, public rows: number) { super() }
  override _write(chunk: Buffer | string, _enc: string, cb: () => void) { this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length; cb() }
}

/** Keyboard that never types (ink wants raw mode). */
class FakeKeyboard extends EventEmitter {
  isTTY = true
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() { return null }
}

async function runOnce(o: TuiBenchOptions, shipped: boolean): Promise<RunResult> {
  const geo = sphereGeo(o.size)
  const n = o.size
  const centre = 2 + 3 * n * n + Math.floor(n / 3) * n + Math.floor(n / 2)
  const model = new GameModel({ size: n, maxFps: shipped ? o.fps : 0 })
  const content = gameContent()
  // The cells around the centre (enough to fill any view of the requested size).
  const ids: number[] = []
  const seen = new Set([centre])
  let ring = [centre]
  for (let r = 0; r < Math.max(o.cols, o.rows); r++) {
    const next: number[] = []
    for (const c of ring) for (const nb of geo.neighbors(c)) if (!seen.has(nb)) { seen.add(nb); next.push(nb) }
    ring = next
  }
  for (const id of seen) ids.push(id)
  model.setCells(ids.map((id) => ({ id, terrain: id % 5 === 0 ? 'water' : 'grass', resource: id % 7 === 0 ? 'iron_ore' : undefined, amount: 50 })))
  model.update({ structures: content.structures, recipes: content.recipes, players: [{ index: 1, id: '1', name: 'bench', position: centre, online: true }], meId: '1', status: { conn: 'online', ups: o.ups } })

  const term = new FakeTerminal(o.cols, o.rows)
  let frames = 0
  let renderMs = 0
  const ink = render(React.createElement(App, { model, geo, sink: { send: async () => ({ ok: true as const }) }, start: centre }), {
    // As src/tui/run.ts: frames through lineDiffStdout (changed lines only).
    stdout: (shipped ? lineDiffStdout(term as unknown as NodeJS.WriteStream) : term) as unknown as NodeJS.WriteStream,
    stdin: new FakeKeyboard() as unknown as NodeJS.ReadStream,
    patchConsole: false, exitOnCtrlC: false,
    maxFps: shipped ? o.fps * 2 : 1000,
    incrementalRendering: false,
    onRender: (m) => { frames++; renderMs += m.renderTime },
  })
  await new Promise((r) => setTimeout(r, 200)) // first frame
  frames = 0; renderMs = 0; term.bytes = 0

  // Deterministic update stream: K cells near the centre change every tick.
  let x = 12345
  const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x }
  const near = ids.slice(0, Math.min(ids.length, o.cols * o.rows))
  let updates = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const patch = []
      for (let k = 0; k < o.cells; k++) {
        const id = near[rnd() % near.length]!
        patch.push({ id, resource: 'iron_ore', amount: rnd() % 200 })
      }
      model.patchCells(patch)
      model.update({ status: { tick: updates } })
      updates++
      if (performance.now() - t0 >= o.seconds * 1000) { clearInterval(timer); resolve() }
    }, 1000 / o.ups)
  })
  await new Promise((r) => setTimeout(r, 100)) // let the last frame flush
  const secs = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  ink.unmount()
  model.close()
  return {
    frames, updates,
    bytesPerSecond: Math.round(term.bytes / secs),
    renderMsMean: frames ? +(renderMs / frames).toFixed(3) : 0,
    cpuMsPerSecond: +(((cpu.user + cpu.system) / 1000) / secs).toFixed(1),
  }
}

/** Runs both variants and reports them with baseline/hexd ratios. */
export async function runTuiBench(o: TuiBenchOptions) {
  const baseline = await runOnce(o, false)
  const hexd = await runOnce(o, true)
  const ratio = (a: number, b: number) => (b > 0 ? +(a / b).toFixed(2) : null)
  return {
    area: 'tui', ups: o.ups, seconds: o.seconds, cellsPerUpdate: o.cells, terminal: `${o.cols}x${o.rows}`, fpsCap: o.fps,
    hexd, baseline,
    ratios: {
      bytes_baseline_over_hexd: ratio(baseline.bytesPerSecond, hexd.bytesPerSecond),
      cpu_baseline_over_hexd: ratio(baseline.cpuMsPerSecond, hexd.cpuMsPerSecond),
      frames_baseline_over_hexd: ratio(baseline.frames, hexd.frames),
    },
  }
}
