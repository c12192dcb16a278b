// The halo step of a tick (tick.ts copyHalo) and what the kernel caches to
// make it cheap: per slot its direction map and its halo table cut into runs
// (kept across requests, re-validated against the table once per request),
// and per slot the RES/AMT values of its real border columns ("edges",
// extracted by the slot's own tick; kept across requests like the halo
// knowledge, see kernel.cc).
//
// Why edges: a seam column of a halo reads one byte per row of another slot's
// plane, each in its own cache line, cold by the time the neighbour ticks; a
// tick of a living world changes RES and AMT everywhere, so those two halo
// planes are re-copied every tick. The slot that wrote those columns has them
// hot in cache right after its tick and copies them into 256 contiguous bytes;
// the neighbour then reads 4 lines instead of 128.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine_gen.h"
#include "hash.h"
#include "sides.h"

namespace hexd {
namespace kern {

using namespace eng;

constexpr uint32_t NPLANES = P8_COUNT + P16_COUNT;

// One straight piece of a halo: `len` entries whose slot positions advance by
// `dq` here and by `dsq` in the source slot (a seam row or column; its
// direction in the source depends on how the frames meet).
struct HaloRun {
  const uint8_t* src;  // source copy (or zeros when the source is not resident)
  uint32_t slot;       // source slot, NO_SLOT for the zeros
  int32_t q, sq, dq, dsq;
  uint32_t len;
};

// Per slot: its halo table as last seen, the direction map (tick.ts
// buildDirmap) and runs derived from it. Rebuilt when the table, rows, cols
// or the request's defined-slot bitmap change; otherwise kept across requests
// (both are pure functions of those inputs).
struct SlotCache {
  std::vector<uint8_t> table, dm;
  std::vector<HaloRun> runs;
  uint32_t rows = ~0u, cols = ~0u, count = ~0u;
  uint64_t definedGen = ~0ull;  // Impl::definedGen the runs were cut for
  // Every table position appears once (write order does not matter: copyHalo
  // may leave seam columns to the resources pass, sides.h).
  bool distinct = false;
};

// Edges of one slot copy: for RES then AMT, real column 0 then real column
// cols-1, one byte per real row.
constexpr uint32_t EDGE_PLANES[2] = {PL8_RES, PL8_AMT};
constexpr uint32_t EDGE_BYTES = 2 * 2 * CHUNK;

// Brings a slot's cache up to date with its halo table. `definedChanged`: the
// defined-slot bitmap differs from the one the runs were cut for. Returns
// whether the runs changed (what the slot's halo reads from where): then
// nothing known about the slot's halo holds.
bool refreshSlotCache(SlotCache& sc, uint8_t* base, const uint32_t* defined, uint32_t nDefinedWords, uint32_t capacity, bool definedChanged);

// tick.ts copyHalo for slot s's current copy: returns the planes (planes.h
// bits) where any halo byte changed. `validAt` >= 0: the copy's halo equalled
// its sources' real cells as of that tick of this request; a plane no source
// changed since (`log`) is skipped.
// `edges` / `edgeOk` / `edgeCols` / `edgeRows`: per slot and copy, the border
// columns of RES and AMT (see extractEdges), read instead of the source plane
// where a run is one of those columns.
struct EdgeCache {
  std::vector<uint8_t> bytes;  // (slot * 2 + copy) * EDGE_BYTES
  std::vector<uint8_t> ok;     // slot * 2 + copy: bytes hold that copy's border columns
  std::vector<uint8_t> rows, cols;
  void reset(uint32_t capacity) {
    if (bytes.size() < size_t(capacity) * 2 * EDGE_BYTES) bytes.resize(size_t(capacity) * 2 * EDGE_BYTES);
    ok.assign(size_t(capacity) * 2, 0);
    rows.assign(capacity, 0);
    cols.assign(capacity, 0);
  }
};
// Per slot, which planes its ticks (and the TS side's writes between requests,
// recorded at the committed tick) changed when; kept with the halo knowledge.
struct ChangeLog {
  std::vector<int64_t> plane;     // slot * NPLANES + p: the last tick that changed plane p (-1: none)
  std::vector<int64_t> any;       // per slot: the last tick that changed any plane
  std::vector<uint32_t> anyMask;  // per slot: the planes that tick changed
  void reset(uint32_t capacity) {
    plane.assign(size_t(capacity) * NPLANES, -1);
    any.assign(capacity, -1);
    anyMask.assign(capacity, 0);
  }
  // Records the planes `mask` of slot s as changed at `tick` (merged with an
  // earlier record of the same tick: the TS side's writes between requests
  // are recorded at the committed tick, after that tick's own record).
  void record(uint32_t s, uint32_t mask, int64_t tick) {
    if (!mask) return;
    for (uint32_t p = 0; p < NPLANES; p++)
      if (mask >> p & 1) plane[size_t(s) * NPLANES + p] = tick;
    anyMask[s] = any[s] == tick ? anyMask[s] | mask : mask;
    any[s] = tick;
  }
  // The planes slot s changed at tick `since` or later.
  uint32_t changedSince(uint32_t s, int64_t since) const {
    if (any[s] < since) return 0;
    if (any[s] == since) return anyMask[s];  // the usual case: since = the previous tick
    uint32_t m = 0;
    for (uint32_t p = 0; p < NPLANES; p++)
      if (plane[size_t(s) * NPLANES + p] >= since) m |= 1u << p;
    return m;
  }
};
// `sides` (not null: a full chunk the resources pass will tick): the seam
// columns of RES / AMT read from edges are gathered there, not stored, and
// their changes are not in the result (see sides.h; the resources pass writes
// the same bytes into both copies' halo before anything reads them).
uint32_t copyHalo(uint8_t* state, uint32_t s, uint32_t cur, SlotCache& sc, const ChangeLog& log, int64_t validAt, const EdgeCache& ec, SideCols* sides);

// After slot s's tick wrote copy `copy`: records its RES/AMT border columns.
void extractEdges(uint8_t* copyBytes, uint32_t s, uint32_t copy, uint32_t rows, uint32_t cols, EdgeCache& ec);

}  // namespace kern
}  // namespace hexd
