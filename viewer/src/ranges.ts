/**
 * Which parts of a vertex attribute to upload after some cells changed: their float ranges,
 * sorted and merged when they touch or nearly do, so a frame uploads what changed (a few
 * `bufferSubData` calls) instead of the whole attribute. Pure.
 *
 * @example
 * coalesce([[40, 21], [0, 21], [21, 21]], 8)   // => [[0, 61]] (touching and overlapping ranges merge)
 */

/** A range of an array: [first index, count]. */
export type Range = [number, number]

/**
 * Sorts `ranges` and merges those separated by at most `gap` elements. When more than `maxRanges`
 * remain, returns the one range that covers them all (fewer calls beat fewer bytes by then).
 * @example coalesce([[0, 3], [10, 3]], 4) // => [[0, 3], [10, 3]]
 */
export function coalesce(ranges: Range[], gap = 0, maxRanges = 64): Range[] {
  if (!(gap >= 0) || !(maxRanges >= 1)) throw new Error(`gap must be >= 0 and maxRanges >= 1, got ${gap}, ${maxRanges}`)
  if (ranges.length === 0) return []
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: Range[] = [[sorted[0][0], sorted[0][1]]]
  for (let i = 1; i < sorted.length; i++) {
    const last = out[out.length - 1]
    const [start, count] = sorted[i]
    if (start <= last[0] + last[1] + gap) last[1] = Math.max(last[1], start + count - last[0])
    else out.push([start, count])
  }
  if (out.length <= maxRanges) return out
  const end = out[out.length - 1][0] + out[out.length - 1][1]
  return [[out[0][0], end - out[0][0]]]
}
