/**
 * What cells carry, drawn over their structures (carried.ts says what): one `InstancedMesh` per
 * layer, like the structure models (structures.ts). Layers: `items` (a ball per item on a belt,
 * coloured by item kind), `inputs` (a dark bar on a belt's input side), `progress` (a green bar
 * above a working machine or burning generator, its length the progress in PROGRESS_STEPS
 * steps), `power` (a small diamond at a corner: yellow, larger with the power level; red for a
 * structure that needs power and has none). Each layer keeps, per cell, the key it drew and the
 * direction: a cell whose key and direction did not change costs nothing, a changed one
 * rewrites one slot (16 floats, 3 colour floats) and uploads only that; a removal moves the
 * last instance into the hole by copying its floats. No allocation per update.
 *
 * @example
 * const o = new CellOverlays(); scene.add(o.group)
 * o.reset(16); o.update(77, { id: 77, struct: 2, item: 6, count: 1, recipe: 3 })
 * o.counts()   // => { items: 1, inputs: 1 }
 */
import * as THREE from 'three'
import { POWER_MISSING, PROGRESS_STEPS, beltInput, beltItem, itemColor, powerKey, progressStep } from './carried.ts'
import type { RGB } from './colors.ts'
import { growInstanced, instancedMesh } from './instanced.ts'
import { InstanceSlots, modelMatrix, placeLocal } from './models.ts'
import type { WireCell } from './wire.ts'

/** Where a layer's unit shape goes for one key, in model units (models.ts placeLocal). */
interface Placement { x: number; y: number; z: number; sx: number; sy: number; sz: number }

interface LayerSpec {
  name: string
  geometry: THREE.BufferGeometry
  /** Fills `p` for key `key` (> 0). */
  place(key: number, p: Placement): void
  /** The instance colour for key `key`, or null for a layer of one colour (`color`). */
  tint: ((key: number) => RGB) | null
  color: number
}

const FIRST_CAPACITY = 32

/** One layer: its mesh, its packed slots, and per cell the key and direction drawn. */
class MarkerLayer {
  mesh: THREE.InstancedMesh
  private readonly slots = new InstanceSlots()
  private readonly keys = new Map<number, number>()
  private readonly dirs = new Map<number, number>()
  private readonly p: Placement = { x: 0, y: 0, z: 0, sx: 1, sy: 1, sz: 1 }
  size = 0

  constructor(private readonly spec: LayerSpec, private readonly group: THREE.Group) {
    this.mesh = instancedMesh(spec.name, spec.geometry, new THREE.MeshLambertMaterial({ color: spec.tint ? 0xffffff : spec.color }), FIRST_CAPACITY, spec.tint !== null)
    group.add(this.mesh)
  }

  get count(): number { return this.mesh.count }
  keyAt(cell: number): number { return this.keys.get(cell) ?? 0 }

  reset(size: number): void {
    this.size = size
    this.slots.clear(); this.keys.clear(); this.dirs.clear()
    this.mesh.count = 0
  }

  /** Cell `cell` shows key `key` (0: nothing) facing `dir`; rewrites only when either changed. */
  update(cell: number, key: number, dir: number): void {
    const was = this.keys.get(cell) ?? 0
    if (was === key && (key === 0 || this.dirs.get(cell) === dir)) return
    if (key) { this.keys.set(cell, key); this.dirs.set(cell, dir) } else { this.keys.delete(cell); this.dirs.delete(cell) }
    const last = this.slots.count(1) - 1
    for (const w of this.slots.set(cell, key ? 1 : 0)) {
      if (w.cell === cell) this.write(w.slot, cell, key, dir)
      else this.copy(last, w.slot)
    }
    this.mesh.count = this.slots.count(1)
  }

  dispose(): void {
    this.mesh.geometry.dispose(); (this.mesh.material as THREE.Material).dispose(); this.mesh.dispose()
  }

  private write(slot: number, cell: number, key: number, dir: number): void {
    if (slot >= this.mesh.instanceMatrix.count) this.mesh = growInstanced(this.group, this.mesh, slot + 1)
    const m = this.mesh.instanceMatrix, a = m.array as Float32Array, o = slot * 16, p = this.p
    this.spec.place(key, p)
    modelMatrix(this.size, cell, dir, a, o)
    placeLocal(a, o, p.x, p.y, p.z, p.sx, p.sy, p.sz)
    m.addUpdateRange(o, 16)
    m.needsUpdate = true
    const c = this.mesh.instanceColor
    if (c && this.spec.tint) {
      const rgb = this.spec.tint(key), ca = c.array as Float32Array
      ca[slot * 3] = rgb[0]; ca[slot * 3 + 1] = rgb[1]; ca[slot * 3 + 2] = rgb[2]
      c.addUpdateRange(slot * 3, 3)
      c.needsUpdate = true
    }
  }

