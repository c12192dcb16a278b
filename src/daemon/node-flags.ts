/**
 * The flags `bin/hexd` gives node (its `#!/usr/bin/env -S node …` line), kept here so the
 * benchmarks that start the daemon as `node <flags> bin/hexd serve` use the same ones; a test
 * checks that the shebang and this list agree.
 *
 * `--max-semi-space-size=64` (MB; Node 20's default is 16). Why: the daemon's garbage lives
 * about one tick. Under load (a thousand actions a tick) a 16 MB semi-space filled several
 * times a tick, so what was merely in flight at that moment (queued actions, outbox messages
 * not yet written, the tick's replies) survived two scavenges and was promoted: the old
 * generation grew by ~40 MB/s and V8 ran a mark-compact every ~2.5 s, each a 6–17 ms pause
 * that landed inside some tick and delayed all of its replies (docs/SERVE.md, fourth pass). With
 * 64 MB the same objects die young: in `hexd bench net` runs, scavenges over 2 ms fell from
 * 404–472 to 99–133 and mark-compacts from 14–17 to 10–13 per run. The new space grows to this
 * size only when the allocation rate asks for it (an idle daemon keeps the small default).
 * V8 reads it only at start-up (`v8.setFlagsFromString` is too late), hence the shebang.
 *
 * @example
 * spawn(process.execPath, [...HEXD_NODE_FLAGS, 'bin/hexd', 'serve'])
 */
export const HEXD_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64']

/** The shebang line `bin/hexd` must start with. */
export const HEXD_SHEBANG = `#!/usr/bin/env -S node ${HEXD_NODE_FLAGS.join(' ')}`
