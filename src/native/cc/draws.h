// The random draws of the resources pass (rules.ts: birth on empty land with
// 2 or 3 biomass neighbours succeeds when rand32(.., SALT_BIRTH) % BIRTH_ODDS
// is 0; a full forest cell among 6 biomass neighbours turns to coal when
// rand32(.., SALT_COAL) % COAL_ODDS is 0), batched over a whole slot.
//
// Why batched (sixth pass): a lively young world flags ~90 cells per slot per
// tick (~1.4 per row); drawn one by one with the scalar murmur finish they
// were ~30 % of the resources pass (~25 cycles each, 6 dependent multiplies).
// The row loop now only appends the flagged cells' positions to a list
// (`collect`, compressed with AVX-512 VBMI2); `resolve` hashes them 16 at a
// time in 32-bit lanes and calls back for the successes only. Same hashes as
// hash.h rand32From, bit for bit; the scalar path is kept for other ISAs,
// odds that are not powers of two, and chunks whose cell ids cross a 2^32
// boundary (their high word is not constant).
#pragma once
#include <cstdint>
#include <cstring>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine_gen.h"
#include "hash.h"

namespace hexd {
namespace rules {

using namespace eng;

#if defined(__AVX512BW__) && defined(__AVX512VBMI2__)
#define HEXD_DRAWS_AVX512 1
#endif

// The flagged cells of one slot tick: position i * 64 + j (real row i, real
// column j), bit 15 set for a coal draw (else a birth draw).
struct DrawList {
  static constexpr uint16_t COAL = 0x8000;
  alignas(64) uint16_t idx[CHUNK * CHUNK + 32];  // + 32: whole-vector stores past the end
  uint32_t n = 0;

  // Appends row i's flagged lanes (bit j of `flags`), coal where `coal` has
  // bit j, after the first `at` entries; returns the new count (the caller
  // keeps it in a register and sets `n` at the end: as a member it made a
  // store-to-load chain through memory every row).
  inline uint32_t collect(uint32_t at, uint32_t i, uint64_t flags, uint64_t coal) {
#ifdef HEXD_DRAWS_AVX512
    const __m512i iota = _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
                                          3, 2, 1, 0);
    for (uint32_t h = 0; h < 2; h++) {
      const __mmask32 m = __mmask32(flags >> (32 * h));
      __m512i v = _mm512_add_epi16(iota, _mm512_set1_epi16(short(i * CHUNK + 32 * h)));
      v = _mm512_mask_add_epi16(v, __mmask32(coal >> (32 * h)), v, _mm512_set1_epi16(short(COAL)));  // v < COAL: + is |
      _mm512_storeu_si512(idx + at, _mm512_maskz_compress_epi16(m, v));
      at += uint32_t(__builtin_popcount(m));
    }
#else
    for (uint64_t b = flags; b; b &= b - 1) {
      const uint32_t j = uint32_t(__builtin_ctzll(b));
      idx[at++] = uint16_t(i * CHUNK + j) | ((coal >> j & 1) ? COAL : 0);
    }
#endif
    return at;
  }

  // Draws every listed cell of the chunk whose first real cell has id `base`
  // (row stride `n` cells, `rows` x `cols` real cells) at the tick whose
  // rand32 prefixes are given; calls hit(position, isCoal) for each success,
  // in list order.
  template <typename Hit>
  inline void resolve(uint64_t base, uint32_t stride, uint32_t rows, uint32_t cols, uint32_t preCoal, uint32_t preBirth, Hit hit) const {
    if (n == 0) return;
#ifdef HEXD_DRAWS_AVX512
    constexpr bool pow2 = (RULE_COAL_ODDS & (RULE_COAL_ODDS - 1)) == 0 && (RULE_BIRTH_ODDS & (RULE_BIRTH_ODDS - 1)) == 0;
    const uint64_t last = base + uint64_t(rows - 1) * stride + (cols - 1);
    if (pow2 && (base >> 32) == (last >> 32)) {
      resolve16(uint32_t(base), uint32_t(base >> 32), stride, preCoal, preBirth, hit);
      return;
    }
#endif
    for (uint32_t c = 0; c < n; c++) {
      const uint32_t p = idx[c] & ~uint32_t(COAL);
      const bool isCoal = (idx[c] & COAL) != 0;
      const uint64_t id = base + uint64_t(p / CHUNK) * stride + (p % CHUNK);
      const uint32_t h = rand32From(isCoal ? preCoal : preBirth, uint32_t(id), uint32_t(id >> 32));
      if (h % uint32_t(isCoal ? RULE_COAL_ODDS : RULE_BIRTH_ODDS) == 0) hit(p, isCoal);
    }
  }

