// One slot's tick (src/engine/tick.ts tickSlot): the body of kernel.cc's
// per-slot task after the halo copy. Split out of kernel.cc, which keeps the
// tick request (parsing, knowledge, the pool loop, commits); included only
// there.
#pragma once
#include <cstdint>
#include <cstring>

#include "halo.h"
#include "kernel_impl.h"
#include "planes.h"

namespace hexd {

using namespace eng;
using rules::Planes;
using namespace kern;

// tick.ts tickSlot.
// With `hashPending` (multi-tick requests) the chunk hash is not computed
// here: the slot is marked and hashed once when the request ends.
// `eq` (planes.h bits): planes known byte-identical in both copies on entry
// (not copied); on return, the planes identical after the tick (those with
// no real cell changed: the rest was copied or already equal).
// `powerZero` (see Impl::powerZero): in, an earlier tick (since the TS side
// last wrote the slot) ticked it without structures; out, this tick did.
// `structs`: whether the slot has structures, -1 until looked at.
// `sides` (not null): RES/AMT seam columns the resources pass stores (sides.h).
inline bool tickSlot(uint8_t* state, uint32_t s, const uint8_t* dm, uint32_t cur, uint32_t seedLo, uint32_t seedHi, uint32_t tick, uint8_t* hashPending,
              uint32_t& eq, uint8_t& powerZero, int8_t& structs, uint32_t* hashRest, uint8_t& hashRestOk, uint64_t* terrBits, uint8_t& terrOk, const SideCols* sides) {
  uint32_t* hdr = reinterpret_cast<uint32_t*>(slotBase(state, s));
  Planes c = copyOf(state, s, cur), x = copyOf(state, s, cur ^ 1);
  rules::PhaseCtx ctx{seedLo, seedHi, tick, hdr, dm, nullptr, nullptr, sides};
  const uint32_t rows = hdr[SH_ROWS] > CHUNK ? CHUNK : hdr[SH_ROWS], cols = hdr[SH_COLS] > CHUNK ? CHUNK : hdr[SH_COLS];
  // Ticks never change the struct plane; only the TS side does (actions,
  // loads), and such a slot is forgotten (kernel.cc keepOrForget). So a chunk
  // without structures now had none at the earlier tick that wrote its next
  // POWER 0; with POWER equal in both copies since, its real cells are 0 in
  // both already. The plane is scanned once, until the slot is written.
  if (structs < 0) structs = rules::anyStructure(c, rows, cols) ? 1 : 0;
  const bool structures = structs != 0;
  const bool pz = !structures && powerZero && (eq >> PL8_POWER & 1);
  powerZero = !structures;
  // Terrain is never written by a tick: known equal in both copies, it is
  // read from copy 0 whichever copy is current.
  if (cur != 0 && (eq >> PL8_TERRAIN & 1)) ctx.terrain = copyOf(state, s, 0).p8(PL8_TERRAIN);
  if (!terrOk) {
    rules::terrainBits(c.p8(PL8_TERRAIN), rows, cols, terrBits);
    terrOk = 1;
  }
  ctx.terrBits = terrBits;
  planes::copyForTick(c, x, eq, rows == CHUNK && cols == CHUNK);
  bool potential;
  uint32_t diffMask = 0, cells;
  if (structures) {
    potential = rules::phaseResources(ctx, c, x);
    rules::phasePower(ctx, c, x);
    potential = rules::phaseStructures(ctx, c, x) || potential;
    // Cells with any plane changed (tick.ts compares the whole copy; the
    // phases write only real cells and only these planes, see planes.h).
    cells = planes::countChanged(c, x, rows, cols, planes::WRITTEN | planes::STRUCTURAL, diffMask);
  } else {
    // Phases 2 and 3 only act on structures: a chunk without any gets the
    // same result (all power 0, nothing else) from the resources pass, which
    // also clears power (unless already 0 in both copies) and counts changes.
    rules::ResStats st;
    potential = rules::phaseResources(ctx, c, x, &st, !pz);
    cells = st.cells;
    diffMask = st.planes;
  }
  eq = planes::ALL & ~diffMask;
  if (diffMask & planes::HASH_REST) hashRestOk = 0;
  const bool changed = cells != 0;
  if (changed) {
    hdr[SH_CHANGED] = cells;
    hdr[SH_LAST_CHANGED] = tick;
    if (hashPending) {
      *hashPending = 1;
    } else {
      uint32_t lo, hi;
      rules::chunkHashKept(x, hdr, lo, hi, hashRest, hashRestOk);
      hdr[SH_HASH_LO] = lo;
      hdr[SH_HASH_HI] = hi;
    }
  } else {
    hdr[SH_CHANGED] = 0;
  }
  hdr[SH_FLAGS] = (!changed && !potential) ? (hdr[SH_FLAGS] | SLOT_FLAG_ASLEEP) : (hdr[SH_FLAGS] & ~SLOT_FLAG_ASLEEP);
  return changed;
}

}  // namespace hexd
