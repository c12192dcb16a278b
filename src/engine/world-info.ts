/**
 * Summaries of the hex-sphere geometry for reports (`hexd world info|dump`,
 * and anything else that wants the same figures).
 */
import { CHUNK_SIZE, cellToChunk, chunkCount, chunksPerSide } from './chunks.ts'
import { cellCount, cellToLatLon, cellToLattice, cellToXYZ, checkSize, neighbors, pentagon, unitXYZ, xyzToCell } from './geometry.ts'

/** Counts for a world of frequency n. */
export interface WorldInfo {
  size: number
  cells: number
  pentagons: 12
  hexagons: number
  chunks: number
  chunkSize: number
  chunksPerSide: number
  diamonds: 10
}

/**
 * Counts for a world of frequency n (validated).
 * @example worldInfo(1) // => { size: 1, cells: 12, pentagons: 12, hexagons: 0, chunks: 12, ... }
 */
export function worldInfo(n: number): WorldInfo {
  checkSize(n)
  const cells = cellCount(n)
  return { size: n, cells, pentagons: 12, hexagons: cells - 12, chunks: chunkCount(n), chunkSize: CHUNK_SIZE, chunksPerSide: chunksPerSide(n), diamonds: 10 }
}

/** One cell of a dump: its id, unit vector and neighbour ids (neighbors() order). */
export interface DumpedCell {
  id: number
  xyz: [number, number, number]
  neighbors: number[]
}

/**
 * Every cell of the world of frequency n, in id order (a generator, so a
 * caller can stream it).
 * @example [...dumpCells(1)].length // => 12
 */
export function* dumpCells(n: number): Generator<DumpedCell> {
  const count = cellCount(n)
  for (let id = 0; id < count; id++) yield { id, xyz: unitXYZ(n, id), neighbors: neighbors(n, id) }
}

/** Everything about one cell, for `hexd world cell`. */
export interface CellReport {
  size: number
  id: number
  pole: 'N' | 'S' | null
  diamond: number | null
  a: number | null
  b: number | null
  pentagon: boolean
  xyz: [number, number, number]
  lat: number
  lon: number
  chunk: number
  local: [number, number]
  neighbors: number[]
}

/**
 * Describes a cell given by id, or the cell nearest to a latitude/longitude
 * (degrees). Validates the size and id.
 * @example cellReport(1000, { lat: 90, lon: 0 }).id // => 0
 */
export function cellReport(n: number, at: { id: number } | { lat: number; lon: number }): CellReport {
  checkSize(n)
  let id: number
  if ('id' in at) {
    id = at.id
  } else {
    const r = Math.PI / 180
    id = xyzToCell(n, Math.cos(at.lat * r) * Math.cos(at.lon * r), Math.cos(at.lat * r) * Math.sin(at.lon * r), Math.sin(at.lat * r))
  }
  const xyz = cellToXYZ(n, id)
  const { d, a, b } = cellToLattice(n, id)
  const pole = id === 0 ? 'N' : id === 1 ? 'S' : null
  const { chunk, i, j } = cellToChunk(n, id)
  const { lat, lon } = cellToLatLon(n, id)
  return {
    size: n, id, pole, diamond: pole ? null : d, a: pole ? null : a, b: pole ? null : b,
    pentagon: pentagon(n, id), xyz, lat, lon, chunk, local: [i, j], neighbors: neighbors(n, id),
  }
}