 private:
#ifdef HEXD_DRAWS_AVX512
  static inline __m512i mul(__m512i a, uint32_t k) { return _mm512_mullo_epi32(a, _mm512_set1_epi32(int(k))); }
  // hash.h step32 with the k side already mixed (kMixed = rotl(k * c1, 15) * c2).
  static inline __m512i step(__m512i h, __m512i kMixed) {
    h = _mm512_rol_epi32(_mm512_xor_si512(h, kMixed), 13);
    return _mm512_add_epi32(_mm512_add_epi32(_mm512_slli_epi32(h, 2), h), _mm512_set1_epi32(int(0xe6546b64u)));
  }
  // rand32From for 16 cells at a time: the cell id's low word varies, its
  // high word `hi` is the chunk's.
  template <typename Hit>
  inline void resolve16(uint32_t baseLo, uint32_t hi, uint32_t stride, uint32_t preCoal, uint32_t preBirth, Hit hit) const {
    const uint32_t kHi = rotl32(hi * 0xcc9e2d51u, 15) * 0x1b873593u;
    for (uint32_t c = 0; c < n; c += 16) {
      const __mmask16 live = n - c >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - c)) - 1);
      const __m512i v = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + c)));
      const __mmask16 coal = _mm512_test_epi32_mask(v, _mm512_set1_epi32(COAL));
      const __m512i p = _mm512_and_si512(v, _mm512_set1_epi32(COAL - 1));
      const __m512i row = _mm512_srli_epi32(p, 6), col = _mm512_and_si512(p, _mm512_set1_epi32(CHUNK - 1));
      const __m512i lo = _mm512_add_epi32(_mm512_add_epi32(_mm512_set1_epi32(int(baseLo)), mul(row, stride)), col);
      __m512i h = _mm512_mask_blend_epi32(coal, _mm512_set1_epi32(int(preBirth)), _mm512_set1_epi32(int(preCoal)));
      h = step(h, mul(_mm512_rol_epi32(mul(lo, 0xcc9e2d51u), 15), 0x1b873593u));
      h = step(h, _mm512_set1_epi32(int(kHi)));
      h = _mm512_xor_si512(h, _mm512_set1_epi32(20));
      // fmix32
      h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 16));
      h = mul(h, 0x85ebca6bu);
      h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 13));
      h = mul(h, 0xc2b2ae35u);
      h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 16));
      const __mmask16 hitC = _mm512_mask_testn_epi32_mask(coal, h, _mm512_set1_epi32(RULE_COAL_ODDS - 1));
      const __mmask16 hitB = _mm512_mask_testn_epi32_mask(__mmask16(~coal), h, _mm512_set1_epi32(RULE_BIRTH_ODDS - 1));
      for (uint32_t b = uint32_t((hitC | hitB) & live); b; b &= b - 1) {
        const uint32_t l = uint32_t(__builtin_ctz(b));
        hit(uint32_t(idx[c + l] & ~uint32_t(COAL)), (idx[c + l] & COAL) != 0);
      }
    }
  }
#endif
};

}  // namespace rules
}  // namespace hexd
