/**
 * The hex map: one ink <Text> line per screen row, odd rows shifted half a
 * cell right, each cell a glyph + a gap column. Consecutive cells of the same
 * style are merged into one run, and each row is memoised on a signature of
 * its runs, so React re-renders only the rows whose cells changed.
 */
import React, { memo } from 'react'
import { Box, Text } from 'ink'
import { cellStyle, type CellStyle } from '../glyphs.ts'
import { screenStep, type LocalView } from '../layout.ts'
import type { GameModel } from '../model.ts'
import type { Geo } from '../types.ts'

type RunStyle = Omit<CellStyle, 'ch'>
interface Run { text: string; style: RunStyle }

/** Screen direction (0..5) from cell a to its neighbour b, when both are on screen. */
export function screenDirBetween(view: LocalView, a: number, b: number): number | undefined {
  const pa = view.where(a)
  const pb = view.where(b)
  if (!pa || !pb) return undefined
  for (let d = 0; d < 6; d++) {
    const [r, c] = screenStep(pa[0], pa[1], d)
    if (r === pb[0] && c === pb[1]) return d
  }
  return undefined
}

/** Cells where online players stand ('me' wins over others on a shared cell). */
export function playersByCell(model: GameModel): Map<number, 'me' | 'other'> {
  const standing = new Map<number, 'me' | 'other'>()
  for (const p of model.players) if (p.online) standing.set(p.position, p.id === model.meId ? 'me' : standing.get(p.position) ?? 'other')
  return standing
}

const sameStyle = (a: RunStyle, b: RunStyle) =>
  a.color === b.color && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.inverse === b.inverse && a.underline === b.underline

/** Computes the styled runs of one screen row. Exported for tests. */
export function rowRuns(view: LocalView, row: number, model: GameModel, geo: Geo, cursor: number, standing = playersByCell(model)): Run[] {
  const me = model.me
  const runs: Run[] = []
  const push = (text: string, style: RunStyle) => {
    const last = runs[runs.length - 1]
    if (last && sameStyle(last.style, style)) last.text += text
    else runs.push({ text, style })
  }
  if (row & 1) push(' ', {})
  for (let col = 0; col < view.cols; col++) {
    const id = view.at(row, col)
    let style: CellStyle
    if (id < 0) style = { ch: ' ' }
    else {
      const cell = model.cells.get(id)
      let screenDir: number | undefined
      if (cell?.structure && cell.dir !== undefined) {
        const nb = geo.neighbors(id)[cell.dir]
        if (nb !== undefined) screenDir = screenDirBetween(view, id, nb)
      }
      style = cellStyle(cell, { meIndex: me?.index, screenDir, player: standing.get(id) })
    }
    if (id === cursor && id >= 0) {
      // The cursor: the cell inverted, with brackets in the gap columns around it.
      const last = runs[runs.length - 1]
      if (last && last.text.endsWith(' ')) { last.text = last.text.slice(0, -1); if (!last.text) runs.pop(); push('[', { bold: true, color: 'yellowBright' }) }
      push(style.ch, { ...style, inverse: true })
      push(']', { bold: true, color: 'yellowBright' })
    } else {
      const { ch, ...glyph } = style
      push(ch, glyph)
      // The gap column takes the glyph's colours (a space shows only its
      // background), so a stretch of same-looking cells is one styled run:
      // far fewer escape codes per frame, and territory shades as a band.
      push(' ', { color: glyph.color, bg: glyph.bg, dim: glyph.dim, bold: glyph.bold })
    }
  }
  return runs
}

const Row = memo(function Row({ runs }: { sig: string; runs: Run[] }) {
  return (
    <Text wrap="truncate">
      {runs.map((r, i) => (
        <Text key={i} color={r.style.color} backgroundColor={r.style.bg} bold={r.style.bold} dimColor={r.style.dim} inverse={r.style.inverse} underline={r.style.underline}>{r.text}</Text>
      ))}
    </Text>
  )
}, (a, b) => a.sig === b.sig)

export interface MapViewProps {
  view: LocalView
  model: GameModel
  geo: Geo
  cursor: number
  /** Changes whenever the model changed (forces the row signatures to be recomputed). */
  version: number
}

/** The map panel. Height = view.rows lines, width = 2 * view.cols + 1 columns. */
export function MapView({ view, model, geo, cursor }: MapViewProps) {
  const rows: React.ReactNode[] = []
  const standing = playersByCell(model)
  for (let row = 0; row < view.rows; row++) {
    const runs = rowRuns(view, row, model, geo, cursor, standing)
    const sig = runs.map((r) => `${r.text}\u0001${r.style.color}|${r.style.bg}|${r.style.bold ? 1 : 0}${r.style.dim ? 1 : 0}${r.style.inverse ? 1 : 0}${r.style.underline ? 1 : 0}`).join('\u0002')
    rows.push(<Row key={row} sig={sig} runs={runs} />)
  }
  return <Box flexDirection="column" width={view.cols * 2 + 2} flexShrink={0}>{rows}</Box>
}
