/**
 * Structures drawn as models: one `InstancedMesh` per prototype (a simple shape standing on
 * the cell, its front toward the structure's `dir`: a drill tower, a belt with an arrow, a
 * furnace with a chimney, a tank, a tilted panel, a pole...), lit by an ambient light and a
 * light that follows the camera. The cell keeps its colour layers underneath (colors.ts). Each
 * change of a cell's structure or direction rewrites one or two instance matrices and uploads
 * only those (models.ts keeps the slots packed).
 *
 * @example
 * const models = new StructureModels()
 * scene.add(models.group)
 * models.reset(size); models.update(1234, 4, 2)   // a smelter on cell 1234 facing 2
 * models.counts()                                 // => { smelter: 1 }
 */
import * as THREE from 'three'
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js'
import { PROTOTYPES } from '../../src/engine/content.ts'
import { STRUCTURE_COLORS, UNKNOWN_STRUCTURE, mix } from './colors.ts'
import { growInstanced, instancedMesh } from './instanced.ts'
import { InstanceSlots, modelMatrix } from './models.ts'

/** A cylinder of radius r and height h standing on y = y0 at (x, z). */
function post(r: number, h: number, x = 0, z = 0, y0 = 0, segments = 12): THREE.BufferGeometry {
  return new THREE.CylinderGeometry(r, r, h, segments).translate(x, y0 + h / 2, z)
}
/** A box w × h × d standing on y = y0 at (x, z). */
function block(w: number, h: number, d: number, x = 0, z = 0, y0 = 0): THREE.BufferGeometry {
  return new THREE.BoxGeometry(w, h, d).translate(x, y0 + h / 2, z)
}
/** A flat three-sided arrow head at height y pointing +z (the structure's front). */
function arrow(y: number, z: number, size = 0.45): THREE.BufferGeometry {
  return new THREE.ConeGeometry(size, size * 1.6, 3).rotateX(Math.PI / 2).translate(0, y, z)
}

const merge = (...g: THREE.BufferGeometry[]): THREE.BufferGeometry => {
  // Boxes are indexed, cylinders too: make them all non-indexed so they merge.
  const out = mergeGeometries(g.map((x) => x.toNonIndexed()))
  if (!out) throw new Error('could not merge structure geometries')
  out.computeVertexNormals()
  return out
}

/** The shape of each prototype (by name), in model units: about 2 wide, y up, z front. */
export const SHAPES: Readonly<Record<string, () => THREE.BufferGeometry>> = {
  extractor: () => merge(post(0.7, 0.35), post(0.25, 1.5, 0, 0, 0.35), arrow(0.5, 0.85)),
  conveyor: () => merge(block(0.9, 0.12, 1.9), arrow(0.2, 0.45, 0.4)),
  splitter: () => merge(block(1.5, 0.15, 1.5), arrow(0.25, 0.5, 0.4), arrow(0.25, -0.2, 0.3)),
  smelter: () => merge(block(1.4, 0.9, 1.4), post(0.17, 0.9, 0.4, -0.4, 0.9), arrow(0.45, 0.9, 0.3)),
  assembler: () => merge(block(1.5, 0.6, 1.5), block(0.8, 0.35, 0.8, 0, 0, 0.6), arrow(0.35, 0.95, 0.3)),
  storage: () => post(0.75, 1.0, 0, 0, 0, 16),
  solar: () => merge(post(0.08, 0.5), new THREE.BoxGeometry(1.6, 0.06, 1.4).rotateX(-0.45).translate(0, 0.6, 0)),
  generator: () => merge(post(0.65, 0.7), post(0.18, 0.8, 0.3, 0.3, 0.7)),
  pole: () => merge(post(0.07, 2.2, 0, 0, 0, 6), block(0.7, 0.06, 0.06, 0, 0, 2.0)),
}

/** Initial instances per prototype (grown by doubling). */
const FIRST_CAPACITY = 32

export class StructureModels {
  /** Add this to the scene. */
  readonly group = new THREE.Group()
  private readonly meshes = new Map<number, THREE.InstancedMesh>()
  private readonly slots = new InstanceSlots()
  private readonly dirs = new Map<number, number>()
  private size = 0

  constructor() {
    for (const p of PROTOTYPES) {
      const geometry = (SHAPES[p.name] ?? (() => block(1, 1, 1)))()
      const color = new THREE.Color(...mix(STRUCTURE_COLORS[p.id] ?? UNKNOWN_STRUCTURE, [1, 1, 1], 0.2))
      const mesh = instancedMesh(p.name, geometry, new THREE.MeshLambertMaterial({ color }), FIRST_CAPACITY)
      this.meshes.set(p.id, mesh)
      this.group.add(mesh)
    }
  }

  /** Forgets every instance; the world is of frequency `size` from now on. */
  reset(size: number): void {
    this.size = size
    this.slots.clear()
    this.dirs.clear()
    for (const m of this.meshes.values()) m.count = 0
  }

  /** Cell `cell` now holds prototype `struct` (0: nothing) facing `dir`. Rewrites only what changed. */
  update(cell: number, struct: number, dir: number): void {
    const known = this.meshes.has(struct) ? struct : 0
    if (this.slots.protoAt(cell) === known && (known === 0 || this.dirs.get(cell) === dir)) return
    if (known) this.dirs.set(cell, dir)
    else this.dirs.delete(cell)
    const before = this.slots.protoAt(cell)
    for (const w of this.slots.set(cell, known)) this.write(w.proto, w.slot, w.cell)
    for (const p of [before, known]) {
      const m = this.meshes.get(p)
      if (m) m.count = this.slots.count(p)
    }
  }

  /** Instances drawn, by prototype name (only those with any). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const m of this.meshes.values()) if (m.count) out[m.name] = m.count
    return out
  }

  dispose(): void {
    for (const m of this.meshes.values()) { m.geometry.dispose(); (m.material as THREE.Material).dispose(); m.dispose() }
  }

  private write(proto: number, slot: number, cell: number): void {
    let m = this.meshes.get(proto)!
    if (slot >= m.instanceMatrix.count) this.meshes.set(proto, (m = growInstanced(this.group, m, slot + 1)))
    modelMatrix(this.size, cell, this.dirs.get(cell) ?? 0, m.instanceMatrix.array as Float32Array, slot * 16)
    m.instanceMatrix.addUpdateRange(slot * 16, 16)
    m.instanceMatrix.needsUpdate = true
  }
}
