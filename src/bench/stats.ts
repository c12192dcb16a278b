/**
 * The one median the benchmarks share (each reports medians of repeated rounds).
 *
 * @example
 * median([3, 1, 2])     // 2
 * median([4, 1, 3, 2])  // 3 (the upper middle one of an even count)
 * median([])            // 0
 */
export function median(a: readonly number[]): number {
  if (a.length === 0) return 0
  const s = [...a].sort((x, y) => x - y)
  return s[s.length >> 1]!
}
