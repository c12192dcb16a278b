/**
 * How the daemon keeps V8's old generation quiet: no allocation-site pretenuring
 * (`hexd serve --pretenuring off`, the default) and room to grow between mark-compacts
 * (`--old-gen-growth 200`, the default). Both are V8 flags set at start-up.
 *
 * Why: a mark-compact stops the daemon for several ms whatever the heap's size (4-17 ms in
 * `--trace-gc` under load, for a live JS heap of only ~35-55 MB), and whichever tick it lands in
 * answers late. So what matters is how often they come, which is how fast the old generation
 * fills against its limit:
 *
 * - Pretenuring. V8 watches how many objects of each object or array literal survive a
 *   young-generation collection; once nearly all of a site's objects do, it allocates that
 *   site's later objects straight in the old generation. The daemon's per-action objects (a
 *   parsed frame, the submit closure and its context, an outbox entry) live one tick at most,
 *   but a thousand of them are in flight whenever a collection comes, and the join burst (a
 *   thousand sessions made at once, all kept) teaches V8 the same lesson. Under
 *   `hexd bench net` load V8 pretenured 35-46 sites and the old generation grew by ~16 MB/s of
 *   objects dead a tick later; with pretenuring off, by ~4 MB/s.
 * - Growth. After each mark-compact V8 sets the next limit at its live size times a factor it
 *   derives from how cheap the last collections were; for the daemon's small live heap the next
 *   mark-compact began at 1.15-1.45× the live size left by the last (`--trace-gc`), so with
 *   pretenuring off the old generation hit its limit again within ~2 s (four mark-compacts in
 *   one 8-second window). `--old-gen-growth 200` (V8's
 *   `--heap-growing-percent`) lets it grow to 3× its live size first: at ~4 MB/s, one
 *   mark-compact every ~20-30 s by the arithmetic. Memory: the heap before a mark-compact was
 *   127 MB in one measured run, against 161-176 MB with V8's defaults (pretenured garbage).
 *
 * Measured together (docs/SERVE.md, eleventh pass): GC time in the measured 8 s 248-297 ms ->
 * 116-133 ms, mark-compacts 1-2 -> 0-1, client p99 median 67.6 -> 61.3 ms (four rotating runs).
 *
 * V8 reads both flags when it processes a collection, so `v8.setFlagsFromString` at start-up
 * works (unlike the semi-space size, which needs the command line: src/daemon/node-flags.ts),
 * and an unknown flag there is ignored, never fatal. They apply to the whole process, which is
 * the daemon's.
 *
 * @example
 * applyOldGeneration({ pretenuring: 'off', growthPercent: 200 })   // hexd serve's defaults
 * oldGenerationFlags({ pretenuring: 'on', growthPercent: 0 })      // [] : V8 left alone
 */
import v8 from 'node:v8'

export type PretenuringMode = 'on' | 'off'

export interface OldGenerationPolicy {
  /** 'off' (default): every object starts young. 'on': V8's default. */
  pretenuring: PretenuringMode
  /** The old generation may grow to (1 + percent/100) × its live size between mark-compacts; 0 = V8's own factor. Default 200. */
  growthPercent: number
}

export const OLD_GENERATION_DEFAULTS: OldGenerationPolicy = { pretenuring: 'off', growthPercent: 200 }

/** The V8 flags `policy` sets (none for what is left to V8). */
export function oldGenerationFlags(policy: OldGenerationPolicy): string[] {
  const flags: string[] = []
  if (policy.pretenuring === 'off') flags.push('--no-allocation-site-pretenuring')
  if (policy.growthPercent > 0) flags.push(`--heap-growing-percent=${policy.growthPercent}`)
  return flags
}

/** Applies `policy` to this process's V8; returns the flags it set. */
export function applyOldGeneration(policy: OldGenerationPolicy): string[] {
  const flags = oldGenerationFlags(policy)
  for (const f of flags) v8.setFlagsFromString(f)
  return flags
}
