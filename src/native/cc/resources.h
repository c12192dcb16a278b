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
#include "draws.h"
#include "lanes.h"
#include "hash.h"
#include "rules.h"
#include "resources512.h"

namespace hexd {
namespace rules {

using namespace eng;

// phaseResources, branch-free over whole rows. Per row (64 cells in 8-bit
// lanes of GCC vector types: one AVX-512 register; sixth pass, it was two
// half rows of 32 before, twice the instructions for the 8-bit part; without
// AVX-512BW still two halves of one ymm each, lanes.h RowV), the
// neighbour biomass count and amount sum are vector adds over the 6 implicit
// offsets, and every real cell's deterministic outcome is selected with masks
// (no per-cell branches); the neighbour amount sum and the growth computed
// from it need 16 bits and run on the two halves of the row vector. Next
// res/amt are written for all real cells (the unchanged value where the rules
// leave a cell alone, which is what the copy current -> next put there). The
// outcomes that need a random draw (birth on empty land with 2 or 3 biomass
// neighbours, coal from a full forest cell among 6) are only flagged and
// resolved in a sparse scalar pass: the hash is costly and most cells never
// need it. Same results as rules.ts. The lane types and helpers are in
// lanes.h.
// What a tick changed in a chunk without structures, counted by
// phaseResources in the same pass (see `stats` there).
struct ResStats {
  uint32_t cells = 0;   // real cells with res, amt or (when cleared) power changed
  uint32_t planes = 0;  // bit PL8_RES / PL8_AMT / PL8_POWER: the planes with any change
};


// The pass, compiled per case (sixth pass): Stats (a chunk without
// structures: every cell is free, changes are counted), ClearPower (next
// power written 0, see phaseResources) and Winter are template parameters, so
// each variant carries no masks or counters it does not need. A row is
// 64 / W parts of W = RowLanes<V>::N lanes (lanes.h RowV: one part with
// AVX-512BW); every rule is lanewise, so the parts are independent but for
// the row's draw flags, collected once per row in lane order.
template <bool Stats, bool ClearPower, bool Winter, class V = RowV>
inline bool phaseResourcesT(const PhaseCtx& c, const Planes& cur, const Planes& nxt, ResStats* stats) {
  typedef typename RowLanes<V>::W16 W16;
  constexpr uint32_t W = RowLanes<V>::N, PARTS = CHUNK / W;
  const uint8_t* terrain = c.terrain ? c.terrain : cur.p8(PL8_TERRAIN);
  const uint8_t* res = cur.p8(PL8_RES);
  const uint8_t* amt = cur.p8(PL8_AMT);
  const uint8_t* st = cur.p8(PL8_STRUCT);
  uint8_t* nres = nxt.p8(PL8_RES);
  uint8_t* namt = nxt.p8(PL8_AMT);
  const uint32_t rows = c.hdr[SH_ROWS] > CHUNK ? CHUNK : c.hdr[SH_ROWS], cols = c.hdr[SH_COLS] > CHUNK ? CHUNK : c.hdr[SH_COLS];
  const uint32_t n = c.hdr[SH_N];
  // A full-width chunk stores each row straight into next (fixed-size
  // copies become vector stores); a narrower one copies `cols` bytes of the
  // row vector (a variable-length memcpy compiles to `rep movs`, which cost
  // a fifth of this pass when every chunk took it).
  const bool full = cols == CHUNK;
  const uint64_t base = uint64_t(c.hdr[SH_BASE_LO]) + uint64_t(c.hdr[SH_BASE_HI]) * 4294967296ull;
  const W16 zero = {}, one = zero + 1;
  bool anyFlag = false;
  DrawList draws;
  uint32_t nDraws = 0;
  const uint8_t* power = cur.p8(PL8_POWER);
  uint8_t* npower = nxt.p8(PL8_POWER);
  const V zero8 = {};
  V anyRes = zero8, anyAmt = zero8, anyPow = zero8;
  // Changed cells, per lane (at most 1 per row and part: fits 8 bits over 64
  // rows of 2 parts); lanes at or beyond `cols` are masked out.
  V cellAcc = zero8;
  V colMask[PARTS];
#ifdef HEXD_MASK512
  if constexpr (sizeof(V) != 64)  // the mask row (below) uses colM64 instead
#endif
  for (uint32_t h = 0; h < PARTS; h++)
    for (uint32_t l = 0; l < W; l++) colMask[h][l] = W * h + l < cols ? 0xFF : 0;
  uint32_t cells = 0;
#ifdef HEXD_MASK512
  MaskStats ms;
  const uint64_t colM64 = cols >= 64 ? ~0ull : (1ull << cols) - 1;
#endif
  const uint32_t preCoal = rand32Prefix(c.seedLo, c.seedHi, c.tick, SALT_COAL), preBirth = rand32Prefix(c.seedLo, c.seedHi, c.tick, SALT_BIRTH);
  // Seam columns left to this pass by copyHalo (sides.h): rows 0..AHEAD-1
  // now, then each row's SIDE_AHEAD rows before its loads.
  const kern::SideCols* sides = full && rows == CHUNK && c.sides && c.sides->any() ? c.sides : nullptr;
  uint8_t* cres = const_cast<uint8_t*>(res);
  uint8_t* camt = const_cast<uint8_t*>(amt);
  if (sides)
    for (uint32_t i = 0; i < kern::SIDE_AHEAD; i++) sides->store(cres, camt, i);
  for (uint32_t i = 0; i < rows; i++) {
    if (sides && i + kern::SIDE_AHEAD < rows) sides->store(cres, camt, i + kern::SIDE_AHEAD);
    // The row's draw flags; `lively`: some part was not barren (a barren
    // row flags nothing and skips the collection).
    uint64_t flagBits = 0, coalBits = 0;
    bool lively = false;
#ifdef HEXD_MASK512
    if constexpr (sizeof(V) == 64) {
      // AVX-512BW: the same row in mask registers (resources512.h).
      const MaskRow mr{res, amt, st, power, c.terrBits ? nullptr : terrain, nres, namt, npower,
                       c.terrBits ? c.terrBits[i] : 0, c.terrBits ? c.terrBits[CHUNK + i] : 0, (i + 1) * STRIDE + 1, colM64, full};
      lively = resourcesRow512<Stats, ClearPower, Winter>(mr, flagBits, coalBits, ms);
      if (lively) nDraws = draws.collect(nDraws, i, flagBits, coalBits);
      continue;
    }
#endif
    for (uint32_t h = 0; h < PARTS && (h == 0 || W * h < cols); h++) {
      const uint32_t q = (i + 1) * STRIDE + 1 + W * h;
      // Bytes of this part that are real cells (all of them in a full chunk).
      const uint32_t w = PARTS == 1 ? (full ? W : cols) : cols - W * h < W ? cols - W * h : W;
      const bool first = h == 0, last = h == PARTS - 1;
      // This part's next amt and res: a full chunk's with its seam bytes
      // (storePart), else the row's `w` real cells.
      const auto writeNext = [&](const V& na, const V& nr) {
        if (full) {
          storePart(namt + q, na, amt + q, first, last);
          storePart(nres + q, nr, res + q, first, last);
        } else {
          memcpy(namt + q, &na, w);
          memcpy(nres + q, &nr, w);
        }
      };
      // Reads of 64 cells from a row start stay inside the plane (halo ring
      // around a 64x64 interior); only `cols` of them are written back.
      // 8-bit lanes for everything that fits (counts, masks, amounts, caps);
      // 16-bit lanes only for the neighbour sum and the growth it feeds.
      const V r = resLoad8<V>(res + q), a = resLoad8<V>(amt + q);
      const V bio = HEXD_CMP8(r, ==, RES_BIOMASS);
      V forest, grass;
      if (c.terrBits) {
        forest = laneMaskOf<V>(c.terrBits[i] >> (W * h));
        grass = laneMaskOf<V>(c.terrBits[CHUNK + i] >> (W * h));
      } else {
        const V t = resLoad8<V>(terrain + q);
        forest = HEXD_CMP8(t, ==, TERRAIN_FOREST);
        grass = HEXD_CMP8(t, ==, TERRAIN_GRASS);
      }
      if (!laneBits(bio | forest | grass)) {
        // A barren row (no biomass, no land with capacity: sea, desert, rock,
        // ice) stays as it is: nothing lives there to grow or die, and birth
        // needs capacity. Same bytes as the full pass, a fraction of the work.
        writeNext(a, r);
        if (ClearPower) {
          const V dPow = HEXD_CMP8(resLoad8<V>(power + q), !=, 0) & colMask[h];
          anyPow |= dPow;
          cellAcc += dPow & uint8_t(1);
          memset(npower + q, 0, w);
        }
        continue;
      }
      V k = zero8, nb[6];
      for (int d = 0; d < 6; d++) {
        nb[d] = HEXD_CMP8(resLoad8<V>(res + int(q) + DIR_OFFSETS[d]), ==, RES_BIOMASS);
        k -= nb[d];
      }
      const V freeM = Stats ? ~zero8 : HEXD_CMP8(resLoad8<V>(st + q), ==, 0);
      const V cap = (forest & uint8_t(RULE_CAP_FOREST)) | (grass & uint8_t(RULE_CAP_GRASS));
      // Winter: grass biomass halves (amounts below 2 stay).
      const V wg = Winter ? bio & grass : zero8;
      const V wAmt = resSel8(HEXD_CMP8(a, >=, 2), a >> 1, a);
      // Biomass without neighbours or on land without capacity dies back by one.
      const V die = HEXD_CMP8(k, ==, 0) | HEXD_CMP8(cap, ==, 0);
      const V gone = HEXD_CMP8(a, <=, 1);
      const V dAmt = resSel8(gone, zero8, a - 1);
      // A full forest cell among 6 biomass neighbours may turn to coal (drawn later).
      const V coal = HEXD_CMP8(k, ==, 6) & HEXD_CMP8(a, ==, cap) & forest;
      // Empty land with capacity and 2 or 3 biomass neighbours may sprout (drawn later).
      const V birth = HEXD_CMP8(r, ==, RES_NONE) & HEXD_CMP8(cap, >, 0) & (HEXD_CMP8(k, ==, 2) | HEXD_CMP8(k, ==, 3));
      const V live = freeM & ~wg & bio;
      // Growth toward cap plus one-sided diffusion (pulled up, never down), in
      // 16 bits: sum and k * a reach 1530. The result is <= cap, so it fits 8.
      // Where a >= cap the result is cap whatever the neighbours (the increment
      // is never negative, then clamped), so a row whose every growing cell is
      // full (a mature forest) or that grows nothing (barren land) skips the
      // 16-bit part.
      V v8 = cap;
      if (laneBits(live & ~die & ~coal & HEXD_CMP8(a, <, cap))) {
        // v = min(cap, a + 1 + max(0, pull >> 3)): for a < cap the rule as
        // written; for a >= cap it is cap either way (a + 1 + x > cap). The
        // 16-bit lanes are the row's bytes in unpack order (widen16 / pack8),
        // the pack saturates (v <= 447 fits 16 bits) and the min is taken in 8.
        W16 sum[2] = {zero, zero};
        for (int d = 0; d < 6; d++) {
          const V md = resLoad8<V>(amt + int(q) + DIR_OFFSETS[d]) & nb[d];
          sum[0] += widen16(md, 0);
          sum[1] += widen16(md, 1);
        }
        W16 vh[2];
        for (int b = 0; b < 2; b++) {
          const W16 a16 = widen16(a, b), pull = sum[b] - widen16(k, b) * a16, inc = pull >> 3;
          vh[b] = a16 + one + resSel(HEXD_CMP16(inc, >, zero), inc, zero);
        }
        const V v = pack8(vh[0], vh[1]);
        v8 = resSel8(HEXD_CMP8(v, <, cap), v, cap);
      }
      const V na0 = resSel8(live, resSel8(die, dAmt, resSel8(coal, a, v8)), resSel8(freeM & wg, wAmt, a));
      const V nr0 = resSel8(live & die & gone, zero8, r);
      const V f_ = (live & ~die & coal & uint8_t(2)) | (freeM & ~wg & birth & uint8_t(1));
      // Bit j: cell j needs a random draw (drawn for the whole slot below).
      lively = true;
      flagBits |= laneBits(HEXD_CMP8(f_, !=, 0) & colMask[h]) << (W * h);
      coalBits |= laneBits(HEXD_CMP8(f_, ==, 2)) << (W * h);
      const V na_ = na0, nr_ = nr0;
      writeNext(na_, nr_);
      if (Stats) {
        // A flagged cell keeps res and amt here (a draw's success is written
        // below): only its power can have changed.
        const V dRes = HEXD_CMP8(nr_, !=, r) & colMask[h], dAmt_ = HEXD_CMP8(na_, !=, a) & colMask[h];
        const V dPow = ClearPower ? HEXD_CMP8(resLoad8<V>(power + q), !=, 0) & colMask[h] : zero8;
        anyRes |= dRes;
        anyAmt |= dAmt_;
        anyPow |= dPow;
        cellAcc += (dRes | dAmt_ | dPow) & uint8_t(1);
        if (ClearPower) memset(npower + q, 0, w);
      }
    }
    if (lively) nDraws = draws.collect(nDraws, i, flagBits, coalBits);
  }
  // The draws' successes: biomass -> coal changes res (and amt unless it was
  // already 40), none -> biomass changes res; a cell not counted yet (its
  // power unchanged) counts now.
  draws.n = nDraws;
  anyFlag = nDraws != 0;
  draws.resolve(base, n, rows, cols, preCoal, preBirth, [&](uint32_t p, bool isCoal) {
    const uint32_t q = (p / CHUNK + 1) * STRIDE + 1 + p % CHUNK;
    nres[q] = isCoal ? RES_COAL : RES_BIOMASS;
    namt[q] = isCoal ? uint8_t(RULE_COAL_FROM_BIOMASS) : 1;
    if (Stats) {
      cells += !(ClearPower && power[q] != 0);
      stats->planes |= (1u << PL8_RES) | (namt[q] != amt[q] ? 1u << PL8_AMT : 0u);
    }
  });
  if (Stats) {
#ifdef HEXD_MASK512
    if constexpr (sizeof(V) == 64) {
      stats->cells = cells + ms.cells;
      stats->planes |= (ms.anyRes ? 1u << PL8_RES : 0u) | (ms.anyAmt ? 1u << PL8_AMT : 0u) | (ms.anyPow ? 1u << PL8_POWER : 0u);
      return anyFlag;
    }
#endif
    for (uint32_t l = 0; l < W; l++) cells += cellAcc[l];
    stats->cells = cells;
    stats->planes |= (laneBits(anyRes) ? 1u << PL8_RES : 0u) | (laneBits(anyAmt) ? 1u << PL8_AMT : 0u) | (laneBits(anyPow) ? 1u << PL8_POWER : 0u);
  }
  return anyFlag;
}

// `stats` (only for chunks without structures, whose tick is just this phase
// and power 0): also count the changed cells, and with `clearPower` write
// next power 0 too (phasePower's result there), folding its changes in.
inline bool phaseResources(const PhaseCtx& c, const Planes& cur, const Planes& nxt, ResStats* stats = nullptr, bool clearPower = false) {
  const bool w = isWinter(c.tick);
  if (!stats) return w ? phaseResourcesT<false, false, true>(c, cur, nxt, nullptr) : phaseResourcesT<false, false, false>(c, cur, nxt, nullptr);
  if (clearPower) return w ? phaseResourcesT<true, true, true>(c, cur, nxt, stats) : phaseResourcesT<true, true, false>(c, cur, nxt, stats);
  return w ? phaseResourcesT<true, false, true>(c, cur, nxt, stats) : phaseResourcesT<true, false, false>(c, cur, nxt, stats);
}

}  // namespace rules
}  // namespace hexd
