/**
 * Deterministic random action scripts for the native-vs-TS equality and
 * crash tests: players join, walk, and place/rotate/remove every prototype
 * with random directions and recipes around themselves (many actions are
 * rejected, which is part of what is compared).
 */
import { neighbors, PROTOTYPES, RECIPES, type World } from '../../src/engine/index.ts'

/** A small deterministic PRNG (LCG), independent of the engine's hashing. */
export function lcg(seed: number): () => number {
  let s = (seed * 2654435761 + 1) >>> 0
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 }
}

/** The actions for one tick of scenario `kind` ('quiet' | 'builders'), reading player positions from `w`. */
export function actionsFor(kind: string, w: World, tick: number, rnd: () => number): unknown[] {
  if (kind === 'quiet') return []
  const out: unknown[] = []
  const players = ['ann', 'bob', 'cyd']
  if (tick === 1) for (const p of players) out.push({ type: 'join', player: p })
  if (tick < 2) return out
  for (const p of players) {
    const me = w.player(p)
    if (!me) continue
    // Wander a little, building around.
    let c = me.cell
    for (let k = Math.floor(rnd() * 4); k > 0; k--) { const nb = neighbors(w.size, c); c = nb[Math.floor(rnd() * nb.length)] }
    const r = rnd()
    if (r < 0.45) {
      const proto = PROTOTYPES[Math.floor(rnd() * PROTOTYPES.length)]
      const recipe = RECIPES[Math.floor(rnd() * RECIPES.length)]
      out.push({ type: 'place', player: p, cell: c, proto: proto.name, dir: Math.floor(rnd() * 6), input: Math.floor(rnd() * 6), recipe: recipe.name })
    } else if (r < 0.55) out.push({ type: 'rotate', player: p, cell: c, dir: Math.floor(rnd() * 6) })
    else if (r < 0.6) out.push({ type: 'remove', player: p, cell: c })
    else if (r < 0.7) out.push({ type: 'set_recipe', player: p, cell: c, recipe: RECIPES[Math.floor(rnd() * RECIPES.length)].name })
    else if (r < 0.8) out.push({ type: 'move', player: p, cell: c })
    else if (r < 0.83) out.push({ type: 'claim', player: p, cell: c })
  }
  return out
}
