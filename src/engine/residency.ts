/**
 * Which chunks a world needs around its players: the active set (ticked each
 * step) and the evicted chunks a step may have to fetch back first. Both are
 * rings of chunks around cells, walked over chunk neighbours (cached here).
 * Pure functions of their inputs; the World (world.ts) calls them.
 */
import { cellToChunk, chunkCount, chunkNeighbors } from './chunks.ts'
import type { Players } from './players.ts'

/** How far around a cell the world reaches: rings of `radius` chunks over `neighbours`. */
export interface Reach {
  /** World size n. */
  n: number
  /** Chunk rings around each online player's chunk that are ticked. */
  radius: number
  /** Chunk neighbours (e.g. from {@link neighbourCache}). */
  neighbours: (chunk: number) => number[]
}

/**
 * chunkNeighbors(n, ·), cached: it is asked for every active chunk whenever
 * the active set changes. Cleared when it holds more than `limit` chunks.
 * @example const nb = neighbourCache(256); nb(0) // the chunks touching chunk 0
 */
export function neighbourCache(n: number, limit = 65536): (chunk: number) => number[] {
  const cache = new Map<number, number[]>()
  return (chunk: number) => {
    let nb = cache.get(chunk)
    if (!nb) {
      if (cache.size > limit) cache.clear()
      nb = chunkNeighbors(n, chunk)
      cache.set(chunk, nb)
    }
    return nb
  }
}

/**
 * The active set: every chunk but the 2 pole chunks with `allActive`; else the
 * chunks holding structures plus, for each online player in turn, its chunk
 * and the rings around it up to `radius` (a ring is walked only through chunks
 * not already in the set).
 */
export function activeChunks(reach: Reach, allActive: boolean, structChunks: Iterable<number>, players: Players): number[] {
  const { n, radius, neighbours } = reach
  if (allActive) return Array.from({ length: chunkCount(n) - 2 }, (_, i) => i)
  const set = new Set<number>(structChunks)
  for (const p of players.all()) {
    if (!p.online) continue
    // Each player's rings are walked with its own visited set: a chunk already
    // active for another reason (a structure, another player) must still be
    // expanded, or this player's ring would be cut short.
    let frontier = [cellToChunk(n, p.cell).chunk]
    const seen = new Set<number>(frontier)
    for (let r = 0; r < radius; r++) {
      const next: number[] = []
      for (const c of frontier) for (const nb of neighbours(c)) if (!seen.has(nb)) { seen.add(nb); next.push(nb) }
      frontier = next
    }
    for (const c of seen) set.add(c)
  }
  return [...set]
}

/**
 * The chunks of `evicted` that a step with `actions` may load (an
 * over-approximation), ascending. A join or a move puts a player's active
 * rings and their neighbours (radius + 1 rings) around its new cell (the cell
 * named, else a returning player's cell, else every spawn cell
 * `spawnCell(index)` a new player could get); any other action reads or builds
 * at the cell it names, which can make that chunk active and load its
 * neighbours (1 ring).
 */
export function evictedNeededBy(reach: Reach, evicted: ReadonlyMap<number, unknown>, actions: readonly unknown[], players: Players, spawnCell: (index: number) => number): number[] {
  if (evicted.size === 0) return []
  const { n, radius, neighbours } = reach
  const wants: Array<[cell: number, rings: number]> = []
  const cellCount = 10 * n * n + 2
  let newJoins = 0
  let spawns = false
  for (const x of actions) {
    if (!x || typeof x !== 'object') continue
    const a = x as Record<string, unknown>
    const cell = Number.isSafeInteger(a.cell) && (a.cell as number) >= 0 && (a.cell as number) < cellCount ? a.cell as number : undefined
    if (a.type === 'join') {
      const p = typeof a.player === 'string' ? players.get(a.player) : undefined
      if (!p) newJoins++
      if (cell !== undefined) wants.push([cell, radius + 1])
      else if (p) wants.push([p.cell, radius + 1])
      else spawns = true
    } else if (a.type === 'move') {
      if (cell !== undefined) wants.push([cell, radius + 1])
    } else if (cell !== undefined) wants.push([cell, 1])
  }
  // A new player's index depends on which earlier joins succeed: take every index it could get.
  if (spawns) for (let k = 1; k <= newJoins; k++) wants.push([spawnCell(players.size + k), radius + 1])
  const need = new Set<number>()
  for (const [cell, rings] of wants) {
    let frontier = [cellToChunk(n, cell).chunk]
    const seen = new Set(frontier)
    for (let r = 0; ; r++) {
      for (const c of frontier) if (evicted.has(c)) need.add(c)
      if (r >= rings) break
      const next: number[] = []
      for (const c of frontier) for (const nb of neighbours(c)) if (!seen.has(nb)) { seen.add(nb); next.push(nb) }
      frontier = next
    }
  }
  return [...need].sort((a, b) => a - b)
}
