// Copy current -> next and the changed-cell count of one slot tick, per plane.
//
// tick.ts copies the whole current copy into the next one, runs the phases on
// next and counts the real cells where any plane differs. The kernel gets the
// same bytes with less memory traffic:
// - a plane the caller knows is already byte-identical in both copies (see
//   `eq` in kernel.cc: tracked inside one multi-tick request) is not copied;
// - RES, AMT and POWER, whose every real cell the phases write (resources and
//   clearPower / phasePower write them all), get only their 260 non-real
//   positions (the halo ring) copied, in a full 64x64 chunk;
// - only the planes a tick can change are compared: RES, AMT, POWER, and the
//   structure planes when the chunk has structures. The others (terrain,
//   struct, dir, recipe, owner) are equal after the copy by construction.
// Plane units: bit p < P8_COUNT is the u8 plane p, bit P8_COUNT + p the u16 plane p.
#pragma once
#include <cstdint>
#include <cstring>

#include "engine_gen.h"
#include "hash.h"

namespace hexd {
namespace planes {

using namespace eng;
using rules::Planes;

constexpr uint32_t ALL = (1u << (P8_COUNT + P16_COUNT)) - 1;
// Planes every real cell of which the phases write in a tick.
constexpr uint32_t WRITTEN = (1u << PL8_RES) | (1u << PL8_AMT) | (1u << PL8_POWER);
// Planes in the chunk hash's words 1-3 (hash.h chunkHashT): its lanes 16..63.
constexpr uint32_t HASH_REST = ALL & ~((1u << PL8_TERRAIN) | (1u << PL8_RES) | (1u << PL8_AMT) | (1u << PL8_STRUCT));
// Planes the structures phase may change (with RES/AMT).
constexpr uint32_t STRUCTURAL = (1u << PL8_COUNT) | (1u << PL8_ITEM) | (1u << PL8_PROGRESS) | (1u << PL8_INA) | (1u << PL8_INB) |
                                (1u << (P8_COUNT + PL16_STOCK));

// The 260 non-real positions of a u8 plane (rows 0 and 65, columns 0 and 65).
inline void copyRing(uint8_t* __restrict d, const uint8_t* __restrict s) {
  memcpy(d, s, STRIDE + 1);  // row 0 and row 1's column 0
  for (uint32_t r = 1; r <= CHUNK; r++) {
    // Column 65 of row r and column 0 of row r + 1 are adjacent.
    d[r * STRIDE + STRIDE - 1] = s[r * STRIDE + STRIDE - 1];
    d[(r + 1) * STRIDE] = s[(r + 1) * STRIDE];
  }
  memcpy(d + (CHUNK + 1) * STRIDE + 1, s + (CHUNK + 1) * STRIDE + 1, STRIDE - 1);
}

// Only rows 0 and 65 of the ring (eighth pass: RES and AMT of a full chunk,
// whose side columns the resources pass writes with each row, see there).
inline void copyRingRows(uint8_t* __restrict d, const uint8_t* __restrict s) {
  memcpy(d, s, STRIDE);
  memcpy(d + (CHUNK + 1) * STRIDE, s + (CHUNK + 1) * STRIDE, STRIDE);
}

// Planes whose ring side columns (columns 0 and 65 of rows 1..64) the
// resources pass copies into next for a full chunk, row by row, while the
// row's lines are in cache (resources.h phaseResourcesT): copying them here
// first made 130 scattered stores per plane into lines not yet in cache.
constexpr uint32_t SIDES_BY_RESOURCES = (1u << PL8_RES) | (1u << PL8_AMT);

// Makes next equal current on every plane the phases do not fully rewrite;
// `eq`: planes already equal (skipped). `full`: a 64x64 chunk (otherwise the
// phases leave interior positions beyond rows/cols alone: copied whole).
inline void copyForTick(const Planes& c, const Planes& x, uint32_t eq, bool full) {
  for (uint32_t p = 0; p < P8_COUNT; p++) {
    if (eq >> p & 1) continue;
    if (full && (SIDES_BY_RESOURCES >> p & 1)) copyRingRows(x.p8(p), c.p8(p));
    else if (full && (WRITTEN >> p & 1)) copyRing(x.p8(p), c.p8(p));
    else memcpy(x.p8(p), c.p8(p), AREA);
  }
  for (uint32_t p = 0; p < P16_COUNT; p++)
    if (!(eq >> (P8_COUNT + p) & 1)) memcpy(x.p16(p), c.p16(p), AREA * 2);
}

// Real cells where any plane in `planes` differs between c and x; the planes
// with any such difference are OR-ed into `diffMask`.
inline uint32_t countChanged(const Planes& c, const Planes& x, uint32_t rows, uint32_t cols, uint32_t planes, uint32_t& diffMask) {
  uint32_t cells = 0;
  alignas(64) uint8_t diff[CHUNK];
  uint8_t per[P8_COUNT + P16_COUNT] = {};
  for (uint32_t i = 0; i < rows; i++) {
    const uint32_t row = (i + 1) * STRIDE + 1;
    for (uint32_t j = 0; j < cols; j++) diff[j] = 0;
    for (uint32_t p = 0; p < P8_COUNT; p++) {
      if (!(planes >> p & 1)) continue;
      const uint8_t* a = c.p8(p) + row;
      const uint8_t* b = x.p8(p) + row;
      uint8_t acc = 0;
      for (uint32_t j = 0; j < cols; j++) {
        const uint8_t d = uint8_t(a[j] ^ b[j]);
        diff[j] |= d;
        acc |= d;
      }
      per[p] |= acc;
    }
    for (uint32_t p = 0; p < P16_COUNT; p++) {
      if (!(planes >> (P8_COUNT + p) & 1)) continue;
      const uint16_t* a = c.p16(p) + row;
      const uint16_t* b = x.p16(p) + row;
      uint8_t acc = 0;
      for (uint32_t j = 0; j < cols; j++) {
        const uint8_t d = uint8_t(a[j] != b[j]);
        diff[j] |= d;
        acc |= d;
      }
      per[P8_COUNT + p] |= acc;
    }
    for (uint32_t j = 0; j < cols; j++) cells += diff[j] != 0;
  }
  for (uint32_t p = 0; p < P8_COUNT + P16_COUNT; p++)
    if (per[p]) diffMask |= 1u << p;
  return cells;
}

}  // namespace planes
}  // namespace hexd
