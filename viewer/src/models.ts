/**
 * Where structure models stand, as pure maths and bookkeeping (the three.js meshes are in
 * structures.ts): a cell's model matrix (standing on the cell's centre, its up the sphere's
 * normal there, its front (+z) toward the neighbour in the structure's `dir`, scaled to the
 * cell), and {@link InstanceSlots}, which keeps each prototype's instances packed (slot k of
 * prototype p holds one cell) so a change of one cell rewrites one or two slots, not the buffer.
 *
 * @example
 * const m = new Float32Array(16)
 * modelMatrix(16, 1234, 2, m)      // column-major 4×4, as THREE.Matrix4.elements
 * const slots = new InstanceSlots()
 * slots.set(1234, 4)               // => { proto: 4, slot: 0 } written; a smelter now stands there
 */
import { neighborsInto, unitXYZ } from '../../src/engine/geometry.ts'

/** The model's half-width, as a fraction of the distance between two neighbouring cell centres. */
export const MODEL_SCALE = 0.42

const nb = [0, 0, 0, 0, 0, 0]

/**
 * Writes into `out` (16 floats from `offset`, column-major) the matrix that puts a unit model
 * (y up, z front, about 1 wide) on cell `id` of the world of frequency `n`, facing direction
 * `dir` (0..5, the engine's lattice directions; `neighbors(n, id)[dir]`). On a pentagon, `dir` 5
 * wraps to its 5 neighbours. Returns `out`.
 */
export function modelMatrix(n: number, id: number, dir: number, out: Float32Array, offset = 0): Float32Array {
  if (!Number.isInteger(dir) || dir < 0 || dir > 5) throw new Error(`dir must be an integer from 0 to 5, got ${JSON.stringify(dir)}`)
  const c = unitXYZ(n, id)
  const k = neighborsInto(n, id, nb)
  const f = unitXYZ(n, nb[dir % k])
  // Front: toward the neighbour, in the tangent plane at c.
  let fx = f[0] - c[0], fy = f[1] - c[1], fz = f[2] - c[2]
  const spacing = Math.hypot(fx, fy, fz)
  const along = fx * c[0] + fy * c[1] + fz * c[2]
  fx -= along * c[0]; fy -= along * c[1]; fz -= along * c[2]
  const fl = Math.hypot(fx, fy, fz)
  fx /= fl; fy /= fl; fz /= fl
  // Right = up × front, so (right, up, front) is right-handed like three.js's (x, y, z).
  const rx = c[1] * fz - c[2] * fy, ry = c[2] * fx - c[0] * fz, rz = c[0] * fy - c[1] * fx
  const s = spacing * MODEL_SCALE
  out.set([rx * s, ry * s, rz * s, 0, c[0] * s, c[1] * s, c[2] * s, 0, fx * s, fy * s, fz * s, 0, c[0], c[1], c[2], 1], offset)
  return out
}

/** One slot written by {@link InstanceSlots.set}: instance `slot` of prototype `proto` now holds `cell`. */
export interface SlotWrite { proto: number; slot: number; cell: number }

/**
 * Per prototype, which cell each instance slot holds, packed from 0 (a removal moves the last
 * slot's cell into the hole). `set` says which slots must be rewritten; the count of a
 * prototype's instances is what its InstancedMesh draws.
 */
export class InstanceSlots {
  /** proto → cells by slot. */
  private readonly byProto = new Map<number, number[]>()
  /** cell → [proto, slot]. */
  private readonly where = new Map<number, [number, number]>()

  /** How many instances of prototype `proto` stand now. */
  count(proto: number): number { return this.byProto.get(proto)?.length ?? 0 }

  /** The prototype standing on `cell` (0: none). */
  protoAt(cell: number): number { return this.where.get(cell)?.[0] ?? 0 }

  /** The cell instance `slot` of `proto` holds. */
  cellAt(proto: number, slot: number): number | undefined { return this.byProto.get(proto)?.[slot] }

  /**
   * Records that `cell` holds prototype `proto` (0: nothing). Returns the slots whose cell
   * changed (to rewrite: the cell's new slot, and the slot a removal filled from the end); the
   * counts say how many instances each prototype draws. A cell with the same prototype as
   * before returns its own slot (its direction may have changed).
   */
  set(cell: number, proto: number): SlotWrite[] {
    if (!Number.isInteger(proto) || proto < 0) throw new Error(`proto must be a prototype id (integer >= 0), got ${JSON.stringify(proto)}`)
    const out: SlotWrite[] = []
    const was = this.where.get(cell)
    if (was && was[0] === proto) return [{ proto, slot: was[1], cell }]
    if (was) {
      const [p, slot] = was
      const list = this.byProto.get(p)!
      const last = list.pop()!
      this.where.delete(cell)
      if (slot < list.length) {
        list[slot] = last
        this.where.set(last, [p, slot])
        out.push({ proto: p, slot, cell: last })
      }
    }
    if (proto) {
      let list = this.byProto.get(proto)
      if (!list) this.byProto.set(proto, (list = []))
      list.push(cell)
      this.where.set(cell, [proto, list.length - 1])
      out.push({ proto, slot: list.length - 1, cell })
    }
    return out
  }

  /** Forgets every instance. */
  clear(): void { this.byProto.clear(); this.where.clear() }
}

/**
 * Moves and scales, in model units, the model matrix at `out[offset..offset+16]` (as
 * {@link modelMatrix} wrote it): the result puts a unit shape at (x, y, z) of the model's frame
 * (x right, y up, z front), scaled by (sx, sy, sz) along those axes. Markers on a structure (an
 * item on a belt, a progress bar) use it without allocating.
 * @example
 * modelMatrix(16, 77, 2, m); placeLocal(m, 0, 0, 0.3, 0, 0.3, 0.3, 0.3) // a third-size shape 0.3 above the cell
 */
export function placeLocal(out: Float32Array, offset: number, x: number, y: number, z: number, sx: number, sy: number, sz: number): Float32Array {
  const o = offset
  for (let i = 0; i < 3; i++) out[o + 12 + i] += out[o + i] * x + out[o + 4 + i] * y + out[o + 8 + i] * z
  for (let i = 0; i < 3; i++) { out[o + i] *= sx; out[o + 4 + i] *= sy; out[o + 8 + i] *= sz }
  return out
}
