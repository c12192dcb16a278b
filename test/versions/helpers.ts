/**
 * The /versions/ tests need this checkout's git history (the linked commits). A shallow or
 * history-less copy skips them with the reason, or fails them under HEXD_REQUIRE=git.
 */
import type { Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { requireOrSkip } from '../helpers/require.ts'
import { PROJECT_ROOT } from '../../src/versions/store.ts'
import { Links } from '../../src/versions/links.ts'
import { join } from 'node:path'

/** True when every commit in versions/links.jsonl is in this clone. */
export async function historyOrSkip(t: Test): Promise<boolean> {
  const links = new Links(join(PROJECT_ROOT, 'versions', 'links.jsonl')).all()
  const missing = links.filter((l) => spawnSync('git', ['cat-file', '-e', `${l.commit}^{commit}`], { cwd: PROJECT_ROOT }).status !== 0)
  const why = missing.length ? `linked commits missing from this clone: ${missing.map((l) => `${l.alias} ${l.commit.slice(0, 12)}`).join(', ')} (git fetch --unshallow)` : ''
  return requireOrSkip(t, 'git', missing.length === 0, why)
}
