// The kernel's constants header is generated from the TS engine; a stale
// committed copy (the engine changed a number) fails here.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { HEADER_PATH, headerText } from '../../src/native/gen-header.ts'

t.equal(readFileSync(HEADER_PATH, 'utf8'), headerText(), 'src/native/cc/engine_gen.h matches the engine (regenerate: node --import tsx src/native/gen-header.ts)')

// The flat LAYOUT object keeps the plane count apart from the COUNT plane
// (it once read P8_COUNT = 6, the COUNT plane, instead of 12 planes).
import { LAYOUT, P8, P8_COUNT, P16, P16_COUNT } from '../../src/engine/layout.ts'
t.equal(LAYOUT.P8_COUNT, P8_COUNT, 'LAYOUT.P8_COUNT is the number of u8 planes')
t.equal(LAYOUT.P8_COUNT, Object.keys(P8).length)
t.equal(LAYOUT.P16_COUNT, P16_COUNT)
t.equal(LAYOUT.PL8_COUNT, P8.COUNT, 'the COUNT plane is PL8_COUNT')
t.equal(LAYOUT.PL16_STOCK, P16.STOCK)
