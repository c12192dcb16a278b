// Lane types and helpers of the resources phase (resources.h): 64 cells of
// a row in one GCC vector (one AVX-512 register), masks as lane vectors or
// 64-bit words, and the per-slot terrain bit masks (seventh pass). Split out
// of resources.h to keep it one concern.
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

typedef uint8_t RU8x64 __attribute__((vector_size(64)));
typedef uint8_t RU8x32 __attribute__((vector_size(32)));
typedef int16_t RI16x32 __attribute__((vector_size(64)));

// 64 bytes at p as 8-bit lanes (p may be unaligned).
inline RU8x64 resLoad8(const uint8_t* p) {
  RU8x64 x;
  memcpy(&x, p, 64);
  return x;
}
inline RU8x64 resSel8(RU8x64 m, RU8x64 a, RU8x64 b) { return (m & a) | (~m & b); }
// Lanewise m ? a : b for masks m of all-ones / zero lanes.
inline RI16x32 resSel(RI16x32 m, RI16x32 a, RI16x32 b) { return (m & a) | (~m & b); }
typedef int16_t RI16x16 __attribute__((vector_size(32)));

// Lanewise comparisons as all-ones / zero masks: HEXD_CMP8(a, ==, b) on u8
// lanes, HEXD_CMP16(a, >, b) on i16 lanes (b may be a scalar). With AVX-512BW
// a comparison of a 64-byte vector is one instruction. Without it, GCC (12)
// lowers it lane by lane into scalar code (64 sete per compare; the resources
// pass ran ~30x slower on an AVX2-only Zen 3), while it splits arithmetic and
// logic into two 32-byte halves on its own: so compare the halves explicitly.
template <class H, class V, class F>
inline V byHalves(const V& a, const V& b, F cmp) {
  H a0, a1, b0, b1;
  memcpy(&a0, &a, 32);
  memcpy(&a1, reinterpret_cast<const uint8_t*>(&a) + 32, 32);
  memcpy(&b0, &b, 32);
  memcpy(&b1, reinterpret_cast<const uint8_t*>(&b) + 32, 32);
  const H r0 = cmp(a0, b0), r1 = cmp(a1, b1);
  V out;
  memcpy(&out, &r0, 32);
  memcpy(reinterpret_cast<uint8_t*>(&out) + 32, &r1, 32);
  return out;
}
#ifdef __AVX512BW__
#define HEXD_CMP8(a, op, b) ((RU8x64)((a) op (b)))
#define HEXD_CMP16(a, op, b) ((RI16x32)((a) op (b)))
#else
#define HEXD_CMP8(a, op, b) \
  (::hexd::rules::byHalves<RU8x32>(RU8x64(a), RU8x64{} + (b), [](RU8x32 x, RU8x32 y) { return (RU8x32)(x op y); }))
#define HEXD_CMP16(a, op, b) \
  (::hexd::rules::byHalves<RI16x16>(RI16x32(a), RI16x32{} + (b), [](RI16x16 x, RI16x16 y) { return (RI16x16)(x op y); }))
#endif

