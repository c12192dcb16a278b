// Lane types and helpers of the resources phase (resources.h): the cells of
// a row in GCC vectors (with AVX-512BW one 64-lane register per row, else two
// 32-lane halves: RowV), masks as lane vectors or 64-bit words, and the
// per-slot terrain bit masks (seventh pass). Split out of resources.h to keep
// it one concern.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>
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

// sizeof(V) bytes at p as 8-bit lanes (p may be unaligned).
template <class V = RU8x64>
inline V resLoad8(const uint8_t* p) {
  V x;
  memcpy(&x, p, sizeof x);
  return x;
}
typedef int16_t RI16x16 __attribute__((vector_size(32)));
// Lanewise m ? a : b for masks m of all-ones / zero lanes (any lane type).
template <class V>
inline V resSel8(V m, V a, V b) { return (m & a) | (~m & b); }
template <class V>
inline V resSel(V m, V a, V b) { return (m & a) | (~m & b); }

// The row vector of the resources pass and its 16-bit half. Without
// AVX-512BW a 64-byte GCC vector has no register mode: GCC keeps it in memory
// and moves it in 16-byte pieces (stores of halves then 32-byte reloads, which
// fail store forwarding), so those builds take a row as two 32-lane halves,
// each one ymm register.
template <class V>
struct RowLanes;
template <>
struct RowLanes<RU8x64> {
  typedef RI16x32 W16;
  static constexpr uint32_t N = 64;
};
template <>
struct RowLanes<RU8x32> {
  typedef RI16x16 W16;
  static constexpr uint32_t N = 32;
};
// HEXD_WIDE_LANES (a test build only: docs/NATIVE.md "Ninth pass") takes the
// AVX-512 shape, one 64-lane part per row, on any CPU, so that its code runs
// in the tests where no AVX-512 machine is at hand.
#if defined(__AVX512BW__) || defined(HEXD_WIDE_LANES)
typedef RU8x64 RowV;
#else
typedef RU8x32 RowV;
#endif

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
// A 32-byte vector compares as it is; a 64-byte one by halves of type H.
template <class H, class V, class F>
inline V cmpLanes(const V& a, const V& b, F cmp) {
  if constexpr (sizeof(V) == 64) return byHalves<H>(a, b, cmp);
  else return cmp(a, b);
}
#define HEXD_CMP_(H, a, op, b)                                                                             \
  (::hexd::rules::cmpLanes<H>(std::decay_t<decltype(a)>(a), std::decay_t<decltype(a)>{} + (b), [](auto x, auto y) { \
    return decltype(x)(x op y);                                                                             \
  }))
#define HEXD_CMP8(a, op, b) HEXD_CMP_(RU8x32, a, op, b)
#define HEXD_CMP16(a, op, b) HEXD_CMP_(RI16x16, a, op, b)
#endif

// Generic forms of widen16 / pack8 for ISAs without the intrinsics below:
// half h of x zero-extended (plain halves), and two 16-bit vectors clamped
// to 0..255 and narrowed back (U8h is half of U8).
template <class W16, class U8h, class U8>
inline W16 widenHalf(const U8& x, int h) {
  U8h y;
  memcpy(&y, reinterpret_cast<const uint8_t*>(&x) + sizeof(U8h) * h, sizeof y);
  return __builtin_convertvector(y, W16);
}
template <class U8, class U8h, class W16>
inline U8 packHalves(W16 lo, W16 hi) {
  const W16 z = {}, top = z + 255;
  lo = resSel(HEXD_CMP16(lo, <, z), z, resSel(HEXD_CMP16(lo, >, top), top, lo));
  hi = resSel(HEXD_CMP16(hi, <, z), z, resSel(HEXD_CMP16(hi, >, top), top, hi));
  const U8h a = __builtin_convertvector(lo, U8h), b = __builtin_convertvector(hi, U8h);
  U8 out;
  memcpy(reinterpret_cast<uint8_t*>(&out), &a, sizeof a);
  memcpy(reinterpret_cast<uint8_t*>(&out) + sizeof a, &b, sizeof b);
  return out;
}
typedef uint8_t RU8x16 __attribute__((vector_size(16)));

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
  return widenHalf<RI16x32, RU8x32>(x, h);
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
  out = packHalves<RU8x64, RU8x32>(lo, hi);
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

