/**
 * `hexd bench store` → `budget`: the chunk memory budget (--cache-mb) at work.
 * Two persisted worlds step in lockstep on the same actions: one with the
 * default budget (nothing is evicted: the baseline) and one whose budget holds
 * 4 chunks. Tourists join in far-apart chunks, claim a cell and leave (their
 * chunks are parked, then evicted under the budget), then come back (their
 * chunks are fetched back from the database before the step). Reports the
 * tick time (step + listener, including any fetch-back) p50/p99 of both, the
 * most bytes held in parked chunks, evictions and fetch-backs, and whether the
 * hashes stayed equal every tick.
 */
import { CHUNK_BYTES } from '../engine/index.ts'
import { touristScript } from './tourists.ts'
import { Persistence } from '../store/persistence.ts'

const SIZE = 256

const r2 = (x: number): number => Math.round(x * 100) / 100
const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] }

/** Runs the lockstep comparison on two fresh store targets. */
export async function budgetRun(baseTarget: { data: string; databaseUrl?: string }, budgetTarget: { data: string; databaseUrl?: string }, tourists = 24, rounds = 3): Promise<Record<string, number | boolean>> {
  const budgetBytes = 4 * CHUNK_BYTES
  const base = await Persistence.open({ ...baseTarget, seed: 3, size: SIZE, snapshotEvery: 1e9, flushMs: 60_000 })
  const small = await Persistence.open({ ...budgetTarget, seed: 3, size: SIZE, snapshotEvery: 1e9, flushMs: 60_000, cacheBytes: budgetBytes })
  const times = { base: [] as number[], small: [] as number[] }
  const maxParked = { base: 0, small: 0 }
  let equal = true
  try {
    const ticks = 3 * tourists * rounds
    const script = touristScript(SIZE, tourists, (round) => round % 6)
    for (let tick = 1; tick <= ticks; tick++) {
      const hashes: string[] = []
      for (const [name, p] of [['base', base], ['small', small]] as const) {
        const actions = script(tick)
        const t0 = performance.now()
        const r = await p.world.stepAsync(actions)
        const accepted = actions.filter((_, i) => r.results[i]?.ok)
        const committed = p.commit(r.tick, accepted, r.hash)
        p.onTick({ tick: r.tick, hash: r.hash, changedChunks: r.changedChunks, accepted })
        times[name].push(performance.now() - t0)
        await committed
        hashes.push(r.hash)
        // Between ticks, as the daemon's timers do: write behind, keep the budget.
        if (tick % 3 === 0) { await p.chunks.flushAll(); p.enforceBudget() }
        maxParked[name] = Math.max(maxParked[name], p.world.parkedChunks().length * CHUNK_BYTES)
      }
      if (hashes[0] !== hashes[1]) equal = false
    }
    const m = small.stats().memory
    return {
      size: SIZE, ticks, budget_bytes: budgetBytes,
      baseline_max_parked_bytes: maxParked.base, budget_max_parked_bytes: maxParked.small,
      evictions: m.evictions, fetched_back: m.fetchedBack, evicted_at_end: m.evicted,
      baseline_p50_ms: r2(pct(times.base, 50)), baseline_p99_ms: r2(pct(times.base, 99)),
      budget_p50_ms: r2(pct(times.small, 50)), budget_p99_ms: r2(pct(times.small, 99)),
      p99_ratio: r2(pct(times.small, 99) / pct(times.base, 99)),
      hash_equal_every_tick: equal,
    }
  } finally {
    await base.close()
    await small.close()
  }
}
