// The action_result and action-reply JSON built from each outcome's JSON equals JSON.stringify of the objects.
import t from 'tap'
import fc from 'fast-check'
import { actionReplyJson, actionResultJson } from '../../src/net/results.ts'
import type { ActionOutcome } from '../../src/net/types.ts'

const okOutcome = fc.record({ ok: fc.constant(true as const), tick: fc.integer({ min: 0, max: 2 ** 40 }) })
const badOutcome = fc.record({ ok: fc.constant(false as const), code: fc.string(), reason: fc.string(), field: fc.option(fc.string(), { nil: undefined }), tick: fc.option(fc.integer({ min: 0 }), { nil: undefined }) }, { requiredKeys: ['ok', 'code', 'reason'] })
const outcome = fc.oneof(okOutcome, badOutcome) as fc.Arbitrary<ActionOutcome>
const tag = fc.record({ ref: fc.option(fc.string(), { nil: undefined }), key: fc.option(fc.string(), { nil: undefined }) })

/** What the hub and the connection built before (objects spread, then serialized). */
function resultRef(o: ActionOutcome, tick: number, tg: { ref?: string; key?: string }, index?: number): string {
  return JSON.stringify({ tick: (o as { tick?: number }).tick ?? tick, ...o, ...(tg.ref !== undefined ? { ref: tg.ref } : {}), ...(tg.key !== undefined ? { key: tg.key } : {}), ...(index !== undefined ? { index } : {}) })
}
function replyRef(outs: ActionOutcome[], batchTick?: number): { status: string; json: string } {
  const failed = outs.find((o) => !o.ok) as { code: string; reason: string } | undefined
  const tick = outs[0]?.tick ?? batchTick
  return failed ? { status: 'error', json: JSON.stringify({ code: failed.code, reason: failed.reason, tick, results: outs }) } : { status: 'ok', json: JSON.stringify({ tick, results: outs }) }
}

t.test('action_result text is exactly the serialized object', async (t) => {
  fc.assert(fc.property(outcome, fc.integer({ min: 0, max: 2 ** 40 }), tag, fc.option(fc.nat(63), { nil: undefined }), (o, tick, tg, index) =>
    actionResultJson(o, JSON.stringify(o), tick, tg, index) === resultRef(o, tick, tg, index)))
  t.equal(actionResultJson({ ok: false, code: 'HEXD_BAD_ACTION', reason: 'taken' } as ActionOutcome, '{"ok":false,"code":"HEXD_BAD_ACTION","reason":"taken"}', 9, { ref: '3' }),
    '{"tick":9,"ok":false,"code":"HEXD_BAD_ACTION","reason":"taken","ref":"3"}')
  t.equal(actionResultJson({ ok: true, tick: 4 }, '{"ok":true,"tick":4}', 4, {}), '{"tick":4,"ok":true}')
})

t.test('the action reply is exactly the serialized response', async (t) => {
  fc.assert(fc.property(fc.array(outcome, { minLength: 1, maxLength: 5 }), fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }), (outs, batchTick) => {
    const got = actionReplyJson(outs, outs.map((o) => JSON.stringify(o)), batchTick)
    const want = replyRef(outs, batchTick)
    return got.status === want.status && got.json === want.json
  }))
  t.pass('same text')
  const rejected = { ok: false, code: 'HEXD_CELL_TAKEN', reason: 'taken' } as ActionOutcome
  t.equal(actionReplyJson([rejected], [JSON.stringify(rejected)], 12).json, '{"code":"HEXD_CELL_TAKEN","reason":"taken","tick":12,"results":[{"ok":false,"code":"HEXD_CELL_TAKEN","reason":"taken"}]}',
    'a rejected action\'s reply names the tick its batch went into')
})
