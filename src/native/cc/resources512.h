// One row of the resources pass on AVX-512BW, in mask registers (tenth pass).
//
// Why a second form of the row. resources.h writes the rules once, on GCC
// vector types, for every ISA. On AVX-512 a comparison yields a mask register,
// and GCC's vector form turns each one back into a vector of 0x00/0xFF bytes
// (vpmovm2b / a zero-masked move) to AND, OR and select with; the row needs
// ~25 such masks, and the profile of a 20-tick request showed the pass as a
// flat spread of those conversions and of register spills. Here the masks
// stay 64-bit masks: counts are masked adds, selects are masked blends, the
// neighbour amounts are zero-masked loads, the changed cells a popcount.
// Same rules and same bytes as the vector form (resources.h phaseResourcesT,
// which calls this for each row when HEXD_MASK512 is set); the equality tests
// (test/native) compare both with the TS reference tick by tick.
#pragma once
#include <cstdint>
#include <cstring>

#include "engine_gen.h"
#include "lanes.h"

#if defined(__AVX512BW__)
#include <immintrin.h>
#define HEXD_MASK512 1

namespace hexd {
namespace rules {

using namespace eng;

// What the mask form accumulates over a slot (the vector form's cellAcc /
// anyRes / anyAmt / anyPow).
struct MaskStats {
  uint32_t cells = 0;
  uint64_t anyRes = 0, anyAmt = 0, anyPow = 0;
};

// The row's inputs and outputs (q: the row's first real cell; colM: bit j
// set for real columns j < cols).
struct MaskRow {
  const uint8_t *res, *amt, *st, *power, *terrain;  // current planes (terrain: null when bits are given)
  uint8_t *nres, *namt, *npower;                    // next planes
  uint64_t forest, grass;                           // terrain bits of the row (when terrain is null)
  uint32_t q;
  uint64_t colM;
  bool full;  // a 64-wide chunk: store whole rows with their ring side bytes
};

// Stores a row of next values: a full chunk's 64 bytes plus the ring side
// cells copied from current (lanes.h storePart), else the real cells.
inline void storeRow512(uint8_t* d, __m512i v, const uint8_t* s, bool full, uint64_t colM) {
  if (full) storePart(d, v, s, true, true);
  else _mm512_mask_storeu_epi8(d, colM, v);
}

// One row: writes next res / amt (and power 0 with ClearPower), returns
// whether the row is lively (not barren), sets its draw flags and coal bits
// (as the vector form: coal bits unmasked by colM) and, with Stats, adds
// its changes to `ms`.
template <bool Stats, bool ClearPower, bool Winter>
inline bool resourcesRow512(const MaskRow& m, uint64_t& flagBits, uint64_t& coalBits, MaskStats& ms) {
  const uint32_t q = m.q;
  const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi8(1);
  const __m512i r = _mm512_loadu_si512(m.res + q), a = _mm512_loadu_si512(m.amt + q);
  const __mmask64 bio = _mm512_cmpeq_epi8_mask(r, _mm512_set1_epi8(char(RES_BIOMASS)));
  __mmask64 forest, grass;
  if (m.terrain) {
    const __m512i t = _mm512_loadu_si512(m.terrain + q);
    forest = _mm512_cmpeq_epi8_mask(t, _mm512_set1_epi8(char(TERRAIN_FOREST)));
    grass = _mm512_cmpeq_epi8_mask(t, _mm512_set1_epi8(char(TERRAIN_GRASS)));
  } else {
    forest = m.forest;
    grass = m.grass;
  }
  if (!(bio | forest | grass)) {
    // Barren (resources.h): nothing grows, dies or is born here.
    storeRow512(m.namt + q, a, m.amt + q, m.full, m.colM);
    storeRow512(m.nres + q, r, m.res + q, m.full, m.colM);
    if (ClearPower) {
      const __m512i p = _mm512_loadu_si512(m.power + q);
      const uint64_t dPow = _mm512_test_epi8_mask(p, p) & m.colM;
      ms.anyPow |= dPow;
      ms.cells += uint32_t(__builtin_popcountll(dPow));
      _mm512_mask_storeu_epi8(m.npower + q, m.colM, zero);
    }
    return false;
  }
  // Biomass neighbours: k counts them, nb[d] says which.
  __mmask64 nb[6];
  __m512i k = zero;
  for (int d = 0; d < 6; d++) {
    nb[d] = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(m.res + int(q) + DIR_OFFSETS[d]), _mm512_set1_epi8(char(RES_BIOMASS)));
    k = _mm512_mask_add_epi8(k, nb[d], k, one);
  }
  const __mmask64 freeM = Stats ? ~__mmask64(0) : _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(m.st + q), zero);
  // Forest and grass never overlap (one terrain per cell).
  const __m512i cap = _mm512_mask_mov_epi8(_mm512_maskz_mov_epi8(grass, _mm512_set1_epi8(char(RULE_CAP_GRASS))), forest, _mm512_set1_epi8(char(RULE_CAP_FOREST)));
  const __mmask64 hasCap = forest | grass;
  const __mmask64 wg = Winter ? bio & grass : 0;
  const __mmask64 die = _mm512_cmpeq_epi8_mask(k, zero) | ~hasCap;
  const __mmask64 gone = _mm512_cmple_epu8_mask(a, one);
  const __m512i dAmt = _mm512_maskz_sub_epi8(~gone, a, one);
  const __mmask64 coal = _mm512_mask_cmpeq_epi8_mask(forest & _mm512_cmpeq_epi8_mask(k, _mm512_set1_epi8(6)), a, cap);
  const __mmask64 k23 = _mm512_cmple_epu8_mask(_mm512_sub_epi8(k, _mm512_set1_epi8(2)), one);  // k == 2 or 3
  const __mmask64 birth = _mm512_mask_cmpeq_epi8_mask(hasCap & k23, r, _mm512_set1_epi8(char(RES_NONE)));
  const __mmask64 live = freeM & ~wg & bio;
  // Growth (see resources.h): v = min(cap, a + 1 + max(0, (sum - k * a) >> 3))
  // in 16-bit lanes, only when some living cell below its cap grows.
  __m512i v8 = cap;
  if (live & ~die & ~coal & _mm512_cmplt_epu8_mask(a, cap)) {
    __m512i s0 = zero, s1 = zero;
    for (int d = 0; d < 6; d++) {
      const __m512i md = _mm512_maskz_loadu_epi8(nb[d], m.amt + int(q) + DIR_OFFSETS[d]);
      s0 = _mm512_add_epi16(s0, _mm512_unpacklo_epi8(md, zero));
      s1 = _mm512_add_epi16(s1, _mm512_unpackhi_epi8(md, zero));
    }
    const __m512i a0 = _mm512_unpacklo_epi8(a, zero), a1 = _mm512_unpackhi_epi8(a, zero);
    const __m512i k0 = _mm512_unpacklo_epi8(k, zero), k1 = _mm512_unpackhi_epi8(k, zero);
    const __m512i one16 = _mm512_set1_epi16(1);
    const __m512i i0 = _mm512_max_epi16(_mm512_srai_epi16(_mm512_sub_epi16(s0, _mm512_mullo_epi16(k0, a0)), 3), zero);
    const __m512i i1 = _mm512_max_epi16(_mm512_srai_epi16(_mm512_sub_epi16(s1, _mm512_mullo_epi16(k1, a1)), 3), zero);
    const __m512i v = _mm512_packus_epi16(_mm512_add_epi16(_mm512_add_epi16(a0, one16), i0), _mm512_add_epi16(_mm512_add_epi16(a1, one16), i1));
    v8 = _mm512_min_epu8(v, cap);
  }
  // na = live ? (die ? dAmt : coal ? a : v8) : (freeM & wg ? a / 2 (a >= 2) : a)
  __m512i na = _mm512_mask_blend_epi8(die, _mm512_mask_blend_epi8(coal, v8, a), dAmt);
  if (Winter) {
    const __m512i half = _mm512_and_si512(_mm512_srli_epi16(a, 1), _mm512_set1_epi8(0x7f));
    const __m512i wAmt = _mm512_mask_blend_epi8(_mm512_cmpge_epu8_mask(a, _mm512_set1_epi8(2)), a, half);
    na = _mm512_mask_blend_epi8(live, _mm512_mask_blend_epi8(freeM & wg, a, wAmt), na);
  } else {
    na = _mm512_mask_blend_epi8(live, a, na);
  }
  const __m512i nr = _mm512_mask_mov_epi8(r, live & die & gone, zero);
  const __mmask64 coalFlag = live & ~die & coal, birthFlag = freeM & ~wg & birth;
  flagBits = (coalFlag | birthFlag) & m.colM;
  coalBits = coalFlag;
  storeRow512(m.namt + q, na, m.amt + q, m.full, m.colM);
  storeRow512(m.nres + q, nr, m.res + q, m.full, m.colM);
  if (Stats) {
    // A flagged cell keeps res and amt here; a draw's success is counted later.
    const uint64_t dRes = _mm512_cmpneq_epi8_mask(nr, r) & m.colM, dAmt_ = _mm512_cmpneq_epi8_mask(na, a) & m.colM;
    uint64_t dPow = 0;
    if (ClearPower) {
      const __m512i p = _mm512_loadu_si512(m.power + q);
      dPow = _mm512_test_epi8_mask(p, p) & m.colM;
      _mm512_mask_storeu_epi8(m.npower + q, m.colM, zero);
    }
    ms.anyRes |= dRes;
    ms.anyAmt |= dAmt_;
    ms.anyPow |= dPow;
    ms.cells += uint32_t(__builtin_popcountll(dRes | dAmt_ | dPow));
  }
  return true;
}

}  // namespace rules
}  // namespace hexd
#endif