// The inverse of laneBits on 32 lanes: lane l all-ones where bit l is set.
inline RU8x32 laneMask32(uint32_t b) {
  RU8x32 m;
#ifdef __AVX2__
  // Broadcast the 32 mask bits, give byte l the mask byte l / 8 (vpshufb
  // works within 128-bit lanes, which both hold the broadcast), then test bit
  // l % 8 of it.
  const __m256i sel = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                       2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  const __m256i bit = _mm256_set1_epi64x(int64_t(0x8040201008040201ull));
  const __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32(int32_t(b)), sel);
  const __m256i r = _mm256_cmpeq_epi8(_mm256_and_si256(v, bit), bit);
  memcpy(&m, &r, 32);
#else
  for (uint32_t l = 0; l < 32; l++) m[l] = (b >> l & 1) ? 0xFF : 0;
#endif
  return m;
}

// The inverse of laneBits: lane l all-ones where bit l is set.
inline RU8x64 laneMask(uint64_t b) {
#ifdef __AVX512BW__
  const __m512i v = _mm512_movm_epi8(b);
  RU8x64 m;
  memcpy(&m, &v, 64);
  return m;
#elif defined(__AVX2__)
  RU8x64 m;
  for (int h = 0; h < 2; h++) {
    const RU8x32 r = laneMask32(uint32_t(b >> (32 * h)));
    memcpy(reinterpret_cast<uint8_t*>(&m) + 32 * h, &r, 32);
  }
  return m;
#else
  RU8x64 m;
  for (uint32_t l = 0; l < 64; l++) m[l] = (b >> l & 1) ? 0xFF : 0;
  return m;
#endif
}

// The helpers above on a half row (RowV without AVX-512BW): one ymm each.
inline RI16x16 widen16(RU8x32 x, int h) {
#ifdef __AVX2__
  __m256i v;
  memcpy(&v, &x, 32);
  const __m256i w = h ? _mm256_unpackhi_epi8(v, _mm256_setzero_si256()) : _mm256_unpacklo_epi8(v, _mm256_setzero_si256());
  RI16x16 out;
  memcpy(&out, &w, 32);
  return out;
#else
  return widenHalf<RI16x16, RU8x16>(x, h);
#endif
}
inline RU8x32 pack8(RI16x16 lo, RI16x16 hi) {
  RU8x32 out;
#ifdef __AVX2__
  __m256i l, h;
  memcpy(&l, &lo, 32);
  memcpy(&h, &hi, 32);
  const __m256i w = _mm256_packus_epi16(l, h);
  memcpy(&out, &w, 32);
#else
  out = packHalves<RU8x32, RU8x16>(lo, hi);
#endif
  return out;
}
inline uint64_t laneBits(RU8x32 m) {
#ifdef __AVX2__
  __m256i a;
  memcpy(&a, &m, 32);
  return uint32_t(_mm256_movemask_epi8(a));
#else
  uint64_t b = 0;
  for (uint32_t l = 0; l < 32; l++) b |= uint64_t(m[l] >> 7) << l;
  return b;
#endif
}
// laneMask for either row vector type.
template <class V>
inline V laneMaskOf(uint64_t b) {
  if constexpr (sizeof(V) == 64) return laneMask(b);
  else return laneMask32(uint32_t(b));
}

// A full-width part (W lanes) of a row into next, the row's two ring side
// cells copied from the current copy with its first and last part (planes.h
// SIDES_BY_RESOURCES: copyForTick leaves them to this pass, so they are
// written while the row's lines are in cache).
template <class V>
inline void storePart(uint8_t* __restrict d, const V& v, const uint8_t* __restrict s, bool first, bool last) {
  if (first) d[-1] = s[-1];
  memcpy(d, &v, sizeof v);
  if (last) d[sizeof v] = s[sizeof v];
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
