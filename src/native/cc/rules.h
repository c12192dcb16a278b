// The rule phases: a line-by-line port of src/engine/rules.ts (hashes and
// random numbers in hash.h). Every function reads only `cur` and writes only
// `nxt` at the slot's real cells. Integer arithmetic with the same widths and
// wrap-around as the TS typed arrays: u8 planes store mod 256, u16 mod 65536.
// Constants come from engine_gen.h, generated from the TS engine.
#pragma once
#include <cstdint>
#include <cstring>

#include "engine_gen.h"
#include "hash.h"
#include "sides.h"

namespace hexd {
namespace rules {

using namespace eng;

struct PhaseCtx {
  uint32_t seedLo, seedHi, tick;
  uint32_t* hdr;
  const uint8_t* dm;  // AREA*6 direction map
  // Where phaseResources reads terrain (null: the current copy). The kernel
  // points it at copy 0 when the slot's terrain is known equal in both
  // copies, so the same 4 KB serve every tick (less cache traffic).
  const uint8_t* terrain = nullptr;
  // Or (seventh pass), when not null: the slot's forest and grass cells as
  // bit masks, rows 0..63 then 64 + rows (kernel.cc terrainBits): 1 KB per
  // slot instead of the 4 KB terrain plane in a tick's working set.
  const uint64_t* terrBits = nullptr;
  // Eighth pass (sides.h): seam columns of the current RES / AMT halo that
  // phaseResources stores itself (full chunks only; null: none).
  const kern::SideCols* sides = nullptr;
};

// Winter ticks (rules.ts isWinter): grass biomass dies back; sleeping chunks are ticked too.
inline bool isWinter(uint32_t tick) { return tick % uint32_t(RULE_SEASON_TICKS) == 0; }

inline int capOf(uint8_t terrain) {
  return terrain == TERRAIN_FOREST ? RULE_CAP_FOREST : terrain == TERRAIN_GRASS ? RULE_CAP_GRASS : 0;
}

}  // namespace rules
}  // namespace hexd

#include "resources.h"  // phaseResources

