/** Every subcommand's register function, in the order `hexd --help` lists them. */
import type { Command } from 'commander'

import { register as serve } from './serve.ts'
import { register as tui } from './tui.ts'
import { register as sim } from './sim.ts'
import { register as world } from './world.ts'
import { register as db } from './db.ts'
import { register as bench } from './bench.ts'
import { register as native } from './native.ts'
import { register as versions } from './versions.ts'

export const COMMANDS: Array<(program: Command) => void> = [
  serve,
  tui,
  sim,
  world,
  db,
  bench,
  native,
  versions,
]
