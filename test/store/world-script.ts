/**
 * A deterministic action script for store tests: tick 1 builds the `factory`
 * scenario's production chain; later ticks have a second player join, claim
 * and move around, and leave. Drives the real engine exactly like the daemon:
 * step, then the TickListener, then the journal commit of the accepted actions.
 */
import { neighbors, type World } from '../../src/engine/index.ts'
import { factory } from '../../src/engine/scenarios/factory.ts'
import type { JournalAction } from '../../src/store/journal.ts'

export const SEED = 7
export const SIZE = 64

/** The actions for `tick` (the world is at tick-1). */
export function actionsFor(world: World, tick: number): JournalAction[] {
  if (tick === 1) return factory.setup(world) as JournalAction[]
  if (tick === 3) return [{ type: 'join', player: 'bob', name: 'Bob' }]
  const bob = world.player('bob')
  if (!bob) return []
  if (tick % 10 === 0) return [{ type: bob.online ? 'leave' : 'join', player: 'bob' }]
  const near = neighbors(world.size, bob.cell)
  const cell = near[tick % near.length]
  return tick % 2 ? [{ type: 'claim', player: 'bob', cell }] : [{ type: 'move', player: 'bob', cell }]
}

export interface Driven { onTick(ev: { tick: number; hash: string; changedChunks: number[]; accepted: JournalAction[] }): void; commit(tick: number, accepted: JournalAction[]): Promise<void> }

/** Steps `world` `ticks` times with the script, feeding `p` like the daemon does; returns the hashes. */
export async function drive(world: World, p: Driven | null, ticks: number): Promise<string[]> {
  const hashes: string[] = []
  for (let k = 0; k < ticks; k++) {
    const actions = actionsFor(world, world.tick + 1)
    const r = world.step(actions)
    const accepted = actions.filter((_, i) => r.results[i]?.ok)
    if (p) {
      p.onTick({ tick: r.tick, hash: r.hash, changedChunks: r.changedChunks, accepted })
      await p.commit(r.tick, accepted)
    }
    hashes.push(r.hash)
  }
  return hashes
}
