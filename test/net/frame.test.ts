// Phoenix v2 frame parsing: valid frames round-trip, anything else is rejected with a reason (never a throw).
import t from 'tap'
import fc from 'fast-check'
import { encodeFrame, encodeReply, parseFrame } from '../../src/net/phoenix/frame.ts'

const ref = fc.option(fc.string({ maxLength: 20 }), { nil: null })
const name = fc.string({ minLength: 1, maxLength: 40 })
const payload = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))

t.test('encode then parse gives the same frame', async (t) => {
  fc.assert(fc.property(ref, ref, name, name, payload, (j, r, topic, event, p) => {
    const res = parseFrame(encodeFrame(j, r, topic, event, JSON.stringify(p)))
    if (!res.ok) return false
    const f = res.frame
    return f.joinRef === j && f.ref === r && f.topic === topic && f.event === event && JSON.stringify(f.payload) === JSON.stringify(JSON.parse(JSON.stringify(p)))
  }))
  t.pass('round trip holds')
})

t.test('arbitrary text never throws and non-frames are rejected', async (t) => {
  fc.assert(fc.property(fc.string(), (s) => {
    const r = parseFrame(s)
    return r.ok === false ? typeof r.reason === 'string' && r.reason.length > 0 : Array.isArray(JSON.parse(s))
  }))
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const r = parseFrame(JSON.stringify(v))
    if (!Array.isArray(v) || v.length !== 5) return r.ok === false
    return true
  }))
  t.pass('no throw')
})

t.test('specific malformed frames name what is wrong and keep a readable ref', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /not valid JSON/],
    ['{"a":1}', /JSON array/],
    ['[1,2,3]', /JSON array/],
    ['[null,"1","",  "x", {}]', /topic/],
    ['[null,"1","t", 5, {}]', /event/],
    ['[null,"1","t","e", [1]]', /payload/],
    ['[null,"1","t","e", null]', /payload/],
    ['[{},"1","t","e", {}]', /join_ref/],
  ]
  for (const [raw, re] of cases) {
    const r = parseFrame(raw)
    t.equal(r.ok, false, raw)
    if (!r.ok) t.match(r.reason, re, raw)
  }
  const r = parseFrame('[null,"7","world:main","e",[1]]')
  t.same(r.ok ? null : { ref: r.ref, topic: r.topic }, { ref: '7', topic: 'world:main' }, 'ref and topic recovered for an error reply')
  const num = parseFrame('[1,2,"t","e",{}]')
  t.same(num.ok && [num.frame.joinRef, num.frame.ref], ['1', '2'], 'numeric refs become strings')
})

t.test('replies have the phx_reply shape', async (t) => {
  t.same(JSON.parse(encodeReply('1', '2', 'phoenix', 'ok', {})), ['1', '2', 'phoenix', 'phx_reply', { status: 'ok', response: {} }])
})
