/**
 * The three.js side: one indexed mesh holding every watched cell as a fan of
 * triangles (tiles from tiles.ts, vertex colours from colors.ts), a dark globe
 * under it, a marker on the player's cell, a camera orbiting the sphere's centre
 * (OrbitControls: drag to turn, wheel to zoom), and a requestAnimationFrame loop
 * independent of the tick rate that advances the colour eases and renders.
 *
 * @example
 * const scene = new HexScene(container, client, (cell) => client.act({ type: 'claim', cell }))
 * scene.start()
 */
import * as THREE from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import { unitXYZ } from '../../src/engine/geometry.ts'
import type { ViewerClient } from './client.ts'
import { cellColor, type RGB } from './colors.ts'
import { ColorEaser } from './easing.ts'
import { cellAtRay } from './pick.ts'
import { coalesce, type Range } from './ranges.ts'
import { CellOverlays } from './overlays.ts'
import { StructureModels } from './structures.ts'
import { buildTiles, type Tiles } from './tiles.ts'

/** Fraction of a tile's radius drawn (the rest is the gap that outlines cells). */
const INSET = 0.9
/** Pointer travel (px) below which a press-release is a click, not a drag. */
const CLICK_SLOP = 5
/** With nothing changing, a frame is still drawn this often (ms), so the loop is seen alive. */
const IDLE_FRAME_MS = 250

/** True when WebGL runs in software (SwiftShader, llvmpipe): multisampling then costs more than it shows. @example new THREE.WebGLRenderer({ antialias: !softwareWebGL() }) */
export function softwareWebGL(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2')
  if (!gl) return false
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER))
  gl.getExtension('WEBGL_lose_context')?.loseContext()
  return /swiftshader|llvmpipe|softpipe|software/i.test(name)
}

/** How the scene draws (see docs/VIEWER.md "Frame rate"). */
export interface SceneOptions {
  /** Multisampling; default: on, unless WebGL runs in software. */
  antialias?: boolean
  /** 'demand' (default): a frame only when something changed (camera, colours, models), else every IDLE_FRAME_MS; 'always': every animation frame. */
  render?: 'demand' | 'always'
}

export class HexScene {
  readonly renderer: THREE.WebGLRenderer
  readonly camera: THREE.PerspectiveCamera
  /** Frames rendered so far. */
  frames = 0
  /** Cells in the mesh. */
  cellsDrawn = 0
  /** Chunks in the mesh (their cells are drawn). */
  chunksDrawn: number[] = []
  /** The cell under the pointer, or null. */
  hover: number | null = null
  /** Main-thread time spent in frames (ms, summed), and colour floats uploaded (summed): what a frame costs. */
  readonly cost = { frameMs: 0, colorFloats: 0 }
  /** Animation frames seen (drawn or skipped because nothing changed). */
  loops = 0
  /** Whether multisampling is on. */
  readonly antialias: boolean
  private readonly renderMode: 'demand' | 'always'
  /** Something changed since the last frame drawn. */
  private dirty = true
  private lastDrawn = 0

  private readonly scene = new THREE.Scene()
  private readonly controls: OrbitControls
  private readonly easer = new ColorEaser()
  private readonly marker: THREE.Mesh
  /** The structures, as models (structures.ts). */
  readonly models = new StructureModels()
  /** What the cells carry: items on belts, belt inputs, progress, power (overlays.ts). */
  readonly overlays = new CellOverlays()
  private mesh: THREE.Mesh | null = null
  private tiles: Tiles | null = null
  private colors: Float32Array | null = null
  private readonly index = new Map<number, number>()
  private size = 0
  private markerCell = -1
  private raf = 0
  private down: { x: number; y: number } | null = null
  private readonly unsub: Array<() => void> = []

