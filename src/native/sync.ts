/**
 * Choosing the sync mechanism between the daemon and the worker: futex, then
 * eventfd, then signals (the first this kernel supports), unless `--sync`
 * forces one. The spin budget is the bounded busy-wait before sleeping.
 *
 * @example
 * chooseSync(addon, 'auto')    // => 'futex' on any modern Linux
 * chooseSync(addon, 'signal')  // => 'signal'
 */
import { HexdError } from '../errors.ts'
import type { NativeAddon, SyncMode } from './addon.ts'

export const SYNC_MODES: readonly SyncMode[] = ['futex', 'eventfd', 'signal']
/** Default spin before sleeping, in ns (50 µs): covers a short request. */
export const DEFAULT_SPIN_NS = 50_000

/** Resolves `auto` to the best available mode; rejects an unavailable forced mode. */
export function chooseSync(addon: NativeAddon, wanted: SyncMode | 'auto' = 'auto'): SyncMode {
  const avail = addon.syncAvailable()
  if (wanted === 'auto') {
    const m = SYNC_MODES.find((x) => avail.includes(x))
    if (!m) throw new HexdError('HEXD_NATIVE_UNAVAILABLE', 'no sync mechanism (futex, eventfd, signal) works on this kernel')
    return m
  }
  if (!SYNC_MODES.includes(wanted)) {
    throw new HexdError('HEXD_BAD_OPTION', `--sync must be one of auto, ${SYNC_MODES.join(', ')}, got ${JSON.stringify(wanted)}`, { field: 'sync' })
  }
  if (!avail.includes(wanted)) {
    throw new HexdError('HEXD_NATIVE_UNAVAILABLE', `--sync ${wanted} is not supported by this kernel (available: ${avail.join(', ')})`, { field: 'sync' })
  }
  return wanted
}
