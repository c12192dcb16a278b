/**
 * A stdout for ink that rewrites only the lines that changed.
 *
 * ink 6's own `incrementalRendering` loses track of the cursor by one line
 * when the frame is shorter than the terminal (it ends each frame with a
 * newline, then moves up one line too few), so the TUI renders in ink's
 * standard mode — every frame written as `eraseLines(previous) + frame` — and
 * passes it through this stream, which recognises that shape, compares the
 * frame line by line with the previous one, and sends the terminal only:
 * cursor up to the frame's top, then for each line either "next line" or
 * "rewrite this line", then erase below if the frame got shorter. The cursor
 * ends where ink expects it (start of the line after the frame).
 *
 * Anything it does not recognise (cursor show/hide, a frame after a resize or
 * after console output) goes to the terminal unchanged, so the fallback is
 * always ink's own, correct, full redraw.
 *
 * @example
 * render(<App/>, { stdout: lineDiffStdout(process.stdout) })
 */
import { EventEmitter } from 'node:events'

const ESC = '\u001B['
/** ink's eraseLines(k): k × "erase line" joined by "up one", then "column 1". */
const ERASE_LINES = /^((?:\u001B\[2K\u001B\[1A)*)\u001B\[2K\u001B\[G/

export interface LineDiffStats { frames: number; diffed: number; linesWritten: number; linesSkipped: number }

export interface LineDiffStdout extends EventEmitter {
  readonly isTTY: boolean
  readonly columns: number
  readonly rows: number
  write(data: string | Uint8Array, cb?: (err?: Error | null) => void): boolean
  readonly stats: LineDiffStats
}

/** Erase-count of ink's eraseLines prefix at the start of `s`, or -1. */
function erasePrefix(s: string): { count: number; rest: string } | undefined {
  const m = ERASE_LINES.exec(s)
  if (!m) return undefined
  return { count: m[1]!.length / 8 + 1, rest: s.slice(m[0].length) }
}

/**
 * Wraps a terminal stream. `real` must be the TTY ink would otherwise write
 * to; its size and resize events are forwarded.
 */
export function lineDiffStdout(real: NodeJS.WriteStream): LineDiffStdout {
  const out = new EventEmitter() as LineDiffStdout & { stats: LineDiffStats }
  /** Lines of the frame on screen (as ink split them, with the trailing ''), when known. */
  let prev: string[] | undefined
  const stats: LineDiffStats = { frames: 0, diffed: 0, linesWritten: 0, linesSkipped: 0 }
  Object.defineProperties(out, {
    isTTY: { get: () => true },
    columns: { get: () => real.columns },
    rows: { get: () => real.rows },
    stats: { value: stats },
  })
  const onResize = () => {
    // Reflow may have moved everything: let ink's full redraw run next.
    prev = undefined
    out.emit('resize')
  }
  real.on('resize', onResize)

  out.write = (data: string | Uint8Array, cb?: (err?: Error | null) => void): boolean => {
    const s = typeof data === 'string' ? data : Buffer.from(data).toString('utf8')
    const e = erasePrefix(s)
    const frameStart = e ?? (prev === undefined && !s.startsWith(ESC) ? { count: 0, rest: s } : undefined)
    if (!frameStart) return real.write(s, cb) // cursor show/hide, sync markers…: no movement
    stats.frames++
    const next = frameStart.rest.split('\n')
    // Only diff when ink erases exactly the frame we know is on screen, and
    // both frames end with a newline (cursor parked on the line after them).
    if (!prev || frameStart.count !== prev.length || prev[prev.length - 1] !== '' || next[next.length - 1] !== '') {
      prev = frameStart.rest === '' ? undefined : next
      return real.write(s, cb)
    }
    stats.diffed++
    let buf = ''
    const up = prev.length - 1
    if (up > 0) buf += `${ESC}${up}A`
    buf += `${ESC}G`
    const visible = next.length - 1
    for (let i = 0; i < visible; i++) {
      if (i < prev.length - 1 && next[i] === prev[i]) { stats.linesSkipped++; buf += '\n'; continue }
      stats.linesWritten++
      buf += `${next[i]}${ESC}K\n`
    }
    if (visible < prev.length - 1) buf += `${ESC}J` // the frame got shorter: clear what was below
    prev = next
    return real.write(buf, cb)
  }
  out.on('removeListener', () => undefined)
  return out
}
