/**
 * Offline simulation runs (`hexd sim`, `hexd bench kernel`): build a world,
 * optionally run a scenario's setup, step it T times and report the hash,
 * speed and production.
 */
import { World } from './world.ts'
import { scenario as findScenario } from './scenarios/index.ts'
import type { TickBackend } from './tick.ts'
import { chunkCount } from './chunks.ts'

/** Offline sims tick the whole world up to this many chunks (size 512: 642 chunks, ~95 MB of slots). */
export const SIM_ALL_ACTIVE_CHUNKS = 700

export interface SimOptions {
  seed: number
  size: number
  ticks: number
  scenario?: string
  backend?: TickBackend
  /** Allocates the world's state buffer (a native backend's shared memory). */
  allocate?: (bytes: number) => ArrayBufferLike
  /** Tick every chunk (default: when the world has <= SIM_ALL_ACTIVE_CHUNKS chunks, i.e. size <= 512; else only around players/structures). */
  allActive?: boolean
  /** Called after each tick with (done, total). */
  onProgress?: (done: number, total: number) => void
}

export interface SimReport {
  seed: number
  size: number
  ticks: number
  scenario: string | null
  compute: string
  hash: string
  cellUpdatesPerSecond: number
  cellsUpdated: number
  elapsedMs: number
  activeChunks: number
  /** Items made by machines/extractors, by name. */
  production: Record<string, number>
  /** Items in storages, by name. */
  stored: Record<string, number>
  /** The scenario's final product and how many were made. */
  final?: { item: string; made: number }
  /** Actions the scenario issued that were rejected (should be none). */
  rejected: Array<{ action: unknown; code: string; reason: string }>
}

/**
 * Runs a simulation.
 * @example await runSim({ seed: 1, size: 16, ticks: 100 }) // { hash: '…', … }
 */
export async function runSim(o: SimOptions): Promise<SimReport> {
  const sc = o.scenario ? findScenario(o.scenario) : undefined
  const world = new World({ seed: o.seed, size: o.size, backend: o.backend, allocate: o.allocate, allActive: o.allActive ?? chunkCount(o.size) <= SIM_ALL_ACTIVE_CHUNKS })
  const first = sc ? sc.setup(world) : []
  let cells = 0
  const t0 = performance.now()
  const rejected: SimReport['rejected'] = []
  for (let t = 0; t < o.ticks; t++) {
    const r = await world.stepAsync(t === 0 ? first : [])
    if (t === 0) r.results.forEach((x, k) => { if (!x.ok) rejected.push({ action: first[k], code: x.code, reason: x.reason }) })
    cells += r.cellsUpdated
    o.onProgress?.(t + 1, o.ticks)
  }
  const elapsedMs = performance.now() - t0
  const production = world.production()
  return {
    seed: o.seed, size: o.size, ticks: o.ticks, scenario: sc?.name ?? null, compute: world.backend.name,
    hash: world.hash(),
    cellUpdatesPerSecond: elapsedMs > 0 ? Math.round((cells * 1000) / elapsedMs) : 0,
    cellsUpdated: cells, elapsedMs: Math.round(elapsedMs), activeChunks: world.activeChunks().length,
    production, stored: world.stored(),
    ...(sc?.finalItem ? { final: { item: sc.finalItem, made: production[sc.finalItem] ?? 0 } } : {}),
    rejected,
  }
}
