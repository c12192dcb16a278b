/**
 * Measures the server's tick rate as the viewer sees it: (tick, arrival time)
 * samples over a sliding window give updates per second and the period the
 * colour easing uses. Pure: the caller passes the clock.
 *
 * @example
 * const c = new TickClock(20)
 * c.record(100, 0); c.record(120, 1000)
 * c.ups()      // => 20
 * c.periodMs() // => 50
 */
export class TickClock {
  private samples: Array<{ tick: number; at: number }> = []

  /** `fallbackUps`: the server's target rate (join reply), used until two samples exist. */
  constructor(private fallbackUps: number, private readonly windowMs = 3000) {
    if (!(fallbackUps > 0)) throw new Error(`fallback ups must be > 0, got ${fallbackUps}`)
  }

  /** Records that `tick` was seen at time `at` (ms). Older or equal ticks are ignored. */
  record(tick: number, at: number): void {
    const last = this.samples[this.samples.length - 1]
    if (last && tick <= last.tick) return
    this.samples.push({ tick, at })
    while (this.samples.length > 2 && at - this.samples[0].at > this.windowMs) this.samples.shift()
  }

  /** Ticks per second over the window (the fallback until it spans time). */
  ups(): number {
    const s = this.samples
    if (s.length < 2) return this.fallbackUps
    const dt = s[s.length - 1].at - s[0].at
    return dt > 0 ? ((s[s.length - 1].tick - s[0].tick) * 1000) / dt : this.fallbackUps
  }

  /** Milliseconds per tick. */
  periodMs(): number { return 1000 / this.ups() }
}
