// Internals shared by the kernel's request handlers (kernel.cc: ticks;
// requests.cc: hashes and generation): slot addressing and per-worker state.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "halo.h"
#include "pool.h"
#include "region.h"
#include "rules.h"

namespace hexd {
namespace kern {

using namespace eng;
using rules::Planes;

enum : uint32_t { KREQ_TICK = 16, KREQ_CHUNK_HASH = 17, KREQ_HASH_TREE = 18, KREQ_GENERATE = 19 };

struct Impl {
  std::unique_ptr<Pool> pool;
  // Per slot: direction map and halo runs (halo.h), kept across requests and
  // re-validated against the slot's halo table at the start of each request.
  std::vector<std::unique_ptr<SlotCache>> cache;
  std::vector<uint32_t> lastDefined;  // the defined-slot bitmap of the previous tick request
  uint64_t definedGen = 0;            // bumped whenever that bitmap changes
  std::vector<uint8_t> changed;  // per active index, this request
  // Halo reuse (halo.cc copyHalo): per slot and copy, the tick as of which
  // that copy's halo equals its sources' real cells (-1: unknown); per slot,
  // which planes changed when (halo.h). Kept across tick requests, with
  // edges, powerZero and structs, only while the request's `basis` is the
  // token of the last tick request this worker answered and the world header
  // shows exactly the commit that request led to; the slots the request
  // lists as written by the TS side since are forgotten (kernel.cc
  // keepOrForget). Otherwise (a restarted worker, a failed request, another
  // world in the region) everything is reset.
  std::vector<int64_t> haloAt;
  uint64_t token = 0;        // the last tick request answered (0: none)
  uint64_t expectWord = 0;   // (epoch, tick lo) the world header should show after it
  uint32_t knownCap = 0;     // the capacity the knowledge was sized for
  ChangeLog log;
  std::vector<uint32_t> tickChanged;  // per active index, the planes this tick changed
  // Per slot, the planes (planes.h bits) known byte-identical in its two
  // copies: not copied by the next tick. Kept across requests: every write
  // the TS side makes to a slot's planes writes both copies alike (actions:
  // cells.ts writeFields; chunk load/generate; setActive's sync of a slot
  // leaving the active set; unload's zero fill), which keeps equal planes
  // equal. A restarted worker starts from 0 (nothing known).
  std::vector<uint32_t> eq;
  // Per slot, a tick since the TS side last wrote it ran without structures
  // (ticks never change the struct plane), so its next POWER was written 0:
  // with POWER in `eq`, both copies' real POWER cells are 0 (kernel.cc
  // tickSlot skips clearing them). Forgotten for slots the TS side wrote.
  std::vector<uint8_t> powerZero;
  // Per slot: has structures (1), has none (0), not looked at yet (-1).
  // Forgotten for slots the TS side wrote (actions place and remove them).
  std::vector<int8_t> structs;
  // Per slot and copy, RES/AMT border columns written by its last tick
  // (halo.h); kept and forgotten like haloAt.
  EdgeCache edges;
  // Per slot, the chunk hash's lanes 16..63 (48 words, hash.h chunkHashKept)
  // and whether they hold for its planes now: cleared by a tick that changes
  // a plane they read (planes::HASH_REST) and forgotten like structs.
  std::vector<uint32_t> hashRest;
  std::vector<uint8_t> hashRestOk;
  // Per slot, its forest / grass cells as bit masks (128 words, resources.h
  // terrainBits) and whether they hold: ticks never write terrain, so they
  // are built once and forgotten like structs (the TS side wrote the slot).
  std::vector<uint64_t> terrBits;
  std::vector<uint8_t> terrOk;
};

inline uint8_t* slotBase(uint8_t* state, uint32_t s) { return state + WORLD_HEADER_BYTES + uint64_t(s) * SLOT_BYTES; }
inline Planes copyOf(uint8_t* state, uint32_t s, uint32_t c) { return Planes{slotBase(state, s) + COPY0_OFFSET + uint64_t(c) * COPY_BYTES}; }

bool handleChunkHash(Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err);
bool handleHashTree(Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err);
bool handleGenerate(Impl& im, Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err);

}  // namespace kern
}  // namespace hexd
