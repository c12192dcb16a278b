// Kernel requests besides the tick: chunk hashes, the chunk hash tree and
// chunk generation (see docs/NATIVE.md for the frames).
#include <algorithm>
#include <cstring>

#include "generate.h"
#include "kernel_impl.h"

namespace hexd {
namespace kern {

// KREQ_CHUNK_HASH: u32 copy, u32 slots[] -> (u32 lo, u32 hi) per slot:
// the chunk hash recomputed from the bytes (checks the stored header hash).
bool handleChunkHash(Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err) {
  if (len < 4 || len % 4) { err = "chunk-hash request wants u32 copy then u32 slot indices"; return false; }
  uint32_t copy;
  memcpy(&copy, p, 4);
  uint8_t* state = r.state();
  const uint32_t* wh = reinterpret_cast<const uint32_t*>(state);
  const uint32_t capacity = wh[WH_CAPACITY];
  if (uint64_t(WORLD_HEADER_BYTES) + uint64_t(capacity) * SLOT_BYTES > r.hdr()->state_size) { err = "world capacity exceeds the state area"; return false; }
  const uint32_t n = (len - 4) / 4;
  out.resize(8ull * n);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t s;
    memcpy(&s, p + 4 + 4 * k, 4);
    if (s >= capacity || copy > 1) { err = "slot or copy out of range"; return false; }
    uint32_t lo, hi;
    rules::chunkHash(copyOf(state, s, copy), reinterpret_cast<const uint32_t*>(slotBase(state, s)), lo, hi);
    memcpy(out.data() + 8 * k, &lo, 4);
    memcpy(out.data() + 8 * k + 4, &hi, 4);
  }
  return true;
}

// KREQ_HASH_TREE: u32 nSlots, u32 nExtra, u32 slots[nSlots], then nExtra
// leaves (u32 chunkLo, chunkHi, hashLo, hashHi) for chunks not in the region
// (the engine's parked chunks) -> u32 lo, u32 hi: hash.ts hashTree over
// (chunk id, header hash) leaves sorted by chunk id.
bool handleHashTree(Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err) {
  if (len < 8) { err = "hash-tree request shorter than its 8-byte header"; return false; }
  uint32_t nSlots, nExtra;
  memcpy(&nSlots, p, 4);
  memcpy(&nExtra, p + 4, 4);
  if (uint64_t(len) != 8 + 4ull * nSlots + 16ull * nExtra) { err = "hash-tree request length does not match its counts"; return false; }
  uint8_t* state = r.state();
  const uint32_t capacity = reinterpret_cast<const uint32_t*>(state)[WH_CAPACITY];
  if (uint64_t(WORLD_HEADER_BYTES) + uint64_t(capacity) * SLOT_BYTES > r.hdr()->state_size) { err = "world capacity exceeds the state area"; return false; }
  struct Leaf { uint64_t chunk; uint32_t lo, hi; };
  std::vector<Leaf> leaves;
  leaves.reserve(nSlots + nExtra);
  for (uint32_t k = 0; k < nSlots; k++) {
    uint32_t s;
    memcpy(&s, p + 8 + 4 * k, 4);
    if (s >= capacity) { err = "slot " + std::to_string(s) + " is beyond capacity"; return false; }
    const uint32_t* h = reinterpret_cast<const uint32_t*>(slotBase(state, s));
    leaves.push_back({uint64_t(h[SH_CHUNK_LO]) | (uint64_t(h[SH_CHUNK_HI]) << 32), h[SH_HASH_LO], h[SH_HASH_HI]});
  }
  const uint8_t* e = p + 8 + 4ull * nSlots;
  for (uint32_t k = 0; k < nExtra; k++) {
    uint32_t v[4];
    memcpy(v, e + 16ull * k, 16);
    leaves.push_back({uint64_t(v[0]) | (uint64_t(v[1]) << 32), v[2], v[3]});
  }
  std::sort(leaves.begin(), leaves.end(), [](const Leaf& a, const Leaf& b) { return a.chunk < b.chunk; });
  std::vector<std::pair<uint32_t, uint32_t>> level;
  level.reserve(leaves.size());
  for (const Leaf& l : leaves) {
    rules::Hash64 h;
    h.word(uint32_t(l.chunk));
    h.word(uint32_t(l.chunk >> 32));
    h.word(l.lo);
    h.word(l.hi);
    uint32_t lo, hi;
    h.digest(lo, hi);
    level.push_back({lo, hi});
  }
  uint32_t root[2] = {0, 0};
  if (!level.empty()) {
    while (level.size() > 1) {
      std::vector<std::pair<uint32_t, uint32_t>> up;
      up.reserve(level.size() / 2 + 1);
      for (size_t k = 0; k + 1 < level.size(); k += 2) {
        rules::Hash64 h;
        h.word(level[k].first); h.word(level[k].second); h.word(level[k + 1].first); h.word(level[k + 1].second);
        uint32_t lo, hi;
        h.digest(lo, hi);
        up.push_back({lo, hi});
      }
      if (level.size() % 2 == 1) up.push_back(level.back());
      level.swap(up);
    }
    root[0] = level[0].first;
    root[1] = level[0].second;
  }
  out.assign(reinterpret_cast<uint8_t*>(root), reinterpret_cast<uint8_t*>(root) + 8);
  return true;
}

// KREQ_GENERATE: u32 count, u32 pad, count × (u32 slot, u32 pad, u64 chunk):
// generate.ts generateChunk into each slot (header + both copies; the halo
// table is left to the engine's chunk manager), spread over the pool.
bool handleGenerate(Impl& im, Region& r, const uint8_t* p, uint32_t len, std::vector<uint8_t>& out, std::string& err) {
  if (len < 8) { err = "generate request shorter than its 8-byte header"; return false; }
  uint32_t count;
  memcpy(&count, p, 4);
  if (uint64_t(len) != 8 + 16ull * count) { err = "generate request length does not match its count"; return false; }
  // This request writes slots the next tick request's `written` list may not
  // name (the engine does not note them): its halo knowledge must not be kept.
  im.token = 0;
  uint8_t* state = r.state();
  const uint32_t* wh = reinterpret_cast<const uint32_t*>(state);
  if (wh[WH_MAGIC] != WORLD_MAGIC || wh[WH_VERSION] != LAYOUT_VERSION) { err = "state area does not hold a world of this layout version"; return false; }
  const uint32_t capacity = wh[WH_CAPACITY], n = wh[WH_N];
  if (uint64_t(WORLD_HEADER_BYTES) + uint64_t(capacity) * SLOT_BYTES > r.hdr()->state_size) { err = "world capacity exceeds the state area"; return false; }
  const uint64_t cps = (uint64_t(n) + CHUNK - 1) / CHUNK, chunks = 10 * cps * cps + 2;
  std::vector<std::pair<uint32_t, uint64_t>> jobs(count);
  for (uint32_t k = 0; k < count; k++) {
    memcpy(&jobs[k].first, p + 8 + 16ull * k, 4);
    memcpy(&jobs[k].second, p + 16 + 16ull * k, 8);
    if (jobs[k].first >= capacity) { err = "slot " + std::to_string(jobs[k].first) + " is beyond capacity " + std::to_string(capacity); return false; }
    if (jobs[k].second >= chunks) { err = "chunk " + std::to_string(jobs[k].second) + " is not a chunk of a world of size " + std::to_string(n); return false; }
  }
  const uint32_t sl = wh[WH_SEED_LO], sh = wh[WH_SEED_HI];
  im.pool->parallelFor(count, [&](uint32_t k) {
    const uint32_t s = jobs[k].first;
    gen::generateChunk(sl, sh, n, jobs[k].second, reinterpret_cast<uint32_t*>(slotBase(state, s)), copyOf(state, s, 0).all, copyOf(state, s, 1).all);
  });
  out.clear();
  return true;
}

}  // namespace kern
}  // namespace hexd
