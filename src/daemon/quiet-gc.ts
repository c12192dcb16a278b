/**
 * Young-generation collections at the tick's quiet point (`hexd serve --quiet-gc`).
 *
 * Why: under load the daemon allocates ~50 MB of short-lived objects every few ticks (parsed
 * frames, outcomes, reply texts), and V8 collects its young generation whenever that fills: at a
 * moment chosen by allocation, not by the tick. A scavenge stops the event loop for 4-15 ms (it
 * copies what is in flight at that moment, about a thousand actions' worth). In a tick's answer
 * phase it delays every reply still to be written; just before a tick it makes the tick start
 * late. In `hexd bench net` runs (1000 clients, 8 s, ~26 scavenges each), 1 to 3 collections
 * started inside an answer phase, and 43-95 % of the slowest 1 % of replies were in flight during
 * a collection (7-10 % of all replies).
 *
 * So once a tick's answers are all written (its quiet point: the next tick's actions are still
 * arriving and have most of a period before anyone waits on them), the daemon looks at how full
 * the young generation is and, past `percent` of its current capacity, collects it right there.
 * The young generation then seldom fills on its own. Measured (docs/SERVE.md, tenth pass; four
 * rotating runs each): collections starting inside an answer phase 1-3 per run -> 0-2, client
 * p99 median 62.9 -> 59.6 ms at 50 %, with as many scavenges as before (25-28 per run). At 25 %
 * it collected half again as often (38-42) for no further gain, hence the default of 50.
 *
 * The collection is V8's own minor GC, reached through the `gc` function that `--expose-gc`
 * gives a fresh context (the daemon's global scope is not touched). Where that is unavailable,
 * `create` says why and the daemon runs without it.
 *
 * @example
 * const { quietGc } = QuietGc.create(50)   // collect at the quiet point once 50 % full
 * quietGc?.atQuietPoint()                  // after a tick's answers are written: ms spent (0: none)
 */
import v8 from 'node:v8'
import vm from 'node:vm'

/** The young generation's state: bytes in use and its current capacity. */
export interface YoungSpace { used: number; capacity: number }

/** Reads the young generation (V8's `new_space`). */
export function readYoungSpace(): YoungSpace {
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space') return { used: s.space_used_size, capacity: s.space_size }
  }
  return { used: 0, capacity: 0 }
}

/** V8's minor-GC entry point, or the reason it is unavailable. */
function minorGc(): { collect: () => void } | { reason: string } {
  try {
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as unknown
    if (typeof gc !== 'function') return { reason: 'V8 gave no gc function to a new context' }
    return { collect: () => (gc as (o: { type: string }) => void)({ type: 'minor' }) }
  } catch (err) {
    return { reason: `cannot expose V8's gc: ${(err as Error).message}` }
  }
}

export class QuietGc {
  /** Collections made at quiet points so far (their times go to the daemon's histogram). */
  count = 0

  /**
   * @param percent collect once the young generation is at least this full (1-100)
   * @param collect runs one minor collection
   * @param read reads the young generation (default {@link readYoungSpace})
   */
  constructor(readonly percent: number, private readonly collect: () => void, private readonly read: () => YoungSpace = readYoungSpace) {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new RangeError(`quiet-gc percent must be an integer from 1 to 100, got ${percent}`)
  }

  /**
   * The scheduler for `percent` (0 = off: null, with the reason), using V8's minor GC.
   *
   * @example
   * QuietGc.create(0)   // { quietGc: null, reason: 'quiet-gc: off (--quiet-gc 0)' }
   */
  static create(percent: number): { quietGc: QuietGc | null; reason?: string } {
    if (percent === 0) return { quietGc: null, reason: 'quiet-gc: off (--quiet-gc 0)' }
    const gc = minorGc()
    if ('reason' in gc) return { quietGc: null, reason: `quiet-gc: off (${gc.reason})` }
    return { quietGc: new QuietGc(percent, gc.collect) }
  }

  /**
   * Call when a tick's answers are all written. Collects the young generation now if it is at
   * least `percent` full; returns the ms spent (0 when it was not).
   */
  atQuietPoint(): number {
    const { used, capacity } = this.read()
    if (capacity <= 0 || used * 100 < capacity * this.percent) return 0
    const t0 = performance.now()
    this.collect()
    const ms = performance.now() - t0
    this.count++
    return ms
  }
}
