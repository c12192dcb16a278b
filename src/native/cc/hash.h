// The engine's hashes (src/engine/hash.ts, slot.ts chunkHashOf): the rules'
// counter-based random numbers, the streaming 64-bit Hash64 and the chunk
// hash. 32-bit wrapping arithmetic, transcribed from the TS.
#pragma once
#include <cstdint>
#include <cstring>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine_gen.h"

namespace hexd {
namespace rules {

using namespace eng;

// One copy of one slot: U8 planes then U16 planes, AREA positions each.
struct Planes {
  uint8_t* all;
  inline uint8_t* p8(uint32_t p) const { return all + p * AREA; }
  inline uint16_t* p16(uint32_t p) const { return reinterpret_cast<uint16_t*>(all + P8_COUNT * AREA) + p * AREA; }
};

// ---- hash.ts ---------------------------------------------------------------
inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
inline uint32_t step32(uint32_t h, uint32_t k) {
  k *= 0xcc9e2d51u;
  k = rotl32(k, 15);
  k *= 0x1b873593u;
  h ^= k;
  h = rotl32(h, 13);
  return h * 5u + 0xe6546b64u;
}
inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}
// rand32's state after (salt, seed, tick): constant for a whole tick, so a
// phase computes it once and finishes each cell with rand32From.
inline uint32_t rand32Prefix(uint32_t seedLo, uint32_t seedHi, uint32_t tick, uint32_t salt) {
  return step32(step32(seedLo ^ (salt * 0x9e3779b9u), seedHi), tick);
}
inline uint32_t rand32From(uint32_t prefix, uint32_t cellLo, uint32_t cellHi) {
  return fmix32(step32(step32(prefix, cellLo), cellHi) ^ 20u);
}
inline uint32_t rand32(uint32_t seedLo, uint32_t seedHi, uint32_t tick, uint32_t cellLo, uint32_t cellHi, uint32_t salt) {
  uint32_t h = seedLo ^ (salt * 0x9e3779b9u);
  h = step32(h, seedHi);
  h = step32(h, tick);
  h = step32(h, cellLo);
  h = step32(h, cellHi);
  return fmix32(h ^ 20u);
}
struct Hash64 {
  uint32_t a = 0x243f6a88u, b = 0x85a308d3u, n = 0;
  inline void word(uint32_t w) {
    a = step32(a, w);
    b = step32(b, w ^ 0x9e3779b9u);
    n++;
  }
  inline void digest(uint32_t& lo, uint32_t& hi) const {
    uint32_t x = fmix32(a ^ n);
    uint32_t y = fmix32(b ^ (n * 0x9e3779b9u));
    x = x + y;
    y = y + x;
    lo = x;
    hi = y;
  }
};

// chunkHashOf (slot.ts): 64 independent murmur3 lanes, lane 16·k + (j mod 16)
// takes word k of each cell of column class j mod 16, then Hash64 folds
// (chunk id, rows, cols, lanes). A block of 16 columns is one 16-wide step per
// word kind, written with GCC vector extensions so it is SIMD whatever the
// auto-vectoriser decides, and the four word kinds are independent dependency
// chains. The step vector (HashV) is one register: with AVX-512F 16 lanes,
// else 8 lanes (HASH_VECS = 2 per block); a 64-byte GCC vector without
// AVX-512 lives in memory and the loop-carried state went through 16-byte
// stores and 32-byte reloads (failed store forwarding every step).
constexpr uint32_t HASH_LANES = 64;
typedef uint32_t V16u __attribute__((vector_size(64)));
typedef uint32_t V8u __attribute__((vector_size(32)));
typedef uint16_t V16h __attribute__((vector_size(32)));
typedef uint16_t V8h __attribute__((vector_size(16)));
typedef uint8_t V16b __attribute__((vector_size(16)));
typedef uint8_t V8b __attribute__((vector_size(8)));
// 16 (AVX-512F) or 8 bytes / u16 at p (unaligned) widened to 32-bit lanes.
// With AVX-512 by the widening-load instructions (maskz forms: GCC 12 warns
// on the unmasked ones); GCC 12 compiles __builtin_convertvector
// from 8 to 32 bits into per-byte scalar code (~5x slower chunk hash).
#ifdef __AVX512F__
typedef V16u HashV;
inline V16u load8(const uint8_t* p) {
  const __m512i v = _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  V16u r;
  memcpy(&r, &v, 64);
  return r;
}
inline V16u load16(const uint16_t* p) {
  const __m512i v = _mm512_maskz_cvtepu16_epi32(0xFFFF, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  V16u r;
  memcpy(&r, &v, 64);
  return r;
}
#elif defined(HEXD_WIDE_LANES)
// The AVX-512 shape on any CPU, for tests (see lanes.h); slow, not for use.
typedef V16u HashV;
inline V16u load8(const uint8_t* p) { V16b b; memcpy(&b, p, 16); return __builtin_convertvector(b, V16u); }
inline V16u load16(const uint16_t* p) { V16h b; memcpy(&b, p, 32); return __builtin_convertvector(b, V16u); }
#elif defined(__AVX2__)
typedef V8u HashV;
// AVX2: the 8-lane widening loads, for the same reason.
inline V8u fromM256(__m256i v) {
  V8u r;
  memcpy(&r, &v, 32);
  return r;
}
inline V8u load8(const uint8_t* p) { return fromM256(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))); }
inline V8u load16(const uint16_t* p) { return fromM256(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))); }
#else
typedef V8u HashV;
inline V8u load8(const uint8_t* p) { V8b b; memcpy(&b, p, 8); return __builtin_convertvector(b, V8u); }
inline V8u load16(const uint16_t* p) { V8h b; memcpy(&b, p, 16); return __builtin_convertvector(b, V8u); }
#endif
constexpr uint32_t HASH_PER = sizeof(HashV) / 4, HASH_VECS = 16 / HASH_PER;
inline HashV vstep32(HashV h, HashV k) {
  k *= 0xcc9e2d51u;
  k = (k << 15) | (k >> 17);
  k *= 0x1b873593u;
  h ^= k;
  h = (h << 13) | (h >> 19);
  return h * 5u + 0xe6546b64u;
}
// Lanes 16..63 (words 1-3: dir, item, count, progress, recipe, inA, inB,
// power, owner, stock) do not read terrain, res, amt or struct: the kernel
// keeps their final states per slot (`rest`, 48 words) while none of those
// planes changes, and then hashes word 0 only (4 planes of 14; sixth pass).
// All = true: every lane, storing lanes 16..63 into `rest` when given; false:
// word 0's lanes, the others taken from `rest`.
template <bool All>
inline void chunkHashT(const Planes& p, const uint32_t* hdr, uint32_t& lo, uint32_t& hi, uint32_t* rest) {
  alignas(64) uint32_t s[HASH_LANES];
  for (uint32_t l = 0; l < HASH_LANES; l++) s[l] = 0x243f6a88u + l * 0x9e3779b9u;
  const uint32_t rows = hdr[SH_ROWS], cols = hdr[SH_COLS];
  const uint8_t *terrain = p.p8(PL8_TERRAIN), *res = p.p8(PL8_RES), *amt = p.p8(PL8_AMT), *st = p.p8(PL8_STRUCT);
  const uint8_t *dir = p.p8(PL8_DIR), *item = p.p8(PL8_ITEM), *count = p.p8(PL8_COUNT), *progress = p.p8(PL8_PROGRESS);
  const uint8_t *recipe = p.p8(PL8_RECIPE), *inA = p.p8(PL8_INA), *inB = p.p8(PL8_INB), *power = p.p8(PL8_POWER);
  const uint16_t *owner = p.p16(PL16_OWNER), *stock = p.p16(PL16_STOCK);
  // sv[k][v]: word kind k's lanes 16·k + HASH_PER·v .. + HASH_PER - 1.
  HashV sv[4][HASH_VECS];
  const auto toArray = [&] {
    for (uint32_t k = 0; k < 4; k++)
      for (uint32_t v = 0; v < HASH_VECS; v++) memcpy(s + 16 * k + HASH_PER * v, &sv[k][v], sizeof(HashV));
  };
  const auto fromArray = [&] {
    for (uint32_t k = 0; k < 4; k++)
      for (uint32_t v = 0; v < HASH_VECS; v++) memcpy(&sv[k][v], s + 16 * k + HASH_PER * v, sizeof(HashV));
  };
  fromArray();
  const uint32_t full = cols & ~15u;
  for (uint32_t i = 0; i < rows; i++) {
    const uint32_t row = (i + 1) * STRIDE + 1;
    for (uint32_t j = 0; j < full; j += 16) {
      for (uint32_t v = 0; v < HASH_VECS; v++) {
        const uint32_t q = row + j + HASH_PER * v;
        sv[0][v] = vstep32(sv[0][v], load8(terrain + q) | (load8(res + q) << 8) | (load8(amt + q) << 16) | (load8(st + q) << 24));
        if (!All) continue;
        sv[1][v] = vstep32(sv[1][v], load8(dir + q) | (load8(item + q) << 8) | (load8(count + q) << 16) | (load8(progress + q) << 24));
        sv[2][v] = vstep32(sv[2][v], load8(recipe + q) | (load8(inA + q) << 8) | (load8(inB + q) << 16) | (load8(power + q) << 24));
        sv[3][v] = vstep32(sv[3][v], load16(owner + q) | (load16(stock + q) << 16));
      }
    }
    if (full < cols) {  // a partial block (chunks whose width is not a multiple of 16), in row order
      toArray();
      for (uint32_t j = full; j < cols; j++) {
        const uint32_t q = row + j, l = j & 15;
        s[l] = step32(s[l], uint32_t(terrain[q]) | (uint32_t(res[q]) << 8) | (uint32_t(amt[q]) << 16) | (uint32_t(st[q]) << 24));
        if (!All) continue;
        s[16 + l] = step32(s[16 + l], uint32_t(dir[q]) | (uint32_t(item[q]) << 8) | (uint32_t(count[q]) << 16) | (uint32_t(progress[q]) << 24));
        s[32 + l] = step32(s[32 + l], uint32_t(recipe[q]) | (uint32_t(inA[q]) << 8) | (uint32_t(inB[q]) << 16) | (uint32_t(power[q]) << 24));
        s[48 + l] = step32(s[48 + l], uint32_t(owner[q]) | (uint32_t(stock[q]) << 16));
      }
      fromArray();
    }
  }
  toArray();
  if (All && rest) memcpy(rest, s + 16, 48 * 4);
  if (!All) memcpy(s + 16, rest, 48 * 4);
  Hash64 h;
  h.word(hdr[SH_CHUNK_LO]);
  h.word(hdr[SH_CHUNK_HI]);
  h.word(rows);
  h.word(cols);
  for (uint32_t l = 0; l < HASH_LANES; l++) h.word(s[l]);
  h.digest(lo, hi);
}
inline void chunkHash(const Planes& p, const uint32_t* hdr, uint32_t& lo, uint32_t& hi) { chunkHashT<true>(p, hdr, lo, hi, nullptr); }
// With the slot's kept lanes: `restOk` says `rest` holds lanes 16..63 of the
// slot's current planes; else they are computed (and kept).
inline void chunkHashKept(const Planes& p, const uint32_t* hdr, uint32_t& lo, uint32_t& hi, uint32_t* rest, uint8_t& restOk) {
  if (restOk) {
    chunkHashT<false>(p, hdr, lo, hi, rest);
  } else {
    chunkHashT<true>(p, hdr, lo, hi, rest);
    restOk = 1;
  }
}

}  // namespace rules
}  // namespace hexd