namespace hexd {
namespace rules {

// Whether any real cell holds a structure (phases 2 and 3 act only there).
inline bool anyStructure(const Planes& cur, uint32_t rows, uint32_t cols) {
  const uint8_t* st = cur.p8(PL8_STRUCT);
  uint8_t acc = 0;
  for (uint32_t i = 0; i < rows; i++) {
    const uint8_t* r = st + (i + 1) * STRIDE + 1;
    for (uint32_t j = 0; j < cols; j++) acc |= r[j];
  }
  return acc != 0;
}

// phasePower for a chunk without structures: every real cell's power is 0.
inline void clearPower(const Planes& nxt, uint32_t rows, uint32_t cols) {
  uint8_t* p = nxt.p8(PL8_POWER);
  for (uint32_t i = 0; i < rows; i++) memset(p + (i + 1) * STRIDE + 1, 0, cols);
}

inline void phasePower(const PhaseCtx& c, const Planes& cur, const Planes& nxt) {
  const uint8_t* st = cur.p8(PL8_STRUCT);
  const uint8_t* power = cur.p8(PL8_POWER);
  const uint8_t* progress = cur.p8(PL8_PROGRESS);
  uint8_t* npower = nxt.p8(PL8_POWER);
  const uint32_t rows = c.hdr[SH_ROWS], cols = c.hdr[SH_COLS];
  for (uint32_t i = 0; i < rows; i++) {
    const uint32_t row = (i + 1) * STRIDE + 1;
    for (uint32_t j = 0; j < cols; j++) {
      const uint32_t q = row + j;
      const uint8_t s = st[q];
      if (PROTO_CONDUCTS[s] == 0) {
        // Written even when unchanged: the kernel does not copy POWER's real
        // cells current -> next (planes.h), so every one is written here.
        npower[q] = 0;
        continue;
      }
      const uint8_t kind = PROTO_KIND[s];
      int best = kind == KIND_SOLAR ? RULE_SOLAR_LEVEL : (kind == KIND_GENERATOR && progress[q] > 0) ? RULE_GENERATOR_LEVEL : 0;
      for (int f = 0; f < 6; f++) {
        const uint32_t u = uint32_t(int(q) + DIR_OFFSETS[f]);
        if (PROTO_CONDUCTS[st[u]] != 0 && int(power[u]) - 1 > best) best = int(power[u]) - 1;
      }
      npower[q] = uint8_t(best);
    }
  }
}

inline int outDir(const Planes& cur, uint32_t q, uint32_t tick) {
  const uint8_t kind = PROTO_KIND[cur.p8(PL8_STRUCT)[q]];
  const uint8_t d = cur.p8(PL8_DIR)[q];
  if (kind == KIND_EXTRACTOR || kind == KIND_CONVEYOR || kind == KIND_MACHINE) return d;
  if (kind == KIND_SPLITTER) return (d + ((tick & 1) == 0 ? 1 : 5)) % 6;
  return 255;
}

inline bool accepts(const Planes& cur, const uint8_t* dm, uint32_t t, int from, int item) {
  const uint8_t kind = PROTO_KIND[cur.p8(PL8_STRUCT)[t]];
  if (kind == KIND_CONVEYOR || kind == KIND_SPLITTER) {
    return cur.p8(PL8_COUNT)[t] == 0 && dm[t * 6 + cur.p8(PL8_RECIPE)[t]] == from;
  }
  if (kind == KIND_MACHINE) {
    const RecipeRow& r = RECIPES[cur.p8(PL8_RECIPE)[t]];
    if (!r.valid) return false;
    return (item == r.a && cur.p8(PL8_INA)[t] <= RULE_IN_CAP - 6) || (r.b != 0 && item == r.b && cur.p8(PL8_INB)[t] <= RULE_IN_CAP - 6);
  }
  if (kind == KIND_GENERATOR) return (item == RES_COAL || item == RES_BIOMASS) && cur.p8(PL8_INA)[t] <= RULE_IN_CAP - 6;
  if (kind == KIND_STORAGE) {
    const uint8_t f = cur.p8(PL8_RECIPE)[t];
    return f != 0 && item == f && cur.p16(PL16_STOCK)[t] <= RULE_STOCK_MAX - 6;
  }
  return false;
}

inline bool phaseStructures(const PhaseCtx& c, const Planes& cur, const Planes& nxt) {
  const uint8_t* st = cur.p8(PL8_STRUCT);
  const uint8_t* count = cur.p8(PL8_COUNT);
  const uint8_t* item = cur.p8(PL8_ITEM);
  const uint8_t* progress = cur.p8(PL8_PROGRESS);
  const uint8_t* inA = cur.p8(PL8_INA);
  const uint8_t* inB = cur.p8(PL8_INB);
  const uint8_t* power = cur.p8(PL8_POWER);
  const uint8_t* recipe = cur.p8(PL8_RECIPE);
  const uint8_t* res = cur.p8(PL8_RES);
  const uint8_t* amt = cur.p8(PL8_AMT);
  const uint16_t* stock = cur.p16(PL16_STOCK);
  uint8_t* ncount = nxt.p8(PL8_COUNT);
  uint8_t* nitem = nxt.p8(PL8_ITEM);
  uint8_t* nprogress = nxt.p8(PL8_PROGRESS);
  uint8_t* ninA = nxt.p8(PL8_INA);
  uint8_t* ninB = nxt.p8(PL8_INB);
  uint8_t* nres = nxt.p8(PL8_RES);
  uint8_t* namt = nxt.p8(PL8_AMT);
  uint16_t* nstock = nxt.p16(PL16_STOCK);
  const uint8_t* dm = c.dm;
  const uint32_t rows = c.hdr[SH_ROWS], cols = c.hdr[SH_COLS], tick = c.tick;
  bool potential = false;
  for (uint32_t i = 0; i < rows; i++) {
    const uint32_t row = (i + 1) * STRIDE + 1;
    for (uint32_t j = 0; j < cols; j++) {
      const uint32_t q = row + j;
      const uint8_t s = st[q];
      if (s == 0) continue;
      const uint8_t kind = PROTO_KIND[s];
      int sent = 0;
      if (count[q] > 0) {
        const int od = outDir(cur, q, tick);
        if (od != 255) {
          const int f = dm[q * 6 + od];
          if (f != 255 && accepts(cur, dm, uint32_t(int(q) + DIR_OFFSETS[f]), (f + 3) % 6, item[q])) sent = 1;
        }
        if (kind == KIND_SPLITTER) potential = true;
      }
      int recvA = 0, recvB = 0, recvItem = 0, recvN = 0;
      if (kind != KIND_EXTRACTOR && kind != KIND_SOLAR && kind != KIND_POLE) {
        for (int f = 0; f < 6; f++) {
          const uint32_t u = uint32_t(int(q) + DIR_OFFSETS[f]);
          if (count[u] == 0 || st[u] == 0) continue;
          const int od = outDir(cur, u, tick);
          if (od == 255 || dm[u * 6 + od] != (f + 3) % 6) continue;
          const int it = item[u];
          if (!accepts(cur, dm, q, f, it)) continue;
          recvN++;
          recvItem = it;
          if (kind == KIND_MACHINE) {
            const RecipeRow& r = RECIPES[recipe[q]];
            if (it == r.a) recvA++;
            else recvB++;
          } else if (kind == KIND_GENERATOR) {
            recvA++;
          }
        }
      }
      switch (kind) {
        case KIND_CONVEYOR:
        case KIND_SPLITTER:
          if (sent) { ncount[q] = 0; nitem[q] = 0; }
          else if (recvN > 0) { ncount[q] = 1; nitem[q] = uint8_t(recvItem); }
          break;
        case KIND_STORAGE:
          if (recvN > 0) nstock[q] = uint16_t(stock[q] + recvN);
          break;
        case KIND_GENERATOR: {
          int fuel = inA[q] + recvA;
          if (progress[q] > 0) nprogress[q] = uint8_t(progress[q] - 1);
          else if (inA[q] > 0) { fuel--; nprogress[q] = uint8_t(RULE_BURN_TICKS); }
          ninA[q] = uint8_t(fuel);
          break;
        }
        case KIND_EXTRACTOR: {
          int cnt = count[q] - sent;
          int it = item[q];
          const uint8_t r = res[q];
          if (power[q] > 0 && r != RES_NONE && amt[q] > 0 && count[q] < RULE_OUT_CAP) {
            const int p = progress[q] + 1;
            if (p >= RULE_EXTRACT_TICKS) {
              nprogress[q] = 0;
              namt[q] = uint8_t(amt[q] - 1);
              if (amt[q] == 1) nres[q] = RES_NONE;
              cnt++;
              it = r;
              c.hdr[SH_PROD + r] = c.hdr[SH_PROD + r] + 1u;
            } else {
              nprogress[q] = uint8_t(p);
            }
          }
          ncount[q] = uint8_t(cnt);
          nitem[q] = uint8_t(cnt > 0 ? it : 0);
          break;
        }
        case KIND_MACHINE: {
          const RecipeRow& r = RECIPES[recipe[q]];
          int a = inA[q] + recvA, b = inB[q] + recvB, cnt = count[q] - sent, it = item[q];
          if (r.valid && power[q] > 0) {
            const int p = progress[q];
            if (p == 0) {
              if (inA[q] >= r.aCount && inB[q] >= r.bCount) { a -= r.aCount; b -= r.bCount; nprogress[q] = 1; }
            } else if (p >= r.ticks) {
              if (count[q] + r.outCount <= RULE_OUT_CAP) {
                cnt += r.outCount;
                it = r.out;
                nprogress[q] = 0;
                c.hdr[SH_PROD + r.out] = c.hdr[SH_PROD + r.out] + r.outCount;
              }
            } else {
              nprogress[q] = uint8_t(p + 1);
            }
          }
          ninA[q] = uint8_t(a);
          ninB[q] = uint8_t(b);
          ncount[q] = uint8_t(cnt);
          nitem[q] = uint8_t(cnt > 0 ? it : 0);
          break;
        }
        default:
          break;
      }
    }
  }
  return potential;
}

}  // namespace rules
}  // namespace hexd
