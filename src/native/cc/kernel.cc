// The native tick kernel: the TS reference tick (src/engine/tick.ts) over the
// chunk slots in the region's state area, chunks spread over a thread pool.
//
// KREQ_TICK payload (little-endian):
//   u64 target      tick to reach (committed + 1 for a single tick)
//   u32 flip        0: compute one tick, the daemon flips the epoch (the commit);
//                   1: tick until `target`, committing each tick here by one
//                      atomic 64-bit store of (epoch+1, tick+1) in the world header
//   u32 nActive, u32 nDefinedWords, u32 nWritten
//   u32 active[nActive]           ascending slot indices to tick
//   u32 defined[nDefinedWords]    bitmap: slot i has a view on the TS side
//   u64 basis                     token of the tick request the TS side last
//                                 saw succeed on this region (0: none)
//   u64 token                     this request's token (never 0)
//   u32 written[nWritten]         slots the TS side wrote since `basis`
// Halo knowledge (Impl::haloAt ...) survives from one tick request to the
// next only when `basis` is the last token this worker answered and the
// world header holds the commit it led to; see keepOrForget.
// Response: u64 cellsUpdated, u32 ticksDone, u32 nChanged, u32 changed[nChanged]
//
// Crash safety: a tick writes only the next copies, the current copies' halo
// positions (derived data) and the active slots' headers. Before the first
// attempt of a tick the worker saves those headers in the region's scratch
// area and records (request seq, tick); a retried attempt (new worker, same
// request) restores them and keeps the halo-changed bits, so it computes
// exactly what an uninterrupted attempt would have.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "kernel.h"
#include "halo.h"
#include "kernel_impl.h"
#include "planes.h"
#include "slot_tick.h"

