/**
 * Shared by the browser tests of the viewer: where Chromium is, how it is started headless
 * without a GPU (WebGL on SwiftShader, docs/VIEWER.md), building the bundle once per test file,
 * and the shape of `window.__hexdViewer` (viewer/src/hook.ts) as the tests read it.
 *
 * @example
 * const browser = await launchChromium(t)
 * const page = await openPage(t, browser)   // console errors collected into page.errors
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import type { Browser, Page } from 'playwright-core'

export const CHROMIUM = process.env.HEXD_CHROMIUM ?? '/usr/bin/chromium'
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Headless Chromium without a GPU: WebGL runs on SwiftShader (docs/VIEWER.md). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']

export interface Hook {
  status: string; error: string; playerTopic: string; gaps: number; duplicates: number; firstSeq: number; lastSeq: number
  tick: number; cellsDrawn: number; held: number; frames: number; pending: number; size: number
  chunks: number[]; chunksDrawn: number[]; watched: number[] | null; resumed: string
  models: Record<string, number>
  overlays: Record<string, number>
  inventory: Record<string, number>
  refundsPending: number
  overlayAt(id: number): { items: number; inputs: number; progress: number; power: number }
  player: { id: string; name: string; index: number; cell: number } | null
  lastResult: { action: { type: string; cell: number }; optimistic: boolean; result?: { ok: boolean; tick?: number; code?: string; reason?: string } } | null
  actions: Array<{ id: number; action: { type: string; cell: number; [k: string]: unknown }; optimistic: boolean; result?: { ok: boolean; code?: string; reason?: string } }>
  cell(id: number): Record<string, number> | null
  confirmed(id: number): Record<string, number> | null
  cellIds(): number[]
  screenOf(id: number, anyCell?: boolean): { x: number; y: number } | null
  cellAt(x: number, y: number, anyCell?: boolean): number | null
}

/** Builds viewer/dist with viewer/build.mjs (what `npm run build:viewer` runs); fails `t` if it fails. */
export function buildViewer(t: Test): void {
  const build = spawnSync(process.execPath, [fileURLToPath(new URL('../../viewer/build.mjs', import.meta.url))], { cwd: ROOT, encoding: 'utf8' })
  t.equal(build.status, 0, `npm run build:viewer works: ${build.stderr}`)
}

/** Starts headless Chromium, closed at teardown. */
export async function launchChromium(t: Test): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  t.teardown(() => browser.close())
  return browser
}

/** A new page whose console errors and page errors are collected in `errors`. */
export async function openPage(browser: Browser, viewport = { width: 960, height: 720 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport })
  const errors: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
  return { page, errors }
}
