// Measures the viewer's frame rate in headless Chromium (software WebGL: SwiftShader, as in the
// browser tests) against a running daemon, for docs/VIEWER.md. Not a test: it asserts nothing.
//
//   npx hexd serve --size 64 --port 4100 --store memory --no-zmq &
//   node viewer/measure-fps.mjs http://127.0.0.1:4100 [seconds=10] [screenshot.png|''] [extra query, e.g. aa=0]
//
// VIEWPORT=WxH (default 960x720) sets the page size.
// Prints one JSON line: frames drawn per second over the window (with the default render=demand,
// only frames where something changed; pass render=always to measure the ceiling), animation
// frames seen per second, main-thread ms per frame (the
// viewer's own work plus WebGL calls), colour floats uploaded per frame, cells and chunks drawn,
// structure models, and the diffs' tick rate seen.
import { chromium } from 'playwright-core'

const [url = 'http://127.0.0.1:4000', seconds = '10', shot, query = ''] = process.argv.slice(2)
const CHROMIUM = process.env.HEXD_CHROMIUM ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
try {
  const [w, h] = (process.env.VIEWPORT ?? '960x720').split('x').map(Number)
  const page = await browser.newPage({ viewport: { width: w, height: h } })
  await page.goto(`${url}/viewer/?name=fps&new${query ? `&${query}` : ''}`)
  await page.waitForFunction(() => window.__hexdViewer?.status === 'joined' && window.__hexdViewer.cellsDrawn > 0, null, { timeout: 120_000 })
  await page.waitForTimeout(3000) // warm-up: first uploads, shader compilation
  const read = () => page.evaluate(() => { const h = window.__hexdViewer; return { frames: h.frames, loops: h.loops, tick: h.tick, cost: h.cost, at: performance.now() } })
  const a = await read()
  await page.waitForTimeout(Number(seconds) * 1000)
  const b = await read()
  const info = await page.evaluate(() => { const h = window.__hexdViewer; return { size: h.size, antialias: h.antialias, cellsDrawn: h.cellsDrawn, chunks: h.chunksDrawn.length, models: h.models } })
  const frames = b.frames - a.frames, s = (b.at - a.at) / 1000
  console.log(JSON.stringify({
    url, query, ...info, seconds: +s.toFixed(1), fps: +(frames / s).toFixed(1), loopsPerSecond: +((b.loops - a.loops) / s).toFixed(1),
    msPerFrame: +((b.cost.frameMs - a.cost.frameMs) / Math.max(1, frames)).toFixed(2),
    colorFloatsPerFrame: Math.round((b.cost.colorFloats - a.cost.colorFloats) / Math.max(1, frames)),
    ticksPerSecond: +((b.tick - a.tick) / s).toFixed(1),
  }))
  if (shot) await page.screenshot({ path: shot })
} finally {
  await browser.close()
}
