/**
 * Hashing for determinism: the counter-based random numbers the rules use, the
 * 64-bit chunk hash, and the hash tree folding chunk hashes into the world
 * hash. All 32-bit integer arithmetic (Math.imul, >>>), no BigInt, so the C++
 * port is a transcription (uint32_t, wrapping multiply). docs/RULES.md gives
 * the exact definitions.
 */

const C1 = 0xcc9e2d51
const C2 = 0x1b873593

/** Rotate a u32 left by r bits. */
export function rotl32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0
}

/**
 * One murmur3_32 body step: mixes the u32 word `k` into the state `h`.
 * @example step32(0, 1) // a u32
 */
export function step32(h: number, k: number): number {
  k = Math.imul(k, C1)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, C2)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0
}

/** murmur3's fmix32 finaliser (a bijection on u32). */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Low 32 bits of a non-negative safe integer (exact for ids up to 2^53). */
export const lo32 = (x: number): number => x >>> 0
/** High bits (above 32) of a non-negative safe integer. */
export const hi32 = (x: number): number => Math.floor(x / 4294967296) >>> 0

/**
 * The rules' random number: a u32 that is a pure function of (seed, tick,
 * cell, salt). rand = fmix32(step(step(step(step(step(seedLo ^ salt·0x9E3779B9,
 * seedHi), tickLo), cellLo), cellHi), 0) ^ 20).
 * @example rand32(1, 0, 5, 123, 0, 1) % 8 // 0..7, same on every run
 */
export function rand32(seedLo: number, seedHi: number, tick: number, cellLo: number, cellHi: number, salt: number): number {
  let h = (seedLo ^ Math.imul(salt, 0x9e3779b9)) >>> 0
  h = step32(h, seedHi)
  h = step32(h, tick >>> 0)
  h = step32(h, cellLo)
  h = step32(h, cellHi)
  return fmix32(h ^ 20)
}

/**
 * A streaming 64-bit hash over u32 words: two murmur3_32 lanes with different
 * seeds (lane A sees w, lane B sees w ^ 0x9E3779B9), finalised with the word
 * count and cross-mixed. Used for chunks, tree nodes, players and the world.
 * @example const h = new Hash64(); h.word(1); h.word(2); h.hex() // 16 hex chars
 */
export class Hash64 {
  a = 0x243f6a88
  b = 0x85a308d3
  n = 0
  /** Mixes one u32 word. */
  word(w: number): void {
    this.a = step32(this.a, w >>> 0)
    this.b = step32(this.b, (w ^ 0x9e3779b9) >>> 0)
    this.n++
  }
  /** Mixes a non-negative safe integer as two words (low, high). */
  int(x: number): void {
    this.word(lo32(x))
    this.word(hi32(x))
  }
  /** Mixes a string as its UTF-16 code units, preceded by its length. */
  str(s: string): void {
    this.word(s.length)
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i))
  }
  /** Final [lo, hi] halves. Does not reset the state. */
  digest(): [number, number] {
    let a = fmix32((this.a ^ this.n) >>> 0)
    let b = fmix32((this.b ^ Math.imul(this.n, 0x9e3779b9)) >>> 0)
    a = (a + b) >>> 0
    b = (b + a) >>> 0
    return [a, b]
  }
  /** Final value as 16 hex chars, high half first. */
  hex(): string {
    const [lo, hi] = this.digest()
    return toHex(lo, hi)
  }
}

/** 16 lower-case hex chars for a (lo, hi) 64-bit value, high half first. */
export function toHex(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0')
}

/**
 * Folds (chunk id, chunk hash) leaves into one root: leaves sorted by chunk id
 * become Hash64(chunkLo, chunkHi, hashLo, hashHi); then each level pairs
 * neighbours left to right into Hash64(l.lo, l.hi, r.lo, r.hi), an odd last
 * node moving up unchanged, until one node is left. No leaves: (0, 0).
 * @example hashTree([{ chunk: 0, lo: 1, hi: 2 }]) // [lo, hi]
 */
export function hashTree(leaves: ReadonlyArray<{ chunk: number; lo: number; hi: number }>): [number, number] {
  const sorted = [...leaves].sort((x, y) => x.chunk - y.chunk)
  let level: Array<[number, number]> = sorted.map((l) => {
    const h = new Hash64()
    h.int(l.chunk)
    h.word(l.lo)
    h.word(l.hi)
    return h.digest()
  })
  if (level.length === 0) return [0, 0]
  while (level.length > 1) {
    const up: Array<[number, number]> = []
    for (let k = 0; k + 1 < level.length; k += 2) {
      const h = new Hash64()
      h.word(level[k][0]); h.word(level[k][1]); h.word(level[k + 1][0]); h.word(level[k + 1][1])
      up.push(h.digest())
    }
    if (level.length % 2 === 1) up.push(level[level.length - 1])
    level = up
  }
  return level[0]
}
