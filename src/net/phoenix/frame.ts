/**
 * Phoenix Channels v2 JSON frames: `[join_ref, ref, topic, event, payload]`.
 * Parsing is strict (exact shape and types) and never throws: it returns a
 * readable error instead, so a malformed frame gets a clear answer and the
 * connection survives. Encoding takes the payload as an already-serialized
 * JSON string, so a diff shared by many sessions is serialized once.
 *
 * @example
 * parseFrame('["1","1","world:main","phx_join",{}]')
 * // => { ok: true, frame: { joinRef: '1', ref: '1', topic: 'world:main', event: 'phx_join', payload: {} } }
 * encodeFrame(null, null, 'world:main', 'diff', '{"seq":3}') // => '[null,null,"world:main","diff",{"seq":3}]'
 */

export interface Frame {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  payload: Record<string, unknown>
}

export type ParseResult =
  | { ok: true; frame: Frame }
  /** `ref`/`topic`/`joinRef` are set when they could be read, so the error can be a reply. */
  | { ok: false; reason: string; ref?: string; topic?: string; joinRef?: string | null }

const MAX_FIELD = 255 // Phoenix's own limit for refs, topics and events

function isRef(v: unknown): v is string | null {
  return v === null || (typeof v === 'string' && v.length <= MAX_FIELD)
}

/** An error result with what could be read, so the error can be a reply (built on the error path only). */
function failure(reason: string, joinRef: unknown, ref: unknown, topic: unknown): ParseResult {
  return {
    ok: false, reason,
    ...(typeof ref === 'string' ? { ref } : {}),
    ...(typeof topic === 'string' ? { topic } : {}),
    ...(isRef(joinRef) ? { joinRef } : {}),
  }
}

/** Parses one text frame. Numbers are accepted as refs (some clients send them) and turned into strings. */
export function parseFrame(raw: string): ParseResult {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { ok: false, reason: 'frame is not valid JSON' }
  }
  if (!Array.isArray(value) || value.length !== 5) {
    return { ok: false, reason: 'frame must be a JSON array [join_ref, ref, topic, event, payload]' }
  }
  let [joinRef, ref, topic, event, payload] = value as unknown[]
  if (typeof joinRef === 'number') joinRef = String(joinRef)
  if (typeof ref === 'number') ref = String(ref)
  if (!isRef(joinRef)) return failure('join_ref must be a string or null', joinRef, ref, topic)
  if (!isRef(ref)) return failure('ref must be a string or null', joinRef, ref, topic)
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_FIELD) {
    return failure('topic must be a non-empty string of at most 255 chars', joinRef, ref, topic)
  }
  if (typeof event !== 'string' || event.length === 0 || event.length > MAX_FIELD) {
    return failure('event must be a non-empty string of at most 255 chars', joinRef, ref, topic)
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return failure('payload must be a JSON object', joinRef, ref, topic)
  }
  return { ok: true, frame: { joinRef, ref, topic, event, payload: payload as Record<string, unknown> } }
}

/**
 * Topics and events as JSON strings, memoized: a few names (world:main, player:<id>, diff,
 * phx_reply…) are encoded tens of thousands of times a second. Dropped if it ever grows large.
 */
const quoted = new Map<string, string>()
function quote(s: string): string {
  let q = quoted.get(s)
  if (q === undefined) {
    if (quoted.size > 8192) quoted.clear()
    quoted.set(s, (q = JSON.stringify(s)))
  }
  return q
}

/** Encodes a frame whose payload is already JSON text. */
export function encodeFrame(joinRef: string | null, ref: string | null, topic: string, event: string, payloadJson: string): string {
  return `[${JSON.stringify(joinRef)},${JSON.stringify(ref)},${quote(topic)},${quote(event)},${payloadJson}]`
}

/** Encodes a `phx_reply` for `ref` with `status` ('ok' | 'error') and a response object. */
export function encodeReply(joinRef: string | null, ref: string | null, topic: string, status: 'ok' | 'error', response: unknown): string {
  return encodeReplyJson(joinRef, ref, topic, status, JSON.stringify(response))
}

/** Encodes a `phx_reply` whose response is already JSON text. */
export function encodeReplyJson(joinRef: string | null, ref: string | null, topic: string, status: 'ok' | 'error', responseJson: string): string {
  return encodeFrame(joinRef, ref, topic, 'phx_reply', `{"status":"${status}","response":${responseJson}}`)
}
