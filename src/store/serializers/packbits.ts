/**
 * PackBits run-length coding (the TIFF/Apple scheme): a control byte c, then
 * c+1 literal bytes when c < 128, or one byte repeated 257-c times when c > 128
 * (128 is unused). Chunk planes are long runs of one value (terrain, empty
 * structure planes), so this shrinks them several-fold at memcpy-like speed.
 */

/** Encodes `src` with PackBits. */
export function packbits(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length + Math.ceil(src.length / 128) + 1)
  let o = 0, i = 0
  const n = src.length
  while (i < n) {
    // A run of at least 3 equal bytes is worth a repeat packet.
    let run = 1
    while (i + run < n && run < 128 && src[i + run] === src[i]) run++
    if (run >= 3) {
      out[o++] = 257 - run
      out[o++] = src[i]
      i += run
      continue
    }
    // Otherwise collect literals until the next run of 3 (or 128 bytes).
    const start = i
    while (i < n && i - start < 128) {
      if (i + 2 < n && src[i] === src[i + 1] && src[i] === src[i + 2]) break
      i++
    }
    out[o++] = i - start - 1
    out.set(src.subarray(start, i), o)
    o += i - start
  }
  return out.slice(0, o)
}

/** Decodes PackBits `src` into exactly `length` bytes; throws when it does not fit. */
export function unpackbits(src: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length)
  let o = 0, i = 0
  while (i < src.length) {
    const c = src[i++]
    if (c < 128) {
      const len = c + 1
      if (o + len > length || i + len > src.length) throw new RangeError('packbits literal overruns')
      out.set(src.subarray(i, i + len), o)
      i += len; o += len
    } else if (c > 128) {
      const len = 257 - c
      if (o + len > length || i >= src.length) throw new RangeError('packbits run overruns')
      out.fill(src[i++], o, o + len)
      o += len
    }
  }
  if (o !== length) throw new RangeError(`packbits decoded ${o} bytes, expected ${length}`)
  return out
}
