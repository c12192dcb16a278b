// Internals shared by the kernel's request handlers (kernel.cc: ticks;
// requests.cc: hashes and generation): slot addressing and per-worker state.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pool.h"
#include "region.h"
#include "rules.h"

namespace hexd {
namespace kern {

using namespace eng;
using rules::Planes;

enum : uint32_t { KREQ_TICK = 16, KREQ_CHUNK_HASH = 17, KREQ_HASH_TREE = 18, KREQ_GENERATE = 19 };

// One straight piece of a halo: `len` entries whose slot positions advance by
// `dq` here and by `dsq` in the source slot (a seam row or column; its
// direction in the source depends on how the frames meet).
struct HaloRun {
  const uint8_t* src;  // source copy (or zeros when the source is not resident)
  uint32_t slot;       // source slot, NO_SLOT for the zeros
  int32_t q, sq, dq, dsq;
  uint32_t len;
};

// A slot's direction map (tick.ts buildDirmap), cached until its halo table,
// rows or cols change.
struct DirCache {
  std::vector<uint8_t> dm, table;
  uint32_t rows = ~0u, cols = ~0u, count = ~0u;
};

struct Impl {
  std::unique_ptr<Pool> pool;
  std::vector<std::unique_ptr<DirCache>> dirs;
  std::vector<uint8_t> changed;  // per active index, this request
  // Halo reuse inside one multi-tick request (kernel.cc copyHalo): per slot
  // and copy, the tick as of which that copy's halo equals its sources' real
  // cells (-1: unknown); per slot and plane, the last tick that changed it.
  // Worker memory, reset by every request: the TS side may write the state
  // between requests, and a restarted worker starts from nothing.
  std::vector<int64_t> haloAt, lastChanged;
  // lastChanged is per slot and plane (planes.h bits): slot * 14 + plane.
  std::vector<uint32_t> tickChanged;  // per active index, the planes this tick changed
  // Per slot, the planes (planes.h bits) known byte-identical in its two
  // copies: not copied by the next tick. Known only from this request's own
  // ticks (0 at its start, for the same reasons as haloAt).
  std::vector<uint32_t> eq;
  // Per slot, its halo table cut into runs, built once per request
  // (runsValid reset by every request: the TS side may rewrite tables).
  std::vector<std::vector<HaloRun>> runs;
  std::vector<uint8_t> runsValid;
};

inline uint8_t* slotBase(uint8_t* state, uint32_t s) { return state + WORLD_HEADER_BYTES + uint64_t(s) * SLOT_BYTES; }
inline Planes copyOf(uint8_t* state, uint32_t s, uint32_t c) { return Planes{slotBase(state, s) + COPY0_OFFSET + uint64_t(c) * COPY_BYTES}; }

bool handleChunkHash(Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err);
bool handleHashTree(Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err);
bool handleGenerate(Impl& im, Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err);

}  // namespace kern
}  // namespace hexd
