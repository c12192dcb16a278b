/**
 * Scenarios for `hexd sim --scenario NAME`: a scripted start for a world. A
 * scenario reads the freshly generated world and returns the actions of the
 * first step; the run then proceeds untouched.
 */
import type { World } from '../world.ts'
import type { Action } from '../actions.ts'
import { HexdError } from '../../errors.ts'
import { factory } from './factory.ts'

export interface Scenario {
  name: string
  description: string
  /** The item whose production the scenario is about (reported by sim). */
  finalItem?: string
  /** Actions for the first step. */
  setup(world: World): Action[]
}

export const SCENARIOS: readonly Scenario[] = [factory]

/** A scenario by name, or HEXD_UNKNOWN_SCENARIO. */
export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name)
  if (!s) throw new HexdError('HEXD_UNKNOWN_SCENARIO', `--scenario must be one of ${SCENARIOS.map((x) => x.name).join(', ')}, got ${JSON.stringify(name)}`, { field: 'scenario' })
  return s
}