  /** Instance `from` (the old last) moves into `to` (a removal's hole). */
  private copy(from: number, to: number): void {
    const m = this.mesh.instanceMatrix, a = m.array as Float32Array
    a.copyWithin(to * 16, from * 16, from * 16 + 16)
    m.addUpdateRange(to * 16, 16)
    m.needsUpdate = true
    const c = this.mesh.instanceColor
    if (c) {
      ;(c.array as Float32Array).copyWithin(to * 3, from * 3, from * 3 + 3)
      c.addUpdateRange(to * 3, 3)
      c.needsUpdate = true
    }
  }
}

const POWER_ON: RGB = [1, 0.85, 0.1]
const POWER_OFF: RGB = [0.9, 0.1, 0.1]

/**
 * The layers, in model units (models.ts: a structure is about 2 wide, y up, z front). A function:
 * each CellOverlays owns its geometries, so disposing one leaves another's intact.
 */
const layerSpecs = (): LayerSpec[] => [
  {
    name: 'items', geometry: new THREE.IcosahedronGeometry(1, 1), color: 0xffffff, tint: itemColor,
    // Just above the belt (0.12 high), behind its arrow.
    place: (_k, p) => { p.x = 0; p.y = 0.42; p.z = -0.25; p.sx = p.sy = p.sz = 0.3 },
  },
  {
    name: 'inputs', geometry: new THREE.BoxGeometry(1, 1, 1), color: 0x3a2a10, tint: null,
    // Faces the input direction (the layer's dir is the input): a bar at that edge of the belt.
    place: (_k, p) => { p.x = 0; p.y = 0.16; p.z = 0.85; p.sx = 0.8; p.sy = 0.08; p.sz = 0.18 },
  },
  {
    name: 'progress', geometry: new THREE.BoxGeometry(1, 1, 1).translate(0.5, 0.5, 0), color: 0x30e060, tint: null,
    // Above the tallest machine part (the smelter's chimney ends at 1.8), growing to the right.
    place: (k, p) => { p.x = -0.8; p.y = 2.0; p.z = 0; p.sx = (1.6 * k) / PROGRESS_STEPS; p.sy = 0.16; p.sz = 0.3 },
  },
  {
    name: 'power', geometry: new THREE.OctahedronGeometry(1, 0), color: 0xffffff,
    tint: (k) => (k === POWER_MISSING ? POWER_OFF : POWER_ON),
    place: (k, p) => {
      p.x = 0.75; p.z = -0.75
      p.sx = p.sz = k === POWER_MISSING ? 0.2 : 0.12 + (0.14 * k) / 15
      p.sy = p.sx * 1.6; p.y = p.sy
    },
  },
]

export class CellOverlays {
  /** Add this to the scene. */
  readonly group = new THREE.Group()
  private readonly layers: MarkerLayer[]

  constructor() {
    this.layers = layerSpecs().map((s) => new MarkerLayer(s, this.group))
  }

  /** Forgets every marker; the world is of frequency `size` from now on. */
  reset(size: number): void { for (const l of this.layers) l.reset(size) }

  /** Cell `id` is now `c` (undefined: gone): rewrites the markers whose key or direction changed. */
  update(id: number, c: WireCell | undefined): void {
    // Indexed, not destructured: no iterator per call.
    const l = this.layers, items = l[0], inputs = l[1], progress = l[2], power = l[3]
    if (!c) { for (const x of l) x.update(id, 0, 0); return }
    const dir = c.dir ?? 0
    items.update(id, beltItem(c), dir)
    const input = beltInput(c)
    inputs.update(id, input < 0 ? 0 : 1, input < 0 ? 0 : input)
    progress.update(id, progressStep(c), dir)
    power.update(id, powerKey(c), 0)
  }

  /** Markers drawn, by layer (only those with any). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const l of this.layers) if (l.count) out[l.mesh.name] = l.count
    return out
  }

  /** The key each layer draws for cell `id` (0: none): item id, 1 (belt input), progress step, power key. */
  at(id: number): { items: number; inputs: number; progress: number; power: number } {
    const [items, inputs, progress, power] = this.layers
    return { items: items.keyAt(id), inputs: inputs.keyAt(id), progress: progress.keyAt(id), power: power.keyAt(id) }
  }

  dispose(): void { for (const l of this.layers) l.dispose() }
}
