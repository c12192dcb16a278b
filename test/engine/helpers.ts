/** Helpers for hand-built engine cases: isolated patches of cells in a small world. */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { World } from '../../src/engine/world.ts'
import { neighbors } from '../../src/engine/geometry.ts'
import { TERRAIN, RES } from '../../src/engine/content.ts'
import type { CellFields } from '../../src/engine/cells.ts'

/** Cells within `r` steps of `c` (BFS order), c first. */
export function disk(n: number, c: number, r: number): number[] {
  const out = [c]
  const seen = new Set(out)
  let frontier = [c]
  for (let s = 0; s < r; s++) {
    const next: number[] = []
    for (const x of frontier) for (const y of neighbors(n, x)) if (!seen.has(y)) { seen.add(y); next.push(y); out.push(y) }
    frontier = next
  }
  return out
}

/**
 * Makes the cells within r steps of c bare `terrain` (no resource, no
 * structure, unowned) and the ring at r+1 water, so nothing outside reaches in.
 */
export function isolate(w: World, c: number, r: number, terrain: number = TERRAIN.GRASS): void {
  const inner = disk(w.size, c, r)
  const all = disk(w.size, c, r + 1)
  const innerSet = new Set(inner)
  for (const x of all) {
    w.debugSetCell(x, { terrain: innerSet.has(x) ? terrain : TERRAIN.WATER, res: RES.NONE, amt: 0, struct: 0, dir: 0, item: 0, count: 0, progress: 0, recipe: 0, inA: 0, inB: 0, power: 0, owner: 0, stock: 0 })
  }
}

/** Sets fields of a cell. */
export function set(w: World, id: number, f: Partial<CellFields>): void {
  w.debugSetCell(id, f)
}

/** A small all-active world. */
export function smallWorld(seed = 7, size = 16): World {
  return new World({ seed, size, allActive: true })
}

/** Steps `k` times without actions. */
export function run(w: World, k: number): void {
  for (let t = 0; t < k; t++) w.step([])
}

/** A lattice cell id (d, a, b) of a world of size n. */
export function lat(n: number, d: number, a: number, b: number): number {
  return 2 + d * n * n + (a - 1) * n + b
}

/**
 * Runs bin/hexd as a user would (by its shebang), under the runner's
 * NODE_OPTIONS so the child reports coverage too.
 */
export function hexdSync(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const bin = fileURLToPath(new URL('../../bin/hexd', import.meta.url))
  const p = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 })
  return { status: p.status, stdout: p.stdout, stderr: p.stderr }
}
