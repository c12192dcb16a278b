/**
 * Skips a test when an external component is missing, or fails it when the
 * component is listed in HEXD_REQUIRE (comma-separated: pg,nats,native,pyzmq,browser,git;
 * git = this checkout's full history, for the /versions/ tests). CI
 * sets HEXD_REQUIRE so that nothing real is silently skipped.
 *
 * @example
 * if (!(await requireOrSkip(t, 'pg', pgAvailable, 'no Postgres at HEXD_PG_URL'))) return
 */
import type { Test } from 'tap'

export type Component = 'pg' | 'nats' | 'browser' | 'native' | 'pyzmq' | 'git'

/** Components the run insists on (from HEXD_REQUIRE). */
export function required(): Set<string> {
  return new Set((process.env.HEXD_REQUIRE ?? '').split(',').map((s) => s.trim()).filter(Boolean))
}

/**
 * Resolves true when `available` is true. Otherwise skips `t` with `reason`
 * (printed), or fails it when the component is required, and resolves false.
 */
export async function requireOrSkip(t: Test, component: Component, available: boolean | (() => Promise<boolean>), reason: string): Promise<boolean> {
  const ok = typeof available === 'function' ? await available() : available
  if (ok) return true
  if (required().has(component)) {
    t.fail(`${component} is required (HEXD_REQUIRE) but unavailable: ${reason}`)
  } else {
    t.comment(`skipping: ${component} unavailable: ${reason}`)
    t.skip(`${component} unavailable: ${reason}`, async () => {})
  }
  return false
}
