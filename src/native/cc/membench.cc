// copyScaling (membench.h): a memcpy stream per thread over its share.
#include "membench.h"

#include <string.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace hexd {
namespace {

double nowS() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// Each of `threads` threads copies its share `passes` times; all start together.
double timed(unsigned char* dst, const unsigned char* src, size_t bytes, int passes, int threads) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  auto body = [&](int t) {
    const size_t b = bytes * size_t(t) / size_t(threads), e = bytes * size_t(t + 1) / size_t(threads);
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {}
    for (int p = 0; p < passes; p++) {
      memcpy(dst + b, src + b, e - b);
      // Keeps the copies from being merged or dropped.
      asm volatile("" : : "r"(dst) : "memory");
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back(body, t);
  while (ready.load() < threads - 1) {}
  const double t0 = nowS();
  go.store(true, std::memory_order_release);
  body(0);
  for (auto& th : pool) th.join();
  return nowS() - t0;
}

}  // namespace

CopyTimes copyScaling(size_t bytes, int passes, int threads, int rounds) {
  std::unique_ptr<unsigned char[]> src(new unsigned char[bytes]), dst(new unsigned char[bytes]);
  memset(src.get(), 1, bytes);
  memset(dst.get(), 0, bytes);
  CopyTimes best{1e30, 1e30};
  for (int r = 0; r < rounds; r++) {
    best.oneThreadS = std::min(best.oneThreadS, timed(dst.get(), src.get(), bytes, passes, 1));
    best.threadsS = std::min(best.threadsS, timed(dst.get(), src.get(), bytes, passes, threads));
  }
  return best;
}

}  // namespace hexd
