/**
 * Full-body overlays that replace the map while open: the `?` help (every key
 * from the key table, plus the map legend) and the recipe picker.
 */
import React from 'react'
import { Box, Text } from 'ink'
import { helpLines } from '../keys.ts'
import { LEGEND } from '../glyphs.ts'
import type { GameModel } from '../model.ts'
import { recipesFor, type UiState } from '../controller.ts'

export function HelpView({ width, height }: { width: number; height: number }) {
  const keys = helpLines()
  const inner = Math.max(1, height - 2)
  const innerW = width - 2
  const legend = LEGEND.map(([g, name]) => `${g} ${name}`).join('  ')
  const legendLines = Math.ceil(legend.length / innerW)
  // One column when everything fits; else two columns of keys, and the legend only if room is left.
  const cols = 1 + keys.length + legendLines <= inner ? 1 : 2
  const perCol = Math.ceil(keys.length / cols)
  const colW = Math.floor(innerW / cols)
  const keyW = Math.max(...keys.map(([k]) => k.length)) + 1
  const showLegend = 1 + perCol + legendLines <= inner
  const column = (part: Array<[string, string]>, c: number) => (
    <Box key={c} flexDirection="column" width={colW}>
      {part.map(([k, h], i) => (
        <Text key={i} wrap="truncate"><Text color="cyan">{k.padEnd(keyW)}</Text>{h}</Text>
      ))}
    </Box>
  )
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text bold wrap="truncate">keys (? or Esc closes){showLegend ? '' : '  — map legend: docs/TUI.md'}</Text>
      <Box flexDirection="row">
        {Array.from({ length: cols }, (_, c) => column(keys.slice(c * perCol, (c + 1) * perCol), c))}
      </Box>
      {showLegend ? <Text wrap="wrap" dimColor>{legend}</Text> : null}
    </Box>
  )
}

const fmt = (items: Record<string, number>) => Object.entries(items).map(([item, n]) => `${n} ${item}`).join(' + ')

export function RecipePicker({ model, ui, width, height }: { model: GameModel; ui: UiState; width: number; height: number; version: number }) {
  const cell = model.cells.get(ui.cursor)
  const options = cell?.structure ? recipesFor(model, cell.structure) : []
  // Scroll so the highlighted line stays visible in a short terminal.
  const visible = Math.max(1, height - 3)
  const first = Math.max(0, Math.min(ui.recipePick - visible + 1, options.length - visible))
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text bold wrap="truncate">{cell?.structure === 'storage' ? 'filter item' : 'recipe'} for the {cell?.structure ?? '?'} at cell {ui.cursor} (↑↓, Enter sets, Esc cancels)</Text>
      {options.slice(first, first + visible).map((r, row) => {
        const picked = first + row === ui.recipePick
        return (
          <Text key={r.name} wrap="truncate" inverse={picked}>
            {picked ? '> ' : '  '}{r.name}: {fmt(r.inputs) || '∅'} → {fmt(r.outputs)}{r.name === cell?.recipe ? '  (current)' : ''}
          </Text>
        )
      })}
    </Box>
  )
}