namespace hexd {

using namespace eng;
using rules::Planes;

using namespace kern;

namespace {

// Keeps the per-slot halo knowledge of the previous tick request (minus what
// the TS side wrote since) or resets it. Kept only when all hold: `basis` is
// the token of the last tick request this worker answered (a restarted
// worker has token 0, so a retried request starts over; a request that
// failed left token 0 too), the world header shows exactly the (epoch, tick)
// that request led to (the daemon committed it and nothing else ticked), and
// the capacity is the same. A written slot (action, load, generation, sync,
// unload: both copies written alike, or zeroed) is forgotten: its own halo
// knowledge, edges and structure facts, and its planes count as changed at
// the committed tick, so every halo reading it is re-copied.
void keepOrForget(Impl& im, uint32_t capacity, uint64_t basis, uint64_t word, uint64_t committed, const std::vector<uint32_t>& written) {
  const bool keep = basis != 0 && basis == im.token && word == im.expectWord && capacity == im.knownCap;
  im.token = 0;
  if (!keep) {
    im.haloAt.assign(2ull * capacity, -1);
    im.log.reset(capacity);
    im.powerZero.assign(capacity, 0);
    im.structs.assign(capacity, -1);
    im.edges.reset(capacity);
    im.hashRest.resize(48ull * capacity);
    im.hashRestOk.assign(capacity, 0);
    im.terrBits.resize(2ull * CHUNK * capacity);
    im.terrOk.assign(capacity, 0);
    im.knownCap = capacity;
    return;
  }
  for (uint32_t w : written) {
    im.haloAt[2ull * w] = im.haloAt[2ull * w + 1] = -1;
    im.log.record(w, planes::ALL, int64_t(committed));
    im.edges.ok[2ull * w] = im.edges.ok[2ull * w + 1] = 0;
    im.powerZero[w] = 0;
    im.structs[w] = -1;
    im.hashRestOk[w] = 0;
    im.terrOk[w] = 0;
  }
}

struct Scratch {
  uint64_t seq, tick;  // the attempt these notes belong to
};

bool handleTick(Impl& im, Region& r, uint64_t seq, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err) {
  if (len < 24) { err = "tick request shorter than its 24-byte header"; return false; }
  // The pool threads wake now (overlapping the checks and cache refresh
  // below) and spin between this request's ticks (pool.h).
  Pool::Hold hold(*im.pool);
  uint64_t target;
  uint32_t flip, nActive, nDef, nWritten;
  memcpy(&target, p, 8);
  memcpy(&flip, p + 8, 4);
  memcpy(&nActive, p + 12, 4);
  memcpy(&nDef, p + 16, 4);
  memcpy(&nWritten, p + 20, 4);
  if (uint64_t(len) != 24 + 4ull * nActive + 4ull * nDef + 16 + 4ull * nWritten) { err = "tick request length does not match its counts"; return false; }
  std::vector<uint32_t> active(nActive), defined(nDef), written(nWritten);
  uint64_t basis, token;
  const uint8_t* tail = p + 24 + 4ull * nActive + 4ull * nDef;
  memcpy(active.data(), p + 24, 4ull * nActive);
  memcpy(defined.data(), p + 24 + 4ull * nActive, 4ull * nDef);
  memcpy(&basis, tail, 8);
  memcpy(&token, tail + 8, 8);
  memcpy(written.data(), tail + 16, 4ull * nWritten);
  RegionHeader* rh = r.hdr();
  uint8_t* state = r.state();
  if (rh->state_size < WORLD_HEADER_BYTES) { err = "state area smaller than a world header"; return false; }
  uint32_t* wh = reinterpret_cast<uint32_t*>(state);
  if (wh[WH_MAGIC] != WORLD_MAGIC || wh[WH_VERSION] != LAYOUT_VERSION) {
    err = "state area does not hold a world of layout version " + std::to_string(LAYOUT_VERSION) + " (magic/version " + std::to_string(wh[WH_MAGIC]) + "/" + std::to_string(wh[WH_VERSION]) + ")";
    return false;
  }
  const uint32_t capacity = wh[WH_CAPACITY];
  if (uint64_t(WORLD_HEADER_BYTES) + uint64_t(capacity) * SLOT_BYTES > rh->state_size) { err = "world capacity exceeds the state area"; return false; }
  for (uint32_t k = 0; k < nActive; k++)
    if (active[k] >= capacity) { err = "active slot " + std::to_string(active[k]) + " is beyond capacity " + std::to_string(capacity); return false; }
  for (uint32_t w : written)
    if (w >= capacity) { err = "written slot " + std::to_string(w) + " is beyond capacity " + std::to_string(capacity); return false; }
  if (token == 0) { err = "tick request token 0 (tokens start at 1)"; return false; }
  // Scratch: notes | halo-changed byte per slot | hash-pending byte per slot | saved headers.
  const uint64_t capAligned = (uint64_t(capacity) + 63) & ~63ull;
  const uint64_t bitsOff = 64, pendOff = 64 + capAligned, hdrOff = 64 + 2 * capAligned;
  if (rh->scratch_size < hdrOff + uint64_t(capacity) * SLOT_HEADER_BYTES) { err = "region scratch area too small for this capacity"; return false; }
  uint8_t* scratch = r.scratch();
  auto* note = reinterpret_cast<Scratch*>(scratch);
  uint8_t* haloBits = scratch + bitsOff;
  uint8_t* hashPending = scratch + pendOff;
  uint8_t* savedHdrs = scratch + hdrOff;
  uint64_t committed = uint64_t(wh[WH_TICK_LO]) | (uint64_t(wh[WH_TICK_HI]) << 32);
  keepOrForget(im, capacity, basis, uint64_t(wh[WH_EPOCH]) | (uint64_t(wh[WH_TICK_LO]) << 32), committed, written);
  // Per-slot caches: direction maps and halo runs kept while the halo table
  // (and the defined bitmap the runs were cut for) is unchanged. A slot whose
  // runs changed (a source loaded or unloaded, a new table) has no known halo.
  if (im.cache.size() < capacity) im.cache.resize(capacity);
  if (defined != im.lastDefined) { im.lastDefined = defined; im.definedGen++; }
  for (uint32_t s : active)
    if (!im.cache[s]) im.cache[s] = std::make_unique<SlotCache>();
  // On the pool (seventh pass): each slot's check reads its 4 KiB halo table
  // (~0.65 MB at n=256, from L3), serial work before the first tick that a
  // single-tick request paid in full. Each task touches only its own slot.
  im.pool->parallelFor(nActive, [&](uint32_t k) {
    const uint32_t s = active[k];
    SlotCache& sc = *im.cache[s];
    if (refreshSlotCache(sc, slotBase(state, s), defined.data(), nDef, capacity, sc.definedGen != im.definedGen))
      im.haloAt[2ull * s] = im.haloAt[2ull * s + 1] = -1;
    sc.definedGen = im.definedGen;
  });
  im.changed.assign(nActive, 0);
  if (im.eq.size() < capacity) im.eq.resize(capacity, 0);  // kept across requests (see Impl::eq)

  if (!flip && committed + 1 != target) {
    err = "tick request for tick " + std::to_string(target) + " but the committed tick is " + std::to_string(committed);
    return false;
  }
  uint64_t cells = 0;
  uint32_t ticks = 0;
  std::atomic<uint64_t> cellsA{0};
  while (committed < target) {
    const uint32_t cur = wh[WH_EPOCH] & 1;
    const uint32_t tick = uint32_t(committed + 1);
    const uint32_t seedLo = wh[WH_SEED_LO], seedHi = wh[WH_SEED_HI];
    if (note->seq == seq && note->tick == committed + 1) {
      // A retry of an attempt that died: undo its header writes.
      for (uint32_t s : active) memcpy(slotBase(state, s), savedHdrs + uint64_t(s) * SLOT_HEADER_BYTES, SLOT_HEADER_BYTES);
      rh->retried_ticks.fetch_add(1);
    } else {
      for (uint32_t s : active) {
        memcpy(savedHdrs + uint64_t(s) * SLOT_HEADER_BYTES, slotBase(state, s), SLOT_HEADER_BYTES);
        haloBits[s] = 0;
      }
      std::atomic_thread_fence(std::memory_order_release);
      note->seq = seq;
      note->tick = committed + 1;
    }
    cellsA = 0;
    const bool winter = rules::isWinter(tick);
    // Halo copy and tick in one task per slot: copyHalo(s) writes only s's
    // current halo positions and reads other slots' current real cells, which
    // no tick writes (ticks write next copies), so no barrier is needed
    // between the two; and the current copy copyHalo just pulled into cache
    // (column seams touch every line of every plane) is what tickSlot reads.
    const int64_t T = int64_t(committed + 1);
    im.tickChanged.assign(nActive, 0);
    im.pool->parallelFor(nActive, [&](uint32_t k) {
      const uint32_t s = active[k];
      SlotCache& sc = *im.cache[s];
      uint32_t* hdr = reinterpret_cast<uint32_t*>(slotBase(state, s));
      // A full chunk that will tick: its RES/AMT seam columns go to the resources pass.
      SideCols sides, *sp = (winter || !(hdr[SH_FLAGS] & SLOT_FLAG_ASLEEP)) && hdr[SH_ROWS] == CHUNK && hdr[SH_COLS] == CHUNK ? &sides : nullptr;
      const uint32_t haloMask = copyHalo(state, s, cur, sc, im.log, im.haloAt[2ull * s + cur], im.edges, sp);
      if (haloMask) haloBits[s] = 1;
      im.eq[s] &= ~haloMask;  // a plane whose current halo just changed no longer equals the next copy's
      im.haloAt[2ull * s + cur] = T;
      if (!winter && (hdr[SH_FLAGS] & SLOT_FLAG_ASLEEP) != 0 && !haloBits[s]) {
        // Asleep: both copies' real cells are equal, so are their edges. Only
        // the next copy's side is written (neighbours read the current one).
        uint8_t* ok = im.edges.ok.data() + 2ull * s;
        if (ok[cur] && !ok[cur ^ 1]) {
          uint8_t* e = im.edges.bytes.data() + 2ull * s * EDGE_BYTES;
          memcpy(e + (cur ^ 1) * EDGE_BYTES, e + cur * EDGE_BYTES, EDGE_BYTES);
          ok[cur ^ 1] = 1;
        }
        return;
      }
      cellsA.fetch_add(uint64_t(hdr[SH_ROWS]) * hdr[SH_COLS], std::memory_order_relaxed);
      const uint8_t* dm = sc.dm.data();
      // A multi-tick request defers chunk hashes to its end, except on its
      // last tick: a slot that changes then is hashed right away, while its
      // new copy is still in cache (the deferred pass would read it cold).
      const bool last = !flip || committed + 1 == target;
      const bool ch = tickSlot(state, s, dm, cur, seedLo, seedHi, tick, last ? nullptr : hashPending + s, im.eq[s], im.powerZero[s], im.structs[s],
                                 im.hashRest.data() + 48ull * s, im.hashRestOk[s], im.terrBits.data() + 2ull * CHUNK * s, im.terrOk[s], sp);
      if (ch && flip && last) hashPending[s] = 0;
      extractEdges(copyOf(state, s, cur ^ 1).all, s, cur ^ 1, hdr[SH_ROWS], hdr[SH_COLS], im.edges);
      im.haloAt[2ull * s + (cur ^ 1)] = T;  // tickSlot copied the whole current copy, halo included
      im.tickChanged[k] = planes::ALL & ~im.eq[s];  // the planes this tick changed
      if (ch) {
        im.changed[k] = 1;
        // What World.endStep does for a changed slot; here because this
        // request commits the tick itself.
        if (flip) hdr[SH_FLAGS] |= SLOT_FLAG_MODIFIED;
      }
    // Alternate ticks walk the slots backwards: the slots ticked last are
    // the ones still in cache when the next tick starts (a tick's working
    // set, ~3 MB at n=256, is larger than one core's L2; walking it in the
    // same order every time would find none of it there). Order does not
    // change results: each task writes only its own slot.
    }, (tick & 1) != 0);
    for (uint32_t k = 0; k < nActive; k++) im.log.record(active[k], im.tickChanged[k], T);
    cells += cellsA.load();
    ticks++;
    rh->worker_heartbeat.fetch_add(1, std::memory_order_relaxed);
    if (!flip) break;
    // The commit: epoch and tick move together in one 64-bit store.
    const uint64_t next = committed + 1;
    if (uint32_t(next) == 0) wh[WH_TICK_HI] = uint32_t(next >> 32);
    const uint64_t word = uint64_t(wh[WH_EPOCH] + 1) | (uint64_t(uint32_t(next)) << 32);
    reinterpret_cast<std::atomic<uint64_t>*>(wh + WH_EPOCH)->store(word, std::memory_order_release);
    rh->epoch.fetch_add(1, std::memory_order_relaxed);
    committed = next;
  }
  if (flip) {
    // Deferred chunk hashes: once per slot changed during the request, over
    // its committed copy: the same header bytes as hashing after every tick.
    // The pending marks live in the region, so a retry after a crash finishes
    // the ones an earlier attempt left.
    const uint32_t cur = wh[WH_EPOCH] & 1;
    im.pool->parallelFor(nActive, [&](uint32_t k) {
      const uint32_t s = active[k];
      if (!hashPending[s]) return;
      uint32_t* hdr = reinterpret_cast<uint32_t*>(slotBase(state, s));
      uint32_t lo, hi;
      rules::chunkHashKept(copyOf(state, s, cur), hdr, lo, hi, im.hashRest.data() + 48ull * s, im.hashRestOk[s]);
      hdr[SH_HASH_LO] = lo;
      hdr[SH_HASH_HI] = hi;
      hashPending[s] = 0;
    });
  }
  // What the world header will show when the next request comes: this
  // request's own commits, or (flip 0) the daemon's epoch flip to `target`.
  im.expectWord = flip ? (uint64_t(wh[WH_EPOCH]) | (uint64_t(wh[WH_TICK_LO]) << 32))
                       : (uint64_t(uint32_t(wh[WH_EPOCH] + 1)) | (uint64_t(uint32_t(target)) << 32));
  im.token = token;
  uint32_t nChanged = 0;
  for (uint32_t k = 0; k < nActive; k++) nChanged += im.changed[k];
  out.resize(16 + 4ull * nChanged);
  memcpy(out.data(), &cells, 8);
  memcpy(out.data() + 8, &ticks, 4);
  memcpy(out.data() + 12, &nChanged, 4);
  uint32_t w = 0;
  for (uint32_t k = 0; k < nActive; k++)
    if (im.changed[k]) { memcpy(out.data() + 16 + 4ull * w, &active[k], 4); w++; }
  return true;
}


}  // namespace

void kernelInit(KernelState& ks, Region& r) {
  auto* im = new Impl();
  unsigned n = r.hdr()->threads;
  if (n == 0) n = std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  if (n > 256) n = 256;
  im->pool = std::make_unique<Pool>(n);
  ks.impl = im;
}

void kernelDestroy(KernelState& ks) {
  delete static_cast<Impl*>(ks.impl);
  ks.impl = nullptr;
}

uint32_t kernelThreads(const KernelState& ks) { return static_cast<Impl*>(ks.impl)->pool->size(); }

bool kernelHandle(KernelState& ks, Region& r, uint32_t type, uint64_t seq, const uint8_t* payload, uint32_t len,
                  std::vector<uint8_t>& out, std::string& err) {
  Impl& im = *static_cast<Impl*>(ks.impl);
  switch (type) {
    case KREQ_TICK: return handleTick(im, r, seq, payload, len, out, err);
    case KREQ_CHUNK_HASH: return handleChunkHash(r, payload, len, out, err);
    case KREQ_HASH_TREE: return handleHashTree(r, payload, len, out, err);
    case KREQ_GENERATE: return handleGenerate(im, r, payload, len, out, err);
  }
  err = "kernel request type " + std::to_string(type) + " is not known to this worker";
  return false;
}

}  // namespace hexd