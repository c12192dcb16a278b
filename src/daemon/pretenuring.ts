/**
 * V8's allocation-site pretenuring, off in the daemon (`hexd serve --pretenuring off`, the default).
 *
 * Why: V8 watches how many objects of each object or array literal survive a young-generation
 * collection, and once nearly all of one site's objects do, it allocates that site's later objects
 * directly in the old generation. The daemon's per-action objects (a parsed frame, the submit
 * closure and its context, an outbox entry) live one tick at most, but a thousand of them are in
 * flight whenever a collection comes, and the join burst (a thousand sessions made at once, all
 * kept) teaches V8 the same lesson. Under `hexd bench net` load V8 decided to pretenure 35-46
 * sites, and the old generation then grew by ~16 MB/s of objects that died a tick later: a
 * mark-compact every ~5-7 s, each a 4-17 ms pause, plus the incremental marking before it.
 * With pretenuring off the same load grows it by ~4 MB/s (docs/SERVE.md, eleventh pass) and the
 * daemon's collections in an 8-second window take about half the time.
 *
 * V8 reads this flag when it processes each collection's feedback, so setting it at start-up
 * with `v8.setFlagsFromString` works (unlike the semi-space size, which needs the command line:
 * src/daemon/node-flags.ts); an unknown flag there is ignored, never fatal. It applies to the
 * whole process, which is the daemon's.
 *
 * @example
 * applyPretenuring('off')   // the default: objects start young, however long a site's live
 * applyPretenuring('on')    // V8's own default, left alone
 */
import v8 from 'node:v8'

export type PretenuringMode = 'on' | 'off'
export const PRETENURING_MODES: readonly PretenuringMode[] = ['off', 'on']

/** The V8 flag `mode` sets, or null when V8 is left with its default. */
export function pretenuringFlag(mode: PretenuringMode): string | null {
  return mode === 'off' ? '--no-allocation-site-pretenuring' : null
}

/** Applies `mode` to this process's V8 (see the header for why the daemon turns it off). */
export function applyPretenuring(mode: PretenuringMode): void {
  const flag = pretenuringFlag(mode)
  if (flag) v8.setFlagsFromString(flag)
}