// Half h of x's 64 u8 lanes zero-extended to 16 bits, in unpack order (with
// AVX-512BW: bytes 0-7, 16-23, 32-39, 48-55 for h = 0, the others for h = 1;
// one vpunpck[lh]bw each). Lanewise arithmetic does not care about the
// order; pack8 puts the bytes back. Other ISAs: plain halves.
inline RI16x32 widen16(RU8x64 x, int h) {
#ifdef __AVX512BW__
  __m512i v;
  memcpy(&v, &x, 64);
  const __m512i w = h ? _mm512_unpackhi_epi8(v, _mm512_setzero_si512()) : _mm512_unpacklo_epi8(v, _mm512_setzero_si512());
  RI16x32 out;
  memcpy(&out, &w, 64);
  return out;
#else
  RU8x32 y;
  memcpy(&y, reinterpret_cast<const uint8_t*>(&x) + 32 * h, 32);
  return __builtin_convertvector(y, RI16x32);
#endif
}
// The inverse of widen16 on its two halves, saturating each lane to 0..255.
inline RU8x64 pack8(RI16x32 lo, RI16x32 hi) {
  RU8x64 out;
#ifdef __AVX512BW__
  __m512i l, h;
  memcpy(&l, &lo, 64);
  memcpy(&h, &hi, 64);
  const __m512i w = _mm512_packus_epi16(l, h);
  memcpy(&out, &w, 64);
#else
  const RI16x32 z = {}, top = z + 255;
  lo = resSel(HEXD_CMP16(lo, <, z), z, resSel(HEXD_CMP16(lo, >, top), top, lo));
  hi = resSel(HEXD_CMP16(hi, <, z), z, resSel(HEXD_CMP16(hi, >, top), top, hi));
  const RU8x32 a = __builtin_convertvector(lo, RU8x32), b = __builtin_convertvector(hi, RU8x32);
  memcpy(reinterpret_cast<uint8_t*>(&out), &a, 32);
  memcpy(reinterpret_cast<uint8_t*>(&out) + 32, &b, 32);
#endif
  return out;
}

// Bit l set for each all-ones lane l of a mask.
inline uint64_t laneBits(RU8x64 m) {
#ifdef __AVX512BW__
  __m512i v;
  memcpy(&v, &m, 64);
  return _mm512_movepi8_mask(v);
#elif defined(__AVX2__)
  __m256i a, b;
  memcpy(&a, &m, 32);
  memcpy(&b, reinterpret_cast<const uint8_t*>(&m) + 32, 32);
  return uint64_t(uint32_t(_mm256_movemask_epi8(a))) | uint64_t(uint32_t(_mm256_movemask_epi8(b))) << 32;
#else
  uint64_t b = 0;
  for (uint32_t l = 0; l < 64; l++) b |= uint64_t(m[l] >> 7) << l;
  return b;
#endif
}

// The inverse of laneBits: lane l all-ones where bit l is set.
inline RU8x64 laneMask(uint64_t b) {
#ifdef __AVX512BW__
  const __m512i v = _mm512_movm_epi8(b);
  RU8x64 m;
  memcpy(&m, &v, 64);
  return m;
#elif defined(__AVX2__)
  // Each half: broadcast its 32 mask bits, give byte l the mask byte l / 8
  // (vpshufb works within 128-bit lanes, which both hold the broadcast), then
  // test bit l % 8 of it.
  const __m256i sel = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                       2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  const __m256i bit = _mm256_set1_epi64x(int64_t(0x8040201008040201ull));
  RU8x64 m;
  for (int h = 0; h < 2; h++) {
    const __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32(int32_t(uint32_t(b >> (32 * h)))), sel);
    const __m256i r = _mm256_cmpeq_epi8(_mm256_and_si256(v, bit), bit);
    memcpy(reinterpret_cast<uint8_t*>(&m) + 32 * h, &r, 32);
  }
  return m;
#else
  RU8x64 m;
  for (uint32_t l = 0; l < 64; l++) m[l] = (b >> l & 1) ? 0xFF : 0;
  return m;
#endif
}

// The forest and grass masks of a slot's real cells (PhaseCtx::terrBits):
// out[i] bit l = cell (i, l) is forest, out[CHUNK + i] = grass; rows and
// lanes beyond the chunk are 0 (the pass discards those lanes anyway).
inline void terrainBits(const uint8_t* terrain, uint32_t rows, uint32_t cols, uint64_t* out) {
  const uint64_t colBits = cols >= 64 ? ~0ull : (1ull << cols) - 1;
  for (uint32_t i = 0; i < CHUNK; i++) {
    if (i >= rows) { out[i] = out[CHUNK + i] = 0; continue; }
    const RU8x64 t = resLoad8(terrain + (i + 1) * STRIDE + 1);
    out[i] = laneBits(HEXD_CMP8(t, ==, TERRAIN_FOREST)) & colBits;
    out[CHUNK + i] = laneBits(HEXD_CMP8(t, ==, TERRAIN_GRASS)) & colBits;
  }
}

}  // namespace rules
}  // namespace hexd
