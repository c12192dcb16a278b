// A fixed pool of threads for the kernel's parallel loops over chunk slots.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hexd {

// A fixed pool of threads running parallelFor(n, fn) jobs. Thread 0 is the
// caller, so a 1-thread pool has no extra threads at all.
class Pool {
 public:
  explicit Pool(unsigned n) : n_(n ? n : 1) {
    for (unsigned t = 1; t < n_; t++) threads_.emplace_back([this] { run(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> g(m_);
      quit_ = true;
      gen_++;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  unsigned size() const { return n_; }
  void parallelFor(uint32_t count, const std::function<void(uint32_t)>& fn) {
    if (n_ == 1 || count < 2) {
      for (uint32_t k = 0; k < count; k++) fn(k);
      return;
    }
    {
      std::lock_guard<std::mutex> g(m_);
      job_ = &fn;
      count_ = count;
      next_ = 0;
      busy_ = unsigned(threads_.size());
      gen_++;
    }
    cv_.notify_all();
    work();
    std::unique_lock<std::mutex> l(m_);
    done_.wait(l, [this] { return busy_ == 0; });
    job_ = nullptr;
  }

 private:
  void work() {
    for (;;) {
      uint32_t k = next_.fetch_add(1);
      if (k >= count_) return;
      (*job_)(k);
    }
  }
  void run() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> l(m_);
        cv_.wait(l, [&] { return gen_ != seen; });
        seen = gen_;
        if (quit_) return;
      }
      work();
      std::lock_guard<std::mutex> g(m_);
      if (--busy_ == 0) done_.notify_one();
    }
  }
  unsigned n_;
  std::vector<std::thread> threads_;
  std::mutex m_;
  std::condition_variable cv_, done_;
  const std::function<void(uint32_t)>* job_ = nullptr;
  uint32_t count_ = 0;
  std::atomic<uint32_t> next_{0};
  unsigned busy_ = 0;
  uint64_t gen_ = 0;
  bool quit_ = false;
};

}  // namespace hexd
