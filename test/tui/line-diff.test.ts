// lineDiffStdout: what reaches the terminal when only some lines change must
// leave exactly the screen that ink's full redraw leaves, with fewer bytes.
import t from 'tap'
import { EventEmitter } from 'node:events'
import fc from 'fast-check'
import { lineDiffStdout } from '../../src/tui/line-diff.ts'

/** A tiny VT100 subset: the escapes ink and lineDiffStdout use. */
class Screen {
  grid: string[][]
  r = 0
  c = 0
  constructor(public rows: number, public cols: number) { this.grid = Array.from({ length: rows }, () => Array(cols).fill(' ')) }
  apply(s: string) {
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!
      if (ch === '\u001B') {
        const m = /^\u001B\[(\??)(\d*)([A-Za-z])/.exec(s.slice(i))
        if (!m) throw new Error(`unknown escape at ${JSON.stringify(s.slice(i, i + 8))}`)
        i += m[0].length - 1
        const n = m[2] ? Number(m[2]) : 1
        if (m[1]) continue // ?25l / ?25h
        switch (m[3]) {
          case 'A': this.r = Math.max(0, this.r - n); break
          case 'G': this.c = 0; break
          case 'E': this.newline(); break
          case 'K': if (m[2] === '2') this.grid[this.r]!.fill(' '); else for (let x = this.c; x < this.cols; x++) this.grid[this.r]![x] = ' '; break
          case 'J': for (let x = this.c; x < this.cols; x++) this.grid[this.r]![x] = ' '; for (let y = this.r + 1; y < this.rows; y++) this.grid[y]!.fill(' '); break
          case 'm': break
          default: throw new Error(`unhandled escape ${m[0]}`)
        }
      } else if (ch === '\n') this.newline()
      else { if (this.c < this.cols) this.grid[this.r]![this.c] = ch; this.c++ }
    }
  }
  newline() { this.c = 0; if (this.r === this.rows - 1) { this.grid.shift(); this.grid.push(Array(this.cols).fill(' ')) } else this.r++ }
  text() { return this.grid.map((l) => l.join('').trimEnd()).join('\n') + `\n@${this.r},${this.c}` }
}

/** A fake TTY collecting writes into a Screen. */
function fakeTty(rows: number, cols: number) {
  const screen = new Screen(rows, cols)
  let bytes = 0
  const tty = Object.assign(new EventEmitter(), { isTTY: true, rows, columns: cols, write: (s: string) => { bytes += s.length; screen.apply(s); return true } })
  return { screen, tty: tty as unknown as NodeJS.WriteStream, bytes: () => bytes }
}

const eraseLines = (n: number) => { let s = ''; for (let i = 0; i < n; i++) s += '\u001B[2K' + (i < n - 1 ? '\u001B[1A' : ''); return n ? s + '\u001B[G' : '' }

/** Feeds frames as ink's standard mode writes them, to a raw TTY and through lineDiffStdout. */
function run(frames: string[][], rows = 24, cols = 40) {
  const raw = fakeTty(rows, cols)
  const viaDiff = fakeTty(rows, cols)
  const diff = lineDiffStdout(viaDiff.tty)
  let prevCount = 0
  const mismatches: number[] = []
  frames.forEach((lines, k) => {
    const str = lines.join('\n') + '\n'
    const write = eraseLines(prevCount) + str
    raw.tty.write(write)
    diff.write('\u001B[?25l') // interleaved cursor hide, as cli-cursor does
    diff.write(write)
    prevCount = str.split('\n').length
    if (raw.screen.text() !== viaDiff.screen.text()) mismatches.push(k)
  })
  return { mismatches, rawBytes: raw.bytes(), diffBytes: viaDiff.bytes(), stats: diff.stats, raw: raw.screen, via: viaDiff.screen }
}

t.test('a mostly static frame: same screen, far fewer bytes', async (t) => {
  const base = Array.from({ length: 20 }, (_, i) => `row ${i} ${'.'.repeat(20)}`)
  const frames = Array.from({ length: 50 }, (_, k) => base.map((l, i) => (i === k % 20 ? `row ${i} changed ${k}` : l)))
  const r = run(frames)
  t.same(r.mismatches, [], 'screens equal after every frame')
  t.ok(r.stats.diffed >= 48, `frames diffed: ${r.stats.diffed}`)
  t.ok(r.diffBytes * 5 < r.rawBytes, `bytes ${r.diffBytes} vs full redraw ${r.rawBytes}`)
})

t.test('random frames of changing height (property): the screen always matches a full redraw', async (t) => {
  const line = fc.stringMatching(/^[a-z .#]{0,30}$/)
  fc.assert(fc.property(fc.array(fc.array(line, { minLength: 0, maxLength: 22 }), { minLength: 1, maxLength: 25 }), (frames) => {
    const r = run(frames)
    return r.mismatches.length === 0
  }), { numRuns: 200 })
  t.pass('200 random frame sequences')
})

t.test('a resize makes the next frame a plain full redraw', async (t) => {
  const { tty } = fakeTty(24, 40)
  const d = lineDiffStdout(tty)
  let resized = 0
  d.on('resize', () => resized++)
  d.write('a\nb\n')
  d.write(eraseLines(3) + 'a\nc\n')
  t.equal(d.stats.diffed, 1)
  tty.emit('resize')
  t.equal(resized, 1, 'resize forwarded to ink')
  d.write(eraseLines(3) + 'a\nd\n')
  t.equal(d.stats.diffed, 1, 'not diffed right after a resize')
  d.write(eraseLines(3) + 'a\ne\n')
  t.equal(d.stats.diffed, 2, 'diffing resumes')
})
