/**
 * `hexd bench geometry`: throughput of the geometry hot paths, each against a
 * baseline measured in the same run:
 * - neighbours computed by neighborsInto vs read from a precomputed adjacency
 *   table (what caching every neighbour list would cost nothing but memory for);
 * - chunkHaloSources vs a naive halo built from neighbors() of every chunk cell;
 * - xyzToCell (point -> cell) vs cellToXYZ (cell -> point).
 */
import { CHUNK_SIZE, SLOT_CELLS, chunkCount, chunkCells, chunkHaloSources, slotIndex, cellToChunk } from '../engine/chunks.ts'
import { DIRECTIONS, cellCount, neighbors, neighborsInto, unitXYZ, xyzToCell } from '../engine/geometry.ts'

export interface GeometryBenchOptions { size: number; seconds: number }

/** Calls fn(i) for i = 0, 1, … for about `seconds`, returns calls per second. */
function rate(seconds: number, fn: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) fn(i) // warm-up
  const batch = 1000
  let calls = 0
  const t0 = process.hrtime.bigint()
  const limit = BigInt(Math.round(seconds * 1e9))
  for (;;) {
    for (let k = 0; k < batch; k++) fn(calls + k)
    calls += batch
    if (process.hrtime.bigint() - t0 > limit) break
  }
  return calls / (Number(process.hrtime.bigint() - t0) / 1e9)
}

/** A deterministic pseudo-random cell (LCG over the id range), so runs compare. */
function cellAt(n: number, i: number): number {
  return Math.floor(((i * 2654435761) % 4294967296) / 4294967296 * cellCount(n))
}

function naiveHalo(n: number, chunk: number): Float64Array {
  const out = new Float64Array(SLOT_CELLS).fill(-1)
  for (const id of chunkCells(n, chunk)) {
    const { i, j } = cellToChunk(n, id)
    out[slotIndex(i, j)] = id
    neighbors(n, id).forEach((x, s) => { out[slotIndex(i + DIRECTIONS[s][0], j + DIRECTIONS[s][1])] = x })
  }
  return out
}

/** Runs the geometry benchmark and returns its figures. */
export function runGeometryBench(o: GeometryBenchOptions) {
  const n = o.size
  const s = o.seconds
  const C = cellCount(n)
  const out = [0, 0, 0, 0, 0, 0]
  let sink = 0
  // Adjacency table baseline (only for sizes whose table fits comfortably).
  let table: { rate: number } | null = null
  if (C <= 2_000_000) {
    const offs = new Int32Array(C + 1), adj = new Float64Array(6 * C)
    for (let id = 0; id < C; id++) { const k = neighborsInto(n, id, out); offs[id + 1] = offs[id] + k; for (let m = 0; m < k; m++) adj[offs[id] + m] = out[m] }
    table = { rate: rate(s, (i) => { const id = cellAt(n, i); for (let m = offs[id]; m < offs[id + 1]; m++) sink += adj[m] }) }
  }
  const nbRate = rate(s, (i) => { sink += neighborsInto(n, cellAt(n, i), out) })
  const chunks = chunkCount(n)
  const haloRate = rate(s, (i) => { sink += chunkHaloSources(n, i % chunks)[0] })
  const naiveRate = rate(s / 2, (i) => { sink += naiveHalo(n, i % chunks)[0] })
  const fwdRate = rate(s, (i) => { sink += unitXYZ(n, cellAt(n, i))[0] })
  const invRate = rate(s, (i) => { const p = unitXYZ(n, cellAt(n, i)); sink += xyzToCell(n, p[0], p[1], p[2]) })
  if (sink === 0.5) process.stderr.write('') // keep `sink` observable
  return {
    size: n,
    cells: C,
    chunkSize: CHUNK_SIZE,
    neighbors_per_s: Math.round(nbRate),
    table_neighbors_per_s: table ? Math.round(table.rate) : null,
    neighbors_vs_table: table ? +(nbRate / table.rate).toFixed(3) : null,
    halo_chunks_per_s: Math.round(haloRate),
    naive_halo_chunks_per_s: Math.round(naiveRate),
    halo_vs_naive: +(haloRate / naiveRate).toFixed(2),
    xyz_per_s: Math.round(fwdRate),
    xyz_to_cell_per_s: Math.round(invRate),
    xyz_to_cell_vs_xyz: +(invRate / fwdRate).toFixed(3),
  }
}
