// The halo step and its caches (see halo.h).
#include "halo.h"

#include "kernel_impl.h"
#include "planes.h"

namespace hexd {
namespace kern {

namespace {

// tick.ts buildDirmap: a real cell's directions are the implicit ones; a halo
// position takes its table entry's direction map.
void buildDirmap(SlotCache& sc, const uint8_t* table) {
  sc.dm.assign(size_t(AREA) * 6, uint8_t(NO_DIR));
  for (uint32_t i = 0; i < sc.rows && i < CHUNK; i++)
    for (uint32_t j = 0; j < sc.cols && j < CHUNK; j++) {
      const uint32_t q = (i + 1) * STRIDE + j + 1;
      for (uint32_t e = 0; e < 6; e++) sc.dm[q * 6 + e] = uint8_t(e);
    }
  for (uint32_t k = 0; k < sc.count; k++) {
    const uint8_t* ent = table + k * HALO_ENTRY_BYTES;
    uint16_t q;
    memcpy(&q, ent + HE_POS, 2);
    if (q >= AREA) continue;
    for (uint32_t e = 0; e < 6; e++) sc.dm[q * 6 + e] = ent[HE_DIRMAP + e];
  }
}

// Cuts a slot's halo table into runs into `out` (src left null: copyHalo
// points it at the copy it reads). A missing source (not defined) reads as
// VOID: slot NO_SLOT, position 0 of a zero copy.
void buildRuns(uint8_t* base, const uint32_t* defined, uint32_t nDefinedWords, uint32_t capacity, std::vector<HaloRun>& out, bool& distinctOut) {
  const uint32_t* hdr = reinterpret_cast<const uint32_t*>(base);
  const uint8_t* table = base + HALO_OFFSET;
  const uint32_t count = hdr[SH_HALO_COUNT] > HALO_MAX ? HALO_MAX : hdr[SH_HALO_COUNT];
  // The table lists halo positions row by row, so the two seam columns
  // interleave (row r's column 0, row r's column 65, row r+1's column 0...):
  // taken in that order they would cut into runs of one entry. Visiting the
  // left column, then the right column, then the rest (each in table order)
  // gives one run per seam. The order of writes does not matter when every
  // position appears once; a table with a repeated position (where the last
  // entry wins, as in tick.ts) keeps the table order.
  uint16_t order[HALO_MAX];
  uint32_t n = 0;
  uint64_t seen[(AREA + 63) / 64] = {};
  bool distinct = true;
  for (uint32_t e = 0; e < count && distinct; e++) {
    uint16_t q;
    memcpy(&q, table + e * HALO_ENTRY_BYTES + HE_POS, 2);
    if (q >= AREA || (seen[q >> 6] >> (q & 63) & 1)) distinct = false;
    else seen[q >> 6] |= 1ull << (q & 63);
  }
  for (uint32_t pass = 0; pass < 3; pass++)
    for (uint32_t e = 0; e < count; e++) {
      uint16_t q;
      memcpy(&q, table + e * HALO_ENTRY_BYTES + HE_POS, 2);
      const uint32_t cls = !distinct ? 0 : q % STRIDE == 0 ? 0 : q % STRIDE == STRIDE - 1 ? 1 : 2;
      if (cls == pass) order[n++] = uint16_t(e);
    }
  HaloRun runs[HALO_MAX];
  uint32_t nRuns = 0;
  for (uint32_t k = 0; k < n; k++) {
    const uint8_t* ent = table + order[k] * HALO_ENTRY_BYTES;
    uint16_t q, sq;
    uint32_t src;
    memcpy(&q, ent + HE_POS, 2);
    memcpy(&sq, ent + HE_SRC_POS, 2);
    memcpy(&src, ent + HE_SRC_SLOT, 4);
    const bool present = src != NO_SLOT && src < capacity && (src >> 5) < nDefinedWords && (defined[src >> 5] >> (src & 31) & 1);
    if (!present) { src = NO_SLOT; sq = 0; }
    if (nRuns > 0) {
      HaloRun& r = runs[nRuns - 1];
      if (r.slot == src) {
        const int32_t dq = int32_t(q) - (r.q + int32_t(r.len - 1) * r.dq), dsq = int32_t(sq) - (r.sq + int32_t(r.len - 1) * r.dsq);
        if (r.len == 1 && dq != 0) { r.dq = dq; r.dsq = dsq; r.len = 2; continue; }
        if (r.len > 1 && dq == r.dq && dsq == r.dsq) { r.len++; continue; }
      }
    }
    runs[nRuns++] = HaloRun{nullptr, src, int32_t(q), int32_t(sq), 0, 0, 1};
  }
  out.assign(runs, runs + nRuns);
  distinctOut = distinct;
}

// out[k] = s[k * step] for k < len. The contiguous cases are the common
// ones (seam rows, and columns read from an edge cache, both 64 long):
// copied in 16-byte pieces, the last one overlapping. GCC turns a plain
// copy loop into a call to libc's memcpy, whose set-up for 64 bytes was ~4 %
// of a tick request (tenth pass, perf); the empty asm hides the short
// loops' pattern from it.
template <typename T>
inline void copyStep(const T* __restrict s, int32_t step, uint32_t len, T* __restrict out) {
  if (step == 1 && len * sizeof(T) >= 16) {
    const uint32_t bytes = len * sizeof(T);
    const uint8_t* a = reinterpret_cast<const uint8_t*>(s);
    uint8_t* b = reinterpret_cast<uint8_t*>(out);
    for (uint32_t k = 0; k + 16 < bytes; k += 16) memcpy(b + k, a + k, 16);
    memcpy(b + bytes - 16, a + bytes - 16, 16);
    return;
  }
  for (uint32_t k = 0; k < len; k++) {
    __asm__("" : "+r"(k));
    out[k] = s[int32_t(k) * step];
  }
}

// Gathers one plane's source values along one run into `out` (loads only:
// with no stores in between, the mostly-missing loads of a seam column all
// go out together instead of queueing behind possibly-aliasing stores).
template <typename T>
inline void gatherRun(const T* __restrict sp, const HaloRun& r, T* __restrict out) {
  copyStep<T>(sp + r.sq, r.dsq, r.len, out);
}

// Writes gathered values along one run; returns whether any differed.
template <typename T>
inline uint32_t scatterRun(T* __restrict d, const HaloRun& r, const T* __restrict in) {
  uint32_t changed = 0;
  T* dp = d + r.q;
  if (r.dq == 1) {
    for (uint32_t k = 0; k < r.len; k++) { changed |= uint32_t(dp[k] ^ in[k]); dp[k] = in[k]; }
  } else {
    for (uint32_t k = 0; k < r.len; k++) { changed |= uint32_t(dp[int32_t(k) * r.dq] ^ in[k]); dp[int32_t(k) * r.dq] = in[k]; }
  }
  return changed;
}

}  // namespace

bool refreshSlotCache(SlotCache& sc, uint8_t* base, const uint32_t* defined, uint32_t nDefinedWords, uint32_t capacity, bool definedChanged) {
  const uint32_t* hdr = reinterpret_cast<const uint32_t*>(base);
  const uint8_t* table = base + HALO_OFFSET;
  const uint32_t rows = hdr[SH_ROWS], cols = hdr[SH_COLS], count = hdr[SH_HALO_COUNT] > HALO_MAX ? HALO_MAX : hdr[SH_HALO_COUNT];
  const size_t tb = size_t(count) * HALO_ENTRY_BYTES;
  const bool same = sc.rows == rows && sc.cols == cols && sc.count == count && memcmp(sc.table.data(), table, tb) == 0;
  if (!same) {
    sc.table.assign(table, table + tb);
    sc.rows = rows; sc.cols = cols; sc.count = count;
    buildDirmap(sc, table);
  }
  if (!same || definedChanged) {
    std::vector<HaloRun> old;
    old.swap(sc.runs);
    buildRuns(base, defined, nDefinedWords, capacity, sc.runs, sc.distinct);
    if (old.size() != sc.runs.size()) return true;
    for (size_t k = 0; k < old.size(); k++) {
      const HaloRun &a = old[k], &b = sc.runs[k];
      if (a.slot != b.slot || a.q != b.q || a.sq != b.sq || a.dq != b.dq || a.dsq != b.dsq || a.len != b.len) return true;
    }
  }
  return false;
}

void extractEdges(uint8_t* copyBytes, uint32_t s, uint32_t copy, uint32_t rows, uint32_t cols, EdgeCache& ec) {
  if (rows > CHUNK) rows = CHUNK;
  if (cols > CHUNK || cols == 0) { ec.ok[2ull * s + copy] = 0; return; }
  uint8_t* e = ec.bytes.data() + (2ull * s + copy) * EDGE_BYTES;
  for (uint32_t p = 0; p < 2; p++) {
    const uint8_t* pl = copyBytes + EDGE_PLANES[p] * AREA;
    uint8_t* e0 = e + p * 2 * CHUNK;
    uint8_t* e1 = e0 + CHUNK;
    for (uint32_t i = 0; i < rows; i++) {
      e0[i] = pl[(i + 1) * STRIDE + 1];
      e1[i] = pl[(i + 1) * STRIDE + cols];
    }
  }
  ec.rows[s] = uint8_t(rows);
  ec.cols[s] = uint8_t(cols);
  ec.ok[2ull * s + copy] = 1;
}

uint32_t copyHalo(uint8_t* state, uint32_t s, uint32_t cur, SlotCache& sc, const ChangeLog& log, int64_t validAt, const EdgeCache& ec, SideCols* sides) {
  static const uint8_t ZERO[COPY_BYTES] = {};
  HaloRun* runs = sc.runs.data();
  const uint32_t nRuns = uint32_t(sc.runs.size());
  uint8_t* d8 = copyOf(state, s, cur).all;
  // Per run, the planes to copy: all when the copy's halo is not known valid;
  // otherwise those its source changed since (a run from an unchanged source,
  // e.g. a sleeping or frozen slot, is skipped even when others changed).
  uint32_t runNeed[HALO_MAX];
  uint32_t need = 0;
  for (uint32_t k = 0; k < nRuns; k++) {
    runNeed[k] = validAt < 0 ? planes::ALL : runs[k].slot == NO_SLOT ? 0 : log.changedSince(runs[k].slot, validAt);
    need |= runNeed[k];
  }
  if (need == 0) return 0;
  // Per run: where its values are in the source's edge cache (a seam column
  // that is one of the source's border columns, with the edges valid for the
  // current copy), or nullptr.
  const uint8_t* edge[HALO_MAX];
  int32_t edgeStep[HALO_MAX];
  for (uint32_t k = 0; k < nRuns; k++) {
    HaloRun& r = runs[k];
    r.src = r.slot == NO_SLOT ? ZERO : copyOf(state, r.slot, cur).all;
    edge[k] = nullptr;
    if (r.slot == NO_SLOT || !ec.ok[2ull * r.slot + cur] || (r.len > 1 && r.dsq != int32_t(STRIDE) && r.dsq != -int32_t(STRIDE))) continue;
    const int32_t col = r.sq % int32_t(STRIDE), row0 = r.sq / int32_t(STRIDE) - 1, step = r.len > 1 ? r.dsq / int32_t(STRIDE) : 1;
    const int32_t rowEnd = row0 + int32_t(r.len - 1) * step, rows = ec.rows[r.slot];
    const int32_t side = col == 1 ? 0 : col == int32_t(ec.cols[r.slot]) ? 1 : -1;
    if (side < 0 || row0 < 0 || row0 >= rows || rowEnd < 0 || rowEnd >= rows) continue;
    edge[k] = ec.bytes.data() + (2ull * r.slot + cur) * EDGE_BYTES + side * CHUNK + row0;
    edgeStep[k] = step;
    // A whole seam column of this slot (rows 1..64 of column 0 or 65, in
    // order): its RES / AMT values go to `sides`, not to the plane.
    const int32_t here = r.q == int32_t(STRIDE) ? 0 : r.q == int32_t(2 * STRIDE - 1) ? 1 : -1;
    if (!sides || !sc.distinct || here < 0 || r.len != CHUNK || r.dq != int32_t(STRIDE)) continue;
    for (uint32_t e = 0; e < 2; e++) {
      if (!(runNeed[k] >> EDGE_PLANES[e] & 1) || sides->on[e][here]) continue;
      const uint8_t* src = edge[k] + e * 2 * CHUNK;
      copyStep<uint8_t>(src, step, CHUNK, sides->v[e][here]);
      sides->on[e][here] = 1;
      runNeed[k] &= ~(1u << EDGE_PLANES[e]);
    }
  }
  // Every needed plane's values first (all loads), then every write.
  alignas(64) uint8_t v8[P8_COUNT][HALO_MAX];
  alignas(64) uint16_t v16[P16_COUNT][HALO_MAX];
  for (uint32_t p = 0; p < P8_COUNT; p++) {
    if (!(need >> p & 1)) continue;
    const int32_t ep = p == EDGE_PLANES[0] ? 0 : p == EDGE_PLANES[1] ? 1 : -1;
    for (uint32_t k = 0, at = 0; k < nRuns; at += runs[k].len, k++) {
      if (!(runNeed[k] >> p & 1)) continue;
      if (ep >= 0 && edge[k]) {
        const uint8_t* e = edge[k] + ep * 2 * CHUNK;
        copyStep<uint8_t>(e, edgeStep[k], runs[k].len, v8[p] + at);
      } else {
        gatherRun<uint8_t>(runs[k].src + p * AREA, runs[k], v8[p] + at);
      }
    }
  }
  for (uint32_t p = 0; p < P16_COUNT; p++)
    if (need >> (P8_COUNT + p) & 1)
    for (uint32_t k = 0, at = 0; k < nRuns; at += runs[k].len, k++)
      if (runNeed[k] >> (P8_COUNT + p) & 1)
        gatherRun<uint16_t>(reinterpret_cast<const uint16_t*>(runs[k].src + P8_COUNT * AREA) + p * AREA, runs[k], v16[p] + at);
  uint32_t mask = 0;
  for (uint32_t p = 0; p < P8_COUNT; p++) {
    if (!(need >> p & 1)) continue;
    uint32_t changed = 0;
    for (uint32_t k = 0, at = 0; k < nRuns; at += runs[k].len, k++)
      if (runNeed[k] >> p & 1) changed |= scatterRun<uint8_t>(d8 + p * AREA, runs[k], v8[p] + at);
    if (changed) mask |= 1u << p;
  }
  for (uint32_t p = 0; p < P16_COUNT; p++) {
    if (!(need >> (P8_COUNT + p) & 1)) continue;
    uint32_t changed = 0;
    for (uint32_t k = 0, at = 0; k < nRuns; at += runs[k].len, k++)
      if (runNeed[k] >> (P8_COUNT + p) & 1)
        changed |= scatterRun<uint16_t>(reinterpret_cast<uint16_t*>(d8 + P8_COUNT * AREA) + p * AREA, runs[k], v16[p] + at);
    if (changed) mask |= 1u << (P8_COUNT + p);
  }
  return mask;
}

}  // namespace kern
}  // namespace hexd
