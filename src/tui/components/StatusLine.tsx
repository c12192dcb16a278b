/**
 * The top status line (tick, UPS, latency, connection state, player) and the
 * bottom message line (the last notice; rejected actions in red with their reason).
 */
import React from 'react'
import { Box, Text } from 'ink'
import type { GameModel } from '../model.ts'

const CONN_COLOR: Record<string, string> = { online: 'green', local: 'green', connecting: 'yellow', reconnecting: 'yellow', offline: 'red' }

/** Text of the status line (exported for tests). */
export function statusText(model: GameModel): { left: string; conn: string; right: string } {
  const s = model.status
  const lat = s.latencyMs === undefined ? '–' : `${Math.round(s.latencyMs)}ms`
  // Most important first: what is cut at 80 columns is the URL at the end.
  return {
    left: `hexd  tick ${s.tick}  ${s.ups.toFixed(1)} UPS  latency ${lat}  `,
    conn: s.conn,
    right: `${model.me ? `  you: ${model.me.name}` : ''}  ? help${s.detail ? '  ' + s.detail : ''}`,
  }
}

export function StatusLine({ model, width }: { model: GameModel; width: number; version: number }) {
  const t = statusText(model)
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text bold>{t.left}</Text>
        <Text color={CONN_COLOR[t.conn] ?? 'white'}>{t.conn}</Text>
        <Text dimColor>{t.right}</Text>
      </Text>
    </Box>
  )
}

export function MessageLine({ model, width }: { model: GameModel; width: number; version: number }) {
  const n = model.notice
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate" color={n?.error ? 'red' : 'white'}>{n ? n.text : ' '}</Text>
    </Box>
  )
}