  constructor(private readonly host: HTMLElement, private readonly client: ViewerClient, private readonly onClick: (cell: number, drawn: boolean) => void, private readonly onHover: () => void = () => {}, opts: SceneOptions = {}) {
    this.antialias = opts.antialias ?? !softwareWebGL()
    this.renderMode = opts.render ?? 'demand'
    this.renderer = new THREE.WebGLRenderer({ antialias: this.antialias })
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1))
    this.renderer.setClearColor(0x0b0e14)
    host.appendChild(this.renderer.domElement)
    this.camera = new THREE.PerspectiveCamera(50, 1, 0.001, 20)
    this.camera.up.set(0, 0, 1) // +z is the north pole (src/engine/geometry.ts)
    this.camera.position.set(3, 0, 0)
    this.controls = new OrbitControls(this.camera, this.renderer.domElement)
    this.controls.enablePan = false
    this.controls.minDistance = 1.02
    this.controls.maxDistance = 6
    this.controls.addEventListener('change', () => { this.dirty = true })
    this.scene.add(new THREE.Mesh(new THREE.SphereGeometry(0.995, 48, 32), new THREE.MeshBasicMaterial({ color: 0x1b2230 })))
    this.marker = new THREE.Mesh(new THREE.ConeGeometry(1, 2.5, 12), new THREE.MeshBasicMaterial({ color: 0xffffff }))
    this.marker.visible = false
    this.scene.add(this.marker)
    // The models are lit: a soft ambient light and a light that moves with the camera.
    this.scene.add(new THREE.AmbientLight(0xffffff, 1.2))
    const sun = new THREE.DirectionalLight(0xffffff, 2.2)
    sun.position.set(0.5, 1, 1)
    this.camera.add(sun)
    this.scene.add(this.camera)
    this.scene.add(this.models.group)
    this.scene.add(this.overlays.group)
    this.unsub.push(client.onCells((ids, o) => this.cellsChanged(ids, o.chunksAdded.length > 0 || o.chunksRemoved.length > 0, o.immediate)))
    this.unsub.push(client.onChange(() => this.playerChanged()))
    const el = this.renderer.domElement
    el.addEventListener('pointerdown', this.pointerDown)
    el.addEventListener('pointerup', this.pointerUp)
    el.addEventListener('pointermove', this.pointerMove)
    window.addEventListener('resize', this.resize)
    this.resize()
  }

  start(): void {
    const frame = (now: number): void => {
      this.raf = requestAnimationFrame(frame)
      this.renderFrame(now)
    }
    this.raf = requestAnimationFrame(frame)
  }

  dispose(): void {
    cancelAnimationFrame(this.raf)
    for (const u of this.unsub) u()
    const el = this.renderer.domElement
    el.removeEventListener('pointerdown', this.pointerDown)
    el.removeEventListener('pointerup', this.pointerUp)
    el.removeEventListener('pointermove', this.pointerMove)
    window.removeEventListener('resize', this.resize)
    this.controls.dispose()
    this.models.dispose()
    this.overlays.dispose()
    this.renderer.dispose()
    el.remove()
  }

  /** Points the camera at the player's cell from a height that shows a few dozen cells. */
  centre(): void {
    const p = this.client.player
    if (!p || !this.size) return
    const [x, y, z] = unitXYZ(this.size, p.cell)
    const h = Math.min(2.5, Math.max(0.05, 36 / this.size))
    this.camera.position.set(x * (1 + h), y * (1 + h), z * (1 + h))
    this.controls.target.set(0, 0, 0)
    this.controls.update()
  }

  /**
   * Where cell `id`'s centre is on the page (CSS px), or null when it is not
   * drawn (unless `anyCell`: a cell of the globe outside the watched chunks), faces away
   * from the camera or is outside the canvas.
   */
  screenOf(id: number, anyCell = false): { x: number; y: number } | null {
    if (!this.size || (!anyCell && !this.index.has(id))) return null
    // The camera may have moved since the last frame drawn (centre(), a drag): use where it is now.
    this.camera.updateMatrixWorld()
    const [x, y, z] = unitXYZ(this.size, id)
    const p = new THREE.Vector3(x, y, z)
    if (p.dot(this.camera.position.clone().sub(p)) <= 0) return null
    p.project(this.camera)
    if (Math.abs(p.x) > 1 || Math.abs(p.y) > 1) return null
    const r = this.renderer.domElement.getBoundingClientRect()
    return { x: r.left + ((p.x + 1) / 2) * r.width, y: r.top + ((1 - p.y) / 2) * r.height }
  }

  /** The drawn cell under page point (x, y) (with `anyCell`, any cell of the globe there), or null. */
  cellAt(x: number, y: number, anyCell = false): number | null {
    if (!this.size) return null
    const r = this.renderer.domElement.getBoundingClientRect()
    this.camera.updateMatrixWorld()
    const ray = new THREE.Raycaster()
    ray.setFromCamera(new THREE.Vector2(((x - r.left) / r.width) * 2 - 1, -((y - r.top) / r.height) * 2 + 1), this.camera)
    const o = ray.ray.origin, d = ray.ray.direction
    const id = cellAtRay(this.size, [o.x, o.y, o.z], [d.x, d.y, d.z])
    return id !== null && (anyCell || this.index.has(id)) ? id : null
  }

  private renderFrame(now: number): void {
    this.loops++
    const easing = this.colors !== null && this.easer.active > 0
    if (this.renderMode === 'demand' && !this.dirty && !easing && now - this.lastDrawn < IDLE_FRAME_MS) return
    const t0 = performance.now()
    if (easing) {
      // Only the eased cells' vertices are uploaded (ranges merged), not the whole attribute.
      const colors = this.colors!, tiles = this.tiles!
      const ranges: Range[] = []
      this.easer.sample(now, (id, r, g, b) => {
        const k = this.paint(id, [r, g, b], colors)
        if (k >= 0) ranges.push([tiles.first[k] * 3, tiles.count[k] * 3])
      })
      const attr = this.mesh!.geometry.getAttribute('color') as THREE.BufferAttribute
      for (const [start, count] of coalesce(ranges, 63, 256)) { attr.addUpdateRange(start, count); this.cost.colorFloats += count }
      attr.needsUpdate = true
    }
    // Turning speed falls as the camera nears the ground, so a drag moves the view about as far.
    this.controls.rotateSpeed = Math.min(1, Math.max(0.02, this.camera.position.length() - 1))
    this.controls.update()
    this.renderer.render(this.scene, this.camera)
    this.dirty = false
    this.lastDrawn = now
    this.frames++
    this.cost.frameMs += performance.now() - t0
  }

  private cellsChanged(ids: number[], rebuild: boolean, immediate: boolean): void {
    const size = this.client.joined?.size
    if (!size) return
    this.dirty = true
    if (rebuild || !this.mesh || size !== this.size) { this.size = size; this.rebuild(); return }
    const now = performance.now()
    const period = this.client.clock?.periodMs() ?? 50
    for (const id of ids) {
      const k = this.index.get(id)
      if (k === undefined) continue
      const cell = this.client.buffer.view(id)
      if (!cell) continue
      this.models.update(id, cell.struct ?? 0, cell.dir ?? 0)
      this.overlays.update(id, cell)
      const to = cellColor(cell, { pending: this.client.buffer.isPending(id) })
      const f = this.tiles!.first[k] * 3, c = this.colors!
      this.easer.start(id, [c[f], c[f + 1], c[f + 2]], to, now, immediate ? 0 : period)
    }
  }

  private rebuild(): void {
    const ids = this.client.buffer.cellIds()
    const tiles = buildTiles(this.size, ids, INSET)
    this.index.clear()
    ids.forEach((id, k) => this.index.set(id, k))
    this.tiles = tiles
    this.colors = new Float32Array(tiles.positions.length)
    this.models.reset(this.size)
    this.overlays.reset(this.size)
    for (const id of ids) {
      const cell = this.client.buffer.view(id)!
      if (cell.struct) { this.models.update(id, cell.struct, cell.dir ?? 0); this.overlays.update(id, cell) }
      this.paint(id, cellColor(cell, { pending: this.client.buffer.isPending(id) }), this.colors)
    }
    const g = new THREE.BufferGeometry()
    g.setAttribute('position', new THREE.BufferAttribute(tiles.positions, 3))
    g.setAttribute('color', new THREE.BufferAttribute(this.colors, 3))
    g.setIndex(new THREE.BufferAttribute(tiles.indices, 1))
    g.computeBoundingSphere()
    if (this.mesh) { this.scene.remove(this.mesh); this.mesh.geometry.dispose() }
    this.mesh = new THREE.Mesh(g, this.mesh?.material ?? new THREE.MeshBasicMaterial({ vertexColors: true }))
    this.scene.add(this.mesh)
    this.cellsDrawn = ids.length
    this.chunksDrawn = this.client.buffer.chunkIds()
    this.playerChanged()
  }

  /** Writes colour `c` into cell `id`'s vertices; returns its index in the mesh, or -1 when it is not drawn. */
  private paint(id: number, c: RGB, colors: Float32Array): number {
    const k = this.index.get(id)
    if (k === undefined) return -1
    const first = this.tiles!.first[k], count = this.tiles!.count[k]
    for (let v = first; v < first + count; v++) { colors[v * 3] = c[0]; colors[v * 3 + 1] = c[1]; colors[v * 3 + 2] = c[2] }
    return k
  }

  private playerChanged(): void {
    const p = this.client.player
    if (!p || !this.size || p.cell === this.markerCell) return
    const firstTime = this.markerCell < 0
    this.markerCell = p.cell
    const [x, y, z] = unitXYZ(this.size, p.cell)
    const s = 0.35 / this.size
    this.marker.scale.set(s, s, s)
    this.marker.position.set(x * (1 + 1.25 * s), y * (1 + 1.25 * s), z * (1 + 1.25 * s))
    // The cone's apex is at +y: turn it to point at the sphere's centre, standing on the cell.
    this.marker.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), new THREE.Vector3(-x, -y, -z))
    this.marker.visible = true
    this.dirty = true
    if (firstTime) this.centre()
  }

  private readonly pointerDown = (e: PointerEvent): void => { this.down = { x: e.clientX, y: e.clientY } }
  private readonly pointerUp = (e: PointerEvent): void => {
    const d = this.down
    this.down = null
    if (!d || Math.hypot(e.clientX - d.x, e.clientY - d.y) > CLICK_SLOP) return
    const id = this.cellAt(e.clientX, e.clientY, true)
    if (id !== null) this.onClick(id, this.index.has(id))
  }
  private readonly pointerMove = (e: PointerEvent): void => {
    const id = this.cellAt(e.clientX, e.clientY)
    if (id !== this.hover) { this.hover = id; this.onHover() }
  }
  private readonly resize = (): void => {
    const w = this.host.clientWidth || window.innerWidth, h = this.host.clientHeight || window.innerHeight
    this.renderer.setSize(w, h)
    this.camera.aspect = w / h
    this.camera.updateProjectionMatrix()
    this.dirty = true
  }
}
