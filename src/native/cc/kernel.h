// The native tick kernel: a port of the engine's TS reference tick over the
// chunk slots in the region's state area (see kernel.cc and docs/RULES.md).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "region.h"

namespace hexd {

struct KernelState {
  void* impl = nullptr;  // thread pool and per-run scratch, owned by kernel.cc
};

void kernelInit(KernelState& ks, Region& r);
void kernelDestroy(KernelState& ks);
uint32_t kernelThreads(const KernelState& ks);
// Handles a kernel request (type >= REQ_KERNEL_FIRST); `seq` identifies the
// request across a retry by a restarted worker. Returns false with
// `err` set when the request is malformed or unknown.
bool kernelHandle(KernelState& ks, Region& r, uint32_t type, uint64_t seq, const uint8_t* payload, uint32_t len,
                  std::vector<uint8_t>& out, std::string& err);

}  // namespace hexd
