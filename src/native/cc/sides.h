// The two seam columns of a slot's current RES / AMT halo, handed from the
// halo copy to the resources pass (eighth pass).
//
// Why: a seam column is one byte per row of the slot's own current plane,
// each in its own cache line; those lines are cold when the slot's task
// starts (the previous tick wrote them as the next copy, and a tick's working
// set at n=256 is larger than L2). copyHalo wrote the 4 columns first, a burst
// of ~130 stores that each wait for their line, and the profile charged a
// quarter of the kernel to it. Now copyHalo only gathers the values (from the
// source's edge cache, contiguous) and the resources pass stores each row's
// halo cells a few rows ahead of the row loads that read them, so the lines
// arrive while earlier rows compute. The bytes written are the same.
#pragma once
#include <cstdint>

#include "engine_gen.h"

namespace hexd {
namespace kern {

struct SideCols {
  // v[plane][side][row]: plane 0 RES, 1 AMT; side 0 column 0, 1 column 65;
  // meaningful where on[plane][side].
  uint8_t v[2][2][eng::CHUNK];
  uint8_t on[2][2] = {{0, 0}, {0, 0}};
  bool any() const { return on[0][0] | on[0][1] | on[1][0] | on[1][1]; }
  // Row `i`'s (0-based real row) halo cells into the current planes.
  inline void store(uint8_t* res, uint8_t* amt, uint32_t i) const {
    const uint32_t q = (i + 1) * eng::STRIDE;
    if (on[0][0]) res[q] = v[0][0][i];
    if (on[0][1]) res[q + eng::STRIDE - 1] = v[0][1][i];
    if (on[1][0]) amt[q] = v[1][0][i];
    if (on[1][1]) amt[q + eng::STRIDE - 1] = v[1][1][i];
  }
};

// How many rows ahead of its loads the resources pass stores a row's halo
// cells (the loads of row i read rows i-1..i+1): far enough that the stores
// have reached L1 when the loads come (no store-forwarding stall), near
// enough that the lines are still there.
constexpr uint32_t SIDE_AHEAD = 4;

}  // namespace kern
}  // namespace hexd
