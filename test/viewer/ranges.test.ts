// Partial uploads (viewer/src/ranges.ts): ranges sorted and merged, many ranges become one.
import t from 'tap'
import { coalesce } from '../../viewer/src/ranges.ts'

t.test('coalesce: sorted, merged across small gaps, capped', async (t) => {
  t.same(coalesce([]), [])
  t.same(coalesce([[40, 21], [0, 21], [21, 21]], 0), [[0, 61]], 'touching and overlapping ranges merge')
  t.same(coalesce([[0, 3], [10, 3]], 4), [[0, 3], [10, 3]], 'a gap of 7 > 4 stays apart')
  t.same(coalesce([[0, 3], [10, 3]], 7), [[0, 13]], 'a gap of 7 <= 7 merges')
  t.same(coalesce([[5, 10], [6, 2]]), [[5, 10]], 'a range inside another')
  t.same(coalesce([[0, 1], [10, 1], [20, 1]], 0, 2), [[0, 21]], 'over maxRanges: one covering range')
  const input: Array<[number, number]> = [[9, 1], [0, 1]]
  coalesce(input)
  t.same(input, [[9, 1], [0, 1]], 'the input is not changed')
  t.throws(() => coalesce([[0, 1]], -1), /gap must be >= 0/)
  t.throws(() => coalesce([[0, 1]], 0, 0), /maxRanges >= 1/)
})
