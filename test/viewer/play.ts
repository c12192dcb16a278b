/**
 * Shared by the viewer's play tests (browser-play, browser-carried): the set-up each starts
 * with, and walking the globe's cells.
 *
 * @example
 * const s = await playSetup(t, 16)          // null: skipped (no Chromium, HEXD_REQUIRE unset)
 * if (!s) return
 * await s.page.goto(`${s.d.url}/viewer/?name=ann`); await s.ready()
 * const { dist, prev } = bfs(16, s.d.game.player(id)!.cell)
 */
import { existsSync } from 'node:fs'
import type { Test } from 'tap'
import type { Page } from 'playwright-core'
import { neighbors } from '../../src/engine/geometry.ts'
import { requireOrSkip } from '../helpers/require.ts'
import { testDaemon } from '../net/helpers.ts'
import { CHROMIUM, buildViewer, launchChromium, openPage, type Hook } from './chromium.ts'

declare const window: { __hexdViewer?: Hook }

export interface PlaySetup {
  d: Awaited<ReturnType<typeof testDaemon>>
  page: Page
  /** Console and page errors seen so far. */
  errors: string[]
  /** Evaluates `f` on the page's `window.__hexdViewer`. */
  hook<T>(f: (h: Hook) => T): Promise<T>
  /** Waits until the viewer has joined both topics and draws every cell it holds. */
  ready(): Promise<unknown>
}

/**
 * Skips `t` without Chromium (fails it under HEXD_REQUIRE=browser), builds the bundle, starts a
 * daemon of `size` at `ups` (default 10) and Chromium, and opens a page. Null when skipped.
 */
export async function playSetup(t: Test, size: number, ups = 10): Promise<PlaySetup | null> {
  if (!(await requireOrSkip(t, 'browser', existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`))) return null
  buildViewer(t)
  const d = await testDaemon(t, { size, ups })
  const browser = await launchChromium(t)
  const { page, errors } = await openPage(browser)
  return {
    d, page, errors,
    hook: <T>(f: (h: Hook) => T) => page.evaluate(`(${f.toString()})(window.__hexdViewer)`) as Promise<T>,
    ready: () => page.waitForFunction(() => {
      const h = window.__hexdViewer
      return h?.status === 'joined' && h.playerTopic === 'joined' && h.cellsDrawn > 0 && h.cellsDrawn === h.held && h.watched !== null && h.frames > 2
    }, null, { timeout: 30_000 }),
  }
}

/** Steps from cell `a` to every cell of a world of `size` (breadth-first), and the way back. */
export function bfs(size: number, a: number): { dist: Map<number, number>; prev: Map<number, number> } {
  const dist = new Map([[a, 0]]), prev = new Map<number, number>()
  const queue = [a]
  for (let k = 0; k < queue.length; k++) {
    for (const nb of neighbors(size, queue[k])) if (!dist.has(nb)) { dist.set(nb, dist.get(queue[k])! + 1); prev.set(nb, queue[k]); queue.push(nb) }
  }
  return { dist, prev }
}

/** Cells on a shortest path from `a` to `b`, both included. */
export function path(size: number, a: number, b: number): number[] {
  const { prev } = bfs(size, a)
  const out = [b]
  while (out[0] !== a) out.unshift(prev.get(out[0])!)
  return out
}
