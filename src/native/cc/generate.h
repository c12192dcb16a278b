// Procedural generation: a port of src/engine/generate.ts, noise.ts and the
// integer cell positions of geometry.ts (cellToIntXYZ via icosa.ts and
// lattice.ts). Positions use + − × ÷ and sqrt only, in the TS operation
// order, compiled without FMA contraction, so the doubles are the same; all
// noise is integer arithmetic with JS Math.floor semantics.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "rules.h"

namespace hexd {
namespace gen {

using namespace eng;
using rules::fmix32;
using rules::rand32;
using rules::step32;
using rules::Planes;

// ---- icosa.ts ----------------------------------------------------------------
struct Icosa {
  double v[12][3];
  int corners[10][4];  // DIAMOND_CORNERS: T, A, B, Bt
  Icosa() {
    const double S5 = std::sqrt(5.0);
    const double C36 = (1 + S5) / 4;
    const double S36 = std::sqrt(10 - 2 * S5) / 4;
    const double C72 = (S5 - 1) / 4;
    const double S72 = std::sqrt(10 + 2 * S5) / 4;
    const double RZ = 1 / S5;
    const double RR = 2 / S5;
    const double COS36M[10] = {1, C36, C72, -C72, -C36, -1, -C36, -C72, C72, C36};
    const double SIN36M[10] = {0, S36, S72, S72, S36, 0, -S36, -S72, -S72, -S36};
    auto set = [&](int i, double x, double y, double z) { v[i][0] = x; v[i][1] = y; v[i][2] = z; };
    set(0, 0, 0, 1);
    for (int k = 0; k < 5; k++) set(1 + k, RR * COS36M[(2 * k) % 10], RR * SIN36M[(2 * k) % 10], RZ);
    for (int k = 0; k < 5; k++) set(6 + k, RR * COS36M[(2 * k + 1) % 10], RR * SIN36M[(2 * k + 1) % 10], -RZ);
    set(11, 0, 0, -1);
    auto vU = [](int k) { return 1 + (((k % 5) + 5) % 5); };
    auto vL = [](int k) { return 6 + (((k % 5) + 5) % 5); };
    for (int k = 0; k < 5; k++) {
      int* c = corners[k];
      c[0] = 0; c[1] = vU(k); c[2] = vU(k + 1); c[3] = vL(k);
      int* s = corners[5 + k];
      s[0] = vU(k + 1); s[1] = vL(k); s[2] = vL(k + 1); s[3] = 11;
    }
  }
};
inline const Icosa& icosa() {
  static const Icosa I;
  return I;
}

// lattice.ts decode: cell id -> (d, a, b).
inline void decode(uint64_t n, uint64_t id, int& d, int64_t& a, int64_t& b) {
  if (id == 0) { d = 0; a = 0; b = 0; return; }
  if (id == 1) { d = 5; a = int64_t(n); b = int64_t(n); return; }
  const uint64_t r = id - 2, nn = n * n;
  d = int(r / nn);
  const uint64_t rest = r - uint64_t(d) * nn;
  const uint64_t i = rest / n;
  a = int64_t(i) + 1;
  b = int64_t(rest - i * n);
}

// geometry.ts cellToIntXYZ: facePoint, normalise, × 2^20, round half up.
inline void cellToIntXYZ(uint64_t n, uint64_t id, int64_t out[3]) {
  int d;
  int64_t a, b;
  decode(n, id, d, a, b);
  const Icosa& I = icosa();
  const int* c = I.corners[d];
  const double* A = I.v[c[1]];
  const double* B = I.v[c[2]];
  const double nd = double(n), ad = double(a), bd = double(b);
  double p[3];
  if (a + b <= int64_t(n)) {
    const double* T = I.v[c[0]];
    for (int k = 0; k < 3; k++) p[k] = T[k] + (ad * (A[k] - T[k]) + bd * (B[k] - T[k])) / nd;
  } else {
    const double* Bt = I.v[c[3]];
    const double pp = double(int64_t(n) - b), qq = double(int64_t(n) - a);
    for (int k = 0; k < 3; k++) p[k] = Bt[k] + (pp * (A[k] - Bt[k]) + qq * (B[k] - Bt[k])) / nd;
  }
  const double len = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
  for (int k = 0; k < 3; k++) {
    const double u = p[k] / len;
    const double v = u * 1048576.0;
    double r = std::floor(v);
    if (v - r >= 0.5) r += 1;  // Math.round: half up
    out[k] = int64_t(r);
  }
}

// ---- noise.ts ----------------------------------------------------------------
inline int64_t floorDiv(int64_t x, int64_t m) {
  int64_t q = x / m;
  if ((x % m) != 0 && ((x < 0) != (m < 0))) q--;
  return q;
}
inline int64_t latticeValue(uint32_t seedLo, uint32_t seedHi, uint32_t salt, int64_t x, int64_t y, int64_t z) {
  uint32_t h = seedLo ^ (salt * 0x9e3779b9u);
  h = step32(h, seedHi);
  h = step32(h, uint32_t(x));
  h = step32(h, uint32_t(y));
  h = step32(h, uint32_t(z));
  return int64_t(fmix32(h) >> 16);
}
inline int64_t smooth(int64_t t) { return floorDiv(t * t * (196608 - 2 * t), 4294967296ll); }
inline int64_t lerp(int64_t a, int64_t b, int64_t s) { return a + floorDiv((b - a) * s, 65536); }
inline int64_t cellOf(int64_t v, int shift) { return floorDiv(v, int64_t(1) << shift); }
inline int64_t fracOf(int64_t v, int64_t c, int shift) {
  const int64_t f = v - c * (int64_t(1) << shift);
  return shift >= 16 ? floorDiv(f, int64_t(1) << (shift - 16)) : f * (int64_t(1) << (16 - shift));
}
inline int64_t valueNoise3(uint32_t sl, uint32_t sh, uint32_t salt, int64_t x, int64_t y, int64_t z, int shift) {
  const int64_t cx = cellOf(x, shift), cy = cellOf(y, shift), cz = cellOf(z, shift);
  const int64_t sx = smooth(fracOf(x, cx, shift)), sy = smooth(fracOf(y, cy, shift)), sz = smooth(fracOf(z, cz, shift));
  const int64_t x00 = lerp(latticeValue(sl, sh, salt, cx, cy, cz), latticeValue(sl, sh, salt, cx + 1, cy, cz), sx);
  const int64_t x10 = lerp(latticeValue(sl, sh, salt, cx, cy + 1, cz), latticeValue(sl, sh, salt, cx + 1, cy + 1, cz), sx);
  const int64_t x01 = lerp(latticeValue(sl, sh, salt, cx, cy, cz + 1), latticeValue(sl, sh, salt, cx + 1, cy, cz + 1), sx);
  const int64_t x11 = lerp(latticeValue(sl, sh, salt, cx, cy + 1, cz + 1), latticeValue(sl, sh, salt, cx + 1, cy + 1, cz + 1), sx);
  return lerp(lerp(x00, x10, sy), lerp(x01, x11, sy), sz);
}
inline int64_t fbm3(uint32_t sl, uint32_t sh, uint32_t salt, int64_t x, int64_t y, int64_t z, int shift, int octaves) {
  int64_t sum = 0;
  for (int o = 0; o < octaves; o++) sum += valueNoise3(sl, sh, salt + uint32_t(o), x, y, z, shift - o) * (int64_t(1) << (octaves - 1 - o));
  return floorDiv(sum, (int64_t(1) << octaves) - 1);
}
inline int64_t valueNoise2(uint32_t sl, uint32_t sh, uint32_t salt, int64_t d, int64_t a, int64_t b, int shift) {
  const int64_t ca = cellOf(a, shift), cb = cellOf(b, shift);
  const int64_t sa = smooth(fracOf(a, ca, shift)), sb = smooth(fracOf(b, cb, shift));
  const int64_t v0 = lerp(latticeValue(sl, sh, salt, ca, cb, d), latticeValue(sl, sh, salt, ca + 1, cb, d), sa);
  const int64_t v1 = lerp(latticeValue(sl, sh, salt, ca, cb + 1, d), latticeValue(sl, sh, salt, ca + 1, cb + 1, d), sa);
  return lerp(v0, v1, sb);
}

// ---- generate.ts -------------------------------------------------------------
enum : uint32_t { G_ELEV = 11, G_DETAIL = 15, G_MOIST = 21, G_VEG = 31, G_DEPOSIT = 41, G_DEPOSIT_KIND = 42 };

struct GenCell { uint8_t terrain, res, amt; };

inline GenCell generateCell(uint32_t sl, uint32_t sh, uint64_t n, uint64_t id) {
  if (id < 2) return {TERRAIN_ICE, RES_NONE, 0};
  int64_t xyz[3];
  cellToIntXYZ(n, id, xyz);
  int d;
  int64_t a, b;
  decode(n, id, d, a, b);
  const int64_t elev = fbm3(sl, sh, G_ELEV, xyz[0], xyz[1], xyz[2], 19, 4) + floorDiv(valueNoise2(sl, sh, G_DETAIL, d, a, b, 3) - 32768, 16);
  const int64_t moist = fbm3(sl, sh, G_MOIST, xyz[0], xyz[1], xyz[2], 18, 3);
  const bool polar = (xyz[2] < 0 ? -xyz[2] : xyz[2]) > 943718;
  uint8_t terrain;
  if (elev < 31000) terrain = polar ? TERRAIN_ICE : TERRAIN_WATER;
  else if (polar) terrain = TERRAIN_ICE;
  else if (elev > 39000) terrain = TERRAIN_ROCK;
  else if (moist > 34500) terrain = TERRAIN_FOREST;
  else if (moist < 29500) terrain = TERRAIN_DESERT;
  else terrain = TERRAIN_GRASS;
  const uint32_t cl = uint32_t(id), ch = uint32_t(id >> 32);
  if (terrain == TERRAIN_ROCK || terrain == TERRAIN_DESERT || terrain == TERRAIN_GRASS) {
    const int64_t dep = valueNoise2(sl, sh, G_DEPOSIT, d, a, b, 3);
    if (dep > 50000) {
      static const uint8_t ROCK[4] = {RES_IRON, RES_COPPER, RES_STONE, RES_IRON};
      static const uint8_t FLAT[4] = {RES_COAL, RES_IRON, RES_COPPER, RES_STONE};
      const uint32_t k = rand32(sl, sh, uint32_t(d), uint32_t(floorDiv(a, 16)), uint32_t(floorDiv(b, 16)), G_DEPOSIT_KIND) & 3;
      const uint8_t res = terrain == TERRAIN_ROCK ? ROCK[k] : FLAT[k];
      return {terrain, res, uint8_t(100 + floorDiv(dep - 50000, 128))};
    }
  }
  const uint32_t r = rand32(sl, sh, 0, cl, ch, G_VEG);
  if (terrain == TERRAIN_FOREST && (r & 3) != 0) return {terrain, RES_BIOMASS, uint8_t(40 + ((r >> 8) % 81))};
  if (terrain == TERRAIN_GRASS && (r & 7) == 0) return {terrain, RES_BIOMASS, uint8_t(5 + ((r >> 8) % 20))};
  return {terrain, RES_NONE, 0};
}

// chunks.ts chunkInfo + generate.ts generateChunk: fills one slot's header
// and both copies (the halo table is the chunk manager's). Returns false for
// a chunk id outside the world.
inline bool generateChunk(uint32_t sl, uint32_t sh, uint64_t n, uint64_t chunk, uint32_t* hdr, uint8_t* copy0, uint8_t* copy1) {
  const uint64_t cps = (n + CHUNK - 1) / CHUNK, per = cps * cps;
  if (chunk >= 10 * per + 2) return false;
  int pole = 0;
  uint64_t d = 0, ci = 0, cj = 0, rows = 1, cols = 1;
  if (chunk >= 10 * per) {
    pole = chunk == 10 * per ? 1 : 2;
  } else {
    d = chunk / per;
    const uint64_t r = chunk - d * per;
    ci = r / cps;
    cj = r - ci * cps;
    rows = n - ci * CHUNK < CHUNK ? n - ci * CHUNK : CHUNK;
    cols = n - cj * CHUNK < CHUNK ? n - cj * CHUNK : CHUNK;
  }
  memset(hdr, 0, SLOT_HEADER_BYTES);
  hdr[SH_CHUNK_LO] = uint32_t(chunk);
  hdr[SH_CHUNK_HI] = uint32_t(chunk >> 32);
  hdr[SH_N] = uint32_t(n);
  hdr[SH_ROWS] = uint32_t(rows);
  hdr[SH_COLS] = uint32_t(cols);
  hdr[SH_FLAGS] = SLOT_FLAG_USED;
  const uint64_t base = pole ? uint64_t(pole == 1 ? 0 : 1) : 2 + d * n * n + ci * CHUNK * n + cj * CHUNK;
  hdr[SH_BASE_LO] = uint32_t(base);
  hdr[SH_BASE_HI] = uint32_t(base >> 32);
  hdr[SH_POLE] = uint32_t(pole);
  memset(copy0, 0, COPY_BYTES);
  Planes p0{copy0};
  for (uint64_t i = 0; i < rows; i++)
    for (uint64_t j = 0; j < cols; j++) {
      const GenCell g = generateCell(sl, sh, n, base + i * n + j);
      const uint32_t q = uint32_t((i + 1) * STRIDE + (j + 1));
      p0.p8(PL8_TERRAIN)[q] = g.terrain;
      p0.p8(PL8_RES)[q] = g.res;
      p0.p8(PL8_AMT)[q] = g.amt;
    }
  memcpy(copy1, copy0, COPY_BYTES);
  return true;
}

}  // namespace gen
}  // namespace hexd
