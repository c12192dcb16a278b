// The machine's own two-thread scaling for a memory-bound pass, measured in
// the same run as `hexd bench kernel` (the baseline for its per-core figure).
//
// Why (NATIVE.md, eleventh pass): on a 2-vCPU guest the kernel's two threads
// reached 1.4x of one at n=256 while pure arithmetic scaled 2.0x; a plain
// copy of the same number of bytes scaled about as badly. Reporting that copy
// next to the kernel says how much of the missing scaling is the machine's.
#pragma once
#include <cstddef>

namespace hexd {

struct CopyTimes {
  double oneThreadS;   // best time for one thread to copy `bytes`, `passes` times
  double threadsS;     // best time for `threads` threads, each copying its share of `bytes`
};

// Copies a `bytes` source into a `bytes` destination `passes` times, first on
// one thread, then split over `threads` threads (contiguous shares), each
// configuration `rounds` times, interleaved; returns the best time of each.
CopyTimes copyScaling(size_t bytes, int passes, int threads, int rounds);

}  // namespace hexd
