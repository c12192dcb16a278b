/**
 * Visible interpolation for discrete cell states. The server sends a cell's new
 * state once per tick; a terrain, owner or structure cannot be half-way, so the
 * viewer eases the cell's *colour* from what is on screen to the new colour over
 * one tick period (smoothstep), while the render loop runs at the display's
 * rate. A change that arrives mid-ease starts from the colour shown right then.
 * Pure: the caller passes the clock.
 *
 * @example
 * const e = new ColorEaser()
 * e.start(7, [0, 0, 0], [1, 1, 1], 1000, 50)
 * e.sample(1025, (id, r, g, b) => draw(id, r, g, b))   // r = g = b = 0.5
 */
import type { RGB } from './colors.ts'

interface Ease { from: RGB; to: RGB; t0: number; ms: number }

/** smoothstep(0, 1, x), clamped. @example smooth(0.5) // => 0.5 */
export function smooth(x: number): number {
  const t = x <= 0 ? 0 : x >= 1 ? 1 : x
  return t * t * (3 - 2 * t)
}

export class ColorEaser {
  private readonly eases = new Map<number, Ease>()

  /** Cells being eased right now. */
  get active(): number { return this.eases.size }

  /**
   * Eases cell `id` to `to` over `ms` from time `now`. `shown` is the colour on
   * screen when no ease is running for it (an ease in progress takes precedence).
   */
  start(id: number, shown: RGB, to: RGB, now: number, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`ease duration must be a finite number of ms >= 0, got ${ms}`)
    const running = this.eases.get(id)
    const from = running ? this.at(running, now) : shown
    this.eases.set(id, { from, to, t0: now, ms })
  }

  /** The colour of cell `id` at `now`, or undefined when it is not being eased. */
  colorAt(id: number, now: number): RGB | undefined {
    const e = this.eases.get(id)
    return e ? this.at(e, now) : undefined
  }

  /** Calls `write` with every eased cell's colour at `now`; finished eases are written once more at their end colour and dropped. */
  sample(now: number, write: (id: number, r: number, g: number, b: number) => void): void {
    for (const [id, e] of this.eases) {
      const c = this.at(e, now)
      write(id, c[0], c[1], c[2])
      if (now - e.t0 >= e.ms) this.eases.delete(id)
    }
  }

  private at(e: Ease, now: number): RGB {
    const k = e.ms === 0 ? 1 : smooth((now - e.t0) / e.ms)
    return [e.from[0] + (e.to[0] - e.from[0]) * k, e.from[1] + (e.to[1] - e.from[1]) * k, e.from[2] + (e.to[2] - e.from[2]) * k]
  }
}
