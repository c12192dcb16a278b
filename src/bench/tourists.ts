/**
 * The "tourists" workload of the chunk memory budget: shared by
 * `hexd bench store` (budget) and test/store/eviction.test.ts so both exercise
 * the same eviction pattern.
 *
 * Tourist k joins at the centre of its own chunk at tick 3k+1 (k-th chunk of
 * 10 diamonds × 4 × 4, so a size of at least 256), claims a cell at 3k+2 and
 * leaves at 3k+3, so its chunk ends up modified and parked. In later rounds
 * every tourist comes back to its old cell, claims the neighbour picked by
 * `neighbourIn(round)` and leaves again: each of those chunks must come back
 * from wherever it is.
 *
 * @example
 * const script = touristScript(256, 24, (round) => round % 6)
 * script(1) // [{ type: 'join', player: 't0', cell: … }]
 */
import { neighbors } from '../engine/index.ts'
import type { JournalAction } from '../store/journal.ts'

/** The centre cell of the k-th chunk visited (10 diamonds × 4 × 4 chunks of 64). */
export function touristCentre(size: number, k: number): number {
  const d = k % 10, ci = Math.floor(k / 10) % 4, cj = Math.floor(k / 40) % 4
  return 2 + d * size * size + (64 * ci + 32) * size + 64 * cj + 32
}

/** The actions of `tick` (from 1) for `tourists` tourists; `neighbourIn(round)` is 0..5. */
export function touristScript(size: number, tourists: number, neighbourIn: (round: number) => number): (tick: number) => JournalAction[] {
  return (tick) => {
    const round = Math.floor((tick - 1) / (3 * tourists))
    const k = Math.floor((tick - 1) / 3) % tourists
    const phase = (tick - 1) % 3
    const player = `t${k}`
    const home = touristCentre(size, k)
    const cell = round === 0 ? home : neighbors(size, home)[neighbourIn(round)]
    if (phase === 0) return [{ type: 'join', player, cell: home }]
    if (phase === 1) return [{ type: 'claim', player, cell }]
    return [{ type: 'leave', player }]
  }
}
