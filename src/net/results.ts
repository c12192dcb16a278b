/**
 * The JSON text of an action's `action_result` payload and of the `phx_reply` response to an
 * `action` push, built from each outcome's JSON serialized ONCE (both carry it) instead of two
 * objects spread and serialized per action: a thousand actions a tick go through here. The text
 * is exactly what `JSON.stringify` of the objects gives (test/net/results.test.ts checks it);
 * shapes the fast path does not know fall back to that.
 *
 * @example
 * const oj = JSON.stringify(o)                     // o = { ok: false, code: 'HEXD_BAD_ACTION', reason: '…' }
 * actionResultJson(o, oj, 12, { ref: '7' })        // '{"tick":12,"ok":false,"code":"HEXD_BAD_ACTION","reason":"…","ref":"7"}'
 * actionReplyJson([o], [oj])                       // { status: 'error', json: '{"code":…,"reason":…,"results":[…]}' }
 */
import type { ActionOutcome } from './types.ts'

/** `JSON.stringify({ tick: o.tick ?? tick, ...o, ref?, key?, index? })`, from `oJson = JSON.stringify(o)`. */
export function actionResultJson(o: ActionOutcome, oJson: string, tick: number, tag: { ref?: string; key?: string }, index?: number): string {
  let head: string | null = null
  const t = (o as { tick?: unknown }).tick
  if (!('tick' in o) && oJson.length > 2 && Number.isFinite(tick)) head = `{"tick":${tick},${oJson.slice(1, -1)}`
  else if (o.ok === true && typeof t === 'number' && Number.isFinite(t) && oJson === `{"ok":true,"tick":${t}}`) head = `{"tick":${t},"ok":true`
  if (head === null) {
    return JSON.stringify({ tick: t ?? tick, ...o, ...(tag.ref !== undefined ? { ref: tag.ref } : {}), ...(tag.key !== undefined ? { key: tag.key } : {}), ...(index !== undefined ? { index } : {}) })
  }
  if (tag.ref !== undefined) head += `,"ref":${JSON.stringify(tag.ref)}`
  if (tag.key !== undefined) head += `,"key":${JSON.stringify(tag.key)}`
  if (index !== undefined) head += `,"index":${index}`
  return head + '}'
}

/**
 * The reply to an `action` push: `ok {tick, results}` when every action succeeded, else
 * `error {code, reason, tick, results}` naming the first failure. `tick` is the first outcome's, else
 * `batchTick` (the tick the batch went into: a rejected outcome carries none), left out when unknown.
 */
export function actionReplyJson(outs: ActionOutcome[], outsJson: string[], batchTick?: number): { status: 'ok' | 'error'; json: string } {
  const failed = outs.find((o) => !o.ok) as { code: unknown; reason: unknown } | undefined
  const tick = outs[0]?.tick ?? batchTick
  const results = `[${outsJson.join(',')}]`
  if (tick !== undefined && !(typeof tick === 'number' && Number.isFinite(tick))) {
    return failed
      ? { status: 'error', json: JSON.stringify({ code: failed.code, reason: failed.reason, tick, results: outs }) }
      : { status: 'ok', json: JSON.stringify({ tick, results: outs }) }
  }
  const tickPart = tick === undefined ? '' : `"tick":${tick},`
  if (!failed) return { status: 'ok', json: `{${tickPart}"results":${results}}` }
  if (typeof failed.code !== 'string' || typeof failed.reason !== 'string') {
    return { status: 'error', json: JSON.stringify({ code: failed.code, reason: failed.reason, tick, results: outs }) }
  }
  return { status: 'error', json: `{"code":${JSON.stringify(failed.code)},"reason":${JSON.stringify(failed.reason)},${tickPart}"results":${results}}` }
}
