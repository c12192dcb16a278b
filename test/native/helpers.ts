/**
 * Shared helpers for the native tests: skip cleanly (with the reason) when
 * the addon is not built, and run a body over every sync × compute mode.
 */
import type { Test } from 'tap'
import { loadNative } from '../../src/native/addon.ts'
import { required } from '../helpers/require.ts'
import { RegionChannel, type RegionOptions } from '../../src/native/region.ts'
import { Supervisor } from '../../src/native/supervisor.ts'

/**
 * True when the addon loaded; otherwise skips `t` with the reason, or fails it
 * when HEXD_REQUIRE lists `native` (so CI cannot pass on a silently failed build).
 */
export function nativeOrSkip(t: Test): boolean {
  const n = loadNative()
  if (n.ok) return true
  if (required().has('native')) {
    t.fail(`native is required (HEXD_REQUIRE) but unavailable: ${n.reason}`)
    return false
  }
  t.comment(`skipping: native addon unavailable: ${n.reason}`)
  t.skip(`native addon unavailable: ${n.reason}`, async () => {})
  return false
}

export const SYNCS = ['futex', 'eventfd', 'signal'] as const
export const COMPUTES = ['thread', 'process'] as const

/** A channel with its worker (thread or supervised process) running. */
export async function openChannel(compute: 'thread' | 'process', opts: RegionOptions, supOpts: ConstructorParameters<typeof Supervisor>[1] = {}): Promise<{ ch: RegionChannel; sup?: Supervisor; close: () => Promise<void> }> {
  const ch = RegionChannel.create(opts)
  if (compute === 'thread') {
    ch.startThreadWorker()
    return { ch, close: async () => ch.close() }
  }
  const sup = new Supervisor(ch, supOpts)
  await sup.start()
  return { ch, sup, close: async () => { await sup.stop(); ch.close() } }
}
