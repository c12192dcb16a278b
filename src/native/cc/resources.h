// The resources phase (rules.ts phaseResources), vectorised; split out of
// rules.h, which includes it. PhaseCtx and isWinter come from rules.h
// (included here too, so either header can be included first).
#pragma once
#include <cstdint>
#include <cstring>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine_gen.h"
#include "hash.h"
#include "rules.h"

namespace hexd {
namespace rules {

using namespace eng;

// phaseResources, branch-free over whole rows. Per half row (32 cells in
// 8-bit lanes of GCC vector types, 16-bit lanes for the neighbour amount sum
// and the growth computed from it; narrower ISAs split them), the neighbour biomass count and amount sum are vector adds over the 6
// implicit offsets, and every real cell's deterministic outcome is selected
// with masks (no per-cell branches); next res/amt are written for all real
// cells (the unchanged value where the rules leave a cell alone, which is
// what the copy current -> next put there). The outcomes that need a random
// draw (birth on empty land with 2 or 3 biomass neighbours, coal from a full
// forest cell among 6) are only flagged and resolved in a sparse scalar pass:
// the hash is costly and most cells never need it. Same results as rules.ts.
typedef uint8_t RU8x32 __attribute__((vector_size(32)));
typedef int16_t RI16x32 __attribute__((vector_size(64)));

// 32 bytes at p widened to 16-bit lanes (p may be unaligned).
inline RI16x32 resLoad(const uint8_t* p) {
  RU8x32 x;
  memcpy(&x, p, 32);
  return __builtin_convertvector(x, RI16x32);
}
// u8 lanes zero-extended to 16 bits (one vpmovzxbw with AVX-512BW; GCC
// otherwise splits it into halves and reassembles them).
inline RI16x32 widen16(RU8x32 x) {
#ifdef __AVX512BW__
  __m256i v;
  memcpy(&v, &x, 32);
  const __m512i w = _mm512_maskz_cvtepu8_epi16(~__mmask32(0), v);  // maskz: GCC 12 warns on the unmasked form
  RI16x32 out;
  memcpy(&out, &w, 64);
  return out;
#else
  return __builtin_convertvector(x, RI16x32);
#endif
}
// Lanewise m ? a : b for masks m of all-ones / zero lanes.
inline RI16x32 resSel(RI16x32 m, RI16x32 a, RI16x32 b) { return (m & a) | (~m & b); }
// 32 bytes at p as 8-bit lanes (most of the rules fit: half the vector width).
inline RU8x32 resLoad8(const uint8_t* p) {
  RU8x32 x;
  memcpy(&x, p, 32);
  return x;
}
inline RU8x32 resSel8(RU8x32 m, RU8x32 a, RU8x32 b) { return (m & a) | (~m & b); }
#define HEXD_M8(x) ((RU8x32)(x))  // a lanewise comparison's mask as u8 lanes

// Bit l set for each all-ones lane l of a mask.
inline uint64_t laneBits(RU8x32 m) {
#ifdef __AVX2__
  __m256i v;
  memcpy(&v, &m, 32);
  return uint32_t(_mm256_movemask_epi8(v));
#else
  uint64_t b = 0;
  for (uint32_t l = 0; l < 32; l++) b |= uint64_t(m[l] >> 7) << l;
  return b;
#endif
}

// What a tick changed in a chunk without structures, counted by
// phaseResources in the same pass (see `stats` there).
struct ResStats {
  uint32_t cells = 0;   // real cells with res, amt or (when cleared) power changed
  uint32_t planes = 0;  // bit PL8_RES / PL8_AMT / PL8_POWER: the planes with any change
};

// `stats` (only for chunks without structures, whose tick is just this phase
// and power 0): also count the changed cells, and with `clearPower` write
// next power 0 too (phasePower's result there), folding its changes in.
inline bool phaseResources(const PhaseCtx& c, const Planes& cur, const Planes& nxt, ResStats* stats = nullptr, bool clearPower = false) {
  const uint8_t* terrain = cur.p8(PL8_TERRAIN);
  const uint8_t* res = cur.p8(PL8_RES);
  const uint8_t* amt = cur.p8(PL8_AMT);
  const uint8_t* st = cur.p8(PL8_STRUCT);
  uint8_t* nres = nxt.p8(PL8_RES);
  uint8_t* namt = nxt.p8(PL8_AMT);
  const uint32_t rows = c.hdr[SH_ROWS] > CHUNK ? CHUNK : c.hdr[SH_ROWS], cols = c.hdr[SH_COLS] > CHUNK ? CHUNK : c.hdr[SH_COLS];
  const uint32_t n = c.hdr[SH_N];
  // A full-width chunk stores each half row straight into next (fixed-size
  // copies become vector stores); a narrower one goes through na8/nr8 and a
  // copy of `cols` bytes (a variable-length memcpy compiles to `rep movs`,
  // which cost a fifth of this pass).
  const bool full = cols == CHUNK;
  const uint64_t base = uint64_t(c.hdr[SH_BASE_LO]) + uint64_t(c.hdr[SH_BASE_HI]) * 4294967296ull;
  const RI16x32 zero = {}, one = zero + 1;
  bool anyFlag = false;
  alignas(64) uint8_t na8[CHUNK], nr8[CHUNK], fl8[CHUNK], df8[CHUNK];
  const uint8_t* power = cur.p8(PL8_POWER);
  uint8_t* npower = nxt.p8(PL8_POWER);
  const RU8x32 zero8 = {}, winterM8 = isWinter(c.tick) ? ~zero8 : zero8;
  RU8x32 anyRes = zero8, anyAmt = zero8, anyPow = zero8;
  // Changed cells, per lane (at most 2 per row: fits 8 bits over 64 rows);
  // lanes at or beyond `cols` are masked out.
  RU8x32 cellAcc = zero8;
  RU8x32 colMask[2];
  for (uint32_t h = 0; h < 2; h++)
    for (uint32_t l = 0; l < 32; l++) colMask[h][l] = h * 32 + l < cols ? 0xFF : 0;
  uint32_t cells = 0;
  const uint32_t preCoal = rand32Prefix(c.seedLo, c.seedHi, c.tick, SALT_COAL), preBirth = rand32Prefix(c.seedLo, c.seedHi, c.tick, SALT_BIRTH);
  for (uint32_t i = 0; i < rows; i++) {
    const uint32_t row = (i + 1) * STRIDE + 1;
    // Reads of 64 cells from a row start stay inside the plane (halo ring
    // around a 64x64 interior); only `cols` of them are written back.
    uint64_t flagBits = 0;  // bit j: cell j needs a random draw
    for (uint32_t h = 0; h < CHUNK; h += 32) {
      const uint32_t q = row + h;
      // 8-bit lanes for everything that fits (counts, masks, amounts, caps);
      // 16-bit lanes only for the neighbour sum and the growth it feeds.
      RU8x32 k = zero8, nb[6];
      for (int d = 0; d < 6; d++) {
        nb[d] = HEXD_M8(resLoad8(res + int(q) + DIR_OFFSETS[d]) == RES_BIOMASS);
        k -= nb[d];
      }
      const RU8x32 r = resLoad8(res + q), t = resLoad8(terrain + q), a = resLoad8(amt + q);
      const RU8x32 freeM = HEXD_M8(resLoad8(st + q) == 0);
      const RU8x32 bio = HEXD_M8(r == RES_BIOMASS), forest = HEXD_M8(t == TERRAIN_FOREST), grass = HEXD_M8(t == TERRAIN_GRASS);
      const RU8x32 cap = (forest & uint8_t(RULE_CAP_FOREST)) | (grass & uint8_t(RULE_CAP_GRASS));
      // Winter: grass biomass halves (amounts below 2 stay).
      const RU8x32 wg = winterM8 & bio & grass;
      const RU8x32 wAmt = resSel8(HEXD_M8(a >= 2), a >> 1, a);
      // Biomass without neighbours or on land without capacity dies back by one.
      const RU8x32 die = HEXD_M8(k == 0) | HEXD_M8(cap == 0);
      const RU8x32 gone = HEXD_M8(a <= 1);
      const RU8x32 dAmt = resSel8(gone, zero8, a - 1);
      // A full forest cell among 6 biomass neighbours may turn to coal (drawn later).
      const RU8x32 coal = HEXD_M8(k == 6) & HEXD_M8(a == cap) & forest;
      // Empty land with capacity and 2 or 3 biomass neighbours may sprout (drawn later).
      const RU8x32 birth = HEXD_M8(r == RES_NONE) & HEXD_M8(cap > 0) & (HEXD_M8(k == 2) | HEXD_M8(k == 3));
      const RU8x32 live = freeM & ~wg & bio;
      // Growth toward cap plus one-sided diffusion (pulled up, never down), in
      // 16 bits: sum and k * a reach 1530. The result is <= cap, so it fits 8.
      // Where a >= cap the result is cap whatever the neighbours (the increment
      // is never negative, then clamped), so a half row whose every growing
      // cell is full (a mature forest) or that grows nothing (barren land)
      // skips the 16-bit part.
      RU8x32 v8 = cap;
      if (laneBits(live & ~die & ~coal & HEXD_M8(a < cap))) {
        RI16x32 sum = zero;
        for (int d = 0; d < 6; d++) sum += widen16(resLoad8(amt + int(q) + DIR_OFFSETS[d]) & nb[d]);
        const RI16x32 a16 = widen16(a), k16 = widen16(k);
        const RI16x32 cap16 = widen16(cap);
        const RI16x32 pull = sum - k16 * a16;
        RI16x32 v = a16 + ((a16 < cap16) & one) + ((pull > 0) & (pull >> 3));
        v = resSel(v > cap16, cap16, v);
        v8 = __builtin_convertvector(v, RU8x32);
      }
      const RU8x32 na_ = resSel8(live, resSel8(die, dAmt, resSel8(coal, a, v8)), resSel8(freeM & wg, wAmt, a));
      const RU8x32 nr_ = resSel8(live & die & gone, zero8, r);
      const RU8x32 f_ = (live & ~die & coal & uint8_t(2)) | (freeM & ~wg & birth & uint8_t(1));
      if (full) {
        memcpy(namt + q, &na_, 32);
        memcpy(nres + q, &nr_, 32);
      } else {
        memcpy(na8 + h, &na_, 32);
        memcpy(nr8 + h, &nr_, 32);
      }
      memcpy(fl8 + h, &f_, 32);
      flagBits |= laneBits(HEXD_M8(f_ != 0) & colMask[h >> 5]) << h;
      if (stats) {
        const RU8x32 m = colMask[h >> 5];
        const RU8x32 dRes = HEXD_M8(nr_ != r) & m, dAmt = HEXD_M8(na_ != a) & m;
        const RU8x32 dPow = clearPower ? HEXD_M8(resLoad8(power + q) != 0) & m : zero8;
        anyRes |= dRes;
        anyAmt |= dAmt;
        anyPow |= dPow;
        const RU8x32 d_ = (dRes | dAmt | dPow) & uint8_t(1);
        cellAcc += d_;
        memcpy(df8 + h, &d_, 32);
      }
    }
    if (full) {
      if (stats && clearPower) memset(npower + row, 0, CHUNK);
    } else {
      memcpy(namt + row, na8, cols);
      memcpy(nres + row, nr8, cols);
      if (stats && clearPower) memset(npower + row, 0, cols);
    }
    if (flagBits == 0) continue;
    anyFlag = true;
    // The sparse pass: the random draws of the flagged cells.
    for (uint64_t bits = flagBits; bits; bits &= bits - 1) {
      const uint32_t j = uint32_t(__builtin_ctzll(bits));
      const uint64_t id = base + uint64_t(i) * n + j;
      if (fl8[j] == 2) {
        if (rand32From(preCoal, uint32_t(id), uint32_t(id >> 32)) % uint32_t(RULE_COAL_ODDS) == 0) {
          nres[row + j] = RES_COAL;
          namt[row + j] = uint8_t(RULE_COAL_FROM_BIOMASS);
          // A flagged cell kept res and amt in the vector pass; biomass ->
          // coal changes res (and amt unless it was already 40).
          if (stats) {
            cells += df8[j] == 0;
            stats->planes |= (1u << PL8_RES) | (namt[row + j] != amt[row + j] ? 1u << PL8_AMT : 0u);
          }
        }
      } else if (rand32From(preBirth, uint32_t(id), uint32_t(id >> 32)) % uint32_t(RULE_BIRTH_ODDS) == 0) {
        nres[row + j] = RES_BIOMASS;
        namt[row + j] = 1;
        if (stats) {
          cells += df8[j] == 0;
          stats->planes |= (1u << PL8_RES) | (namt[row + j] != amt[row + j] ? 1u << PL8_AMT : 0u);
        }
      }
    }
  }
  if (stats) {
    for (uint32_t l = 0; l < 32; l++) cells += cellAcc[l];
    stats->cells = cells;
    uint8_t r = 0, a = 0, p = 0;
    for (int l = 0; l < 32; l++) { r |= anyRes[l]; a |= anyAmt[l]; p |= anyPow[l]; }
    stats->planes |= (r ? 1u << PL8_RES : 0u) | (a ? 1u << PL8_AMT : 0u) | (p ? 1u << PL8_POWER : 0u);
  }
  return anyFlag;
}

}  // namespace rules
}  // namespace hexd
