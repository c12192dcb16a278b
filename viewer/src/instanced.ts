/**
 * The InstancedMesh handling the structure models (structures.ts) and the cell markers
 * (overlays.ts) share: a mesh for instances spread over the globe, and growing one by doubling
 * with its instances kept.
 *
 * @example
 * let m = instancedMesh('smelter', geometry, material, 32)   // count 0, no frustum culling
 * group.add(m)
 * if (slot >= m.instanceMatrix.count) m = growInstanced(group, m, slot + 1)
 */
import * as THREE from 'three'

/**
 * A mesh of room for `capacity` instances, none drawn yet (`count` 0). Instances are all over
 * the sphere, so it is never frustum-culled (no bounding sphere to keep up to date); matrices
 * (and, with `tinted`, per-instance colours) are marked dynamic: a few slots change per tick.
 */
export function instancedMesh(name: string, geometry: THREE.BufferGeometry, material: THREE.Material, capacity: number, tinted = false): THREE.InstancedMesh {
  const mesh = new THREE.InstancedMesh(geometry, material, capacity)
  mesh.name = name
  mesh.count = 0
  mesh.frustumCulled = false
  mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage)
  if (tinted) {
    mesh.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(capacity * 3), 3)
    mesh.instanceColor.setUsage(THREE.DynamicDrawUsage)
  }
  return mesh
}

/**
 * `old` with room for at least `need` instances (its capacity doubled until it fits), its
 * instances (matrices and colours) copied; the new mesh takes its place in `group` and `old` is
 * disposed (its geometry and material go on, shared with the new one).
 */
export function growInstanced(group: THREE.Group, old: THREE.InstancedMesh, need: number): THREE.InstancedMesh {
  let cap = old.instanceMatrix.count
  while (cap < need) cap *= 2
  const m = instancedMesh(old.name, old.geometry, old.material as THREE.Material, cap, old.instanceColor !== null)
  m.count = old.count
  ;(m.instanceMatrix.array as Float32Array).set(old.instanceMatrix.array)
  if (m.instanceColor && old.instanceColor) (m.instanceColor.array as Float32Array).set(old.instanceColor.array)
  group.remove(old)
  old.dispose()
  group.add(m)
  return m
}
