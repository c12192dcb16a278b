// A fixed pool of threads for the kernel's parallel loops over chunk slots.
//
// Why it spins (sixth pass). A tick at n=256 is ~0.5 ms of work in ~160 slot
// tasks; a 20-tick request runs ~22 parallel loops back to back. With the old
// mutex + condition-variable pool, each loop woke the sleeping pool threads
// with a futex wake, and Linux placed the woken thread on the waker's CPU
// (measured: >90 % of the pool thread's tasks ran on the caller's CPU while
// the other core idled), so two threads time-shared one core: no speed-up at
// n=256. Now a request holds the pool (`Hold`): its threads wake once at the
// start of the request and spin (`pause`) between the loops of that request,
// so they stay runnable (the load balancer spreads runnable threads over
// idle cores) and start a loop within ~100 ns; the caller spins for the
// stragglers at the end of a loop. Every spin is bounded (kSpinNs) and then
// sleeps on a futex, so a descheduled peer on a busy machine costs at most
// that much CPU; between requests nothing spins.
#pragma once
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace hexd {

// A fixed pool of threads running parallelFor(n, fn) jobs. Thread 0 is the
// caller, so a 1-thread pool has no extra threads at all. One caller at a
// time (the worker's request loop).
class Pool {
 public:
  // How long a thread spins before it sleeps: while a request holds the pool,
  // between two loops (the caller's serial work between ticks is a few µs);
  // for the caller, waiting for the last tasks of a loop.
  static constexpr uint64_t kSpinNs = 2000000;

  explicit Pool(unsigned n) : n_(n ? n : 1), share_(new Share[n_]) {
    for (unsigned t = 1; t < n_; t++) threads_.emplace_back([this, t] { run(t); });
  }
  ~Pool() {
    quit_.store(1, std::memory_order_seq_cst);
    bump();
    for (auto& t : threads_) t.join();
  }
  unsigned size() const { return n_; }

  // While a Hold lives (one request), the pool threads spin between loops
  // instead of sleeping. Creating it wakes them, so their wake-up overlaps
  // the caller's request parsing instead of delaying the first loop.
  class Hold {
   public:
    explicit Hold(Pool& p) : p_(p) {
      if (p_.n_ == 1) return;
      p_.held_.store(1, std::memory_order_seq_cst);
      p_.bump();
    }
    ~Hold() { p_.held_.store(0, std::memory_order_seq_cst); }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    Pool& p_;
  };

  // `reverse`: each thread walks its share from the end (see kernel.cc: the
  // ticks of a request alternate the direction).
  void parallelFor(uint32_t count, const std::function<void(uint32_t)>& fn, bool reverse = false) {
    if (n_ == 1 || count < 2) {
      for (uint32_t k = 0; k < count; k++) fn(reverse ? count - 1 - k : k);
      return;
    }
    reverse_ = reverse;
    job_ = &fn;
    // Thread t starts on its own share [t*count/n, (t+1)*count/n), so with
    // the same active list every tick of a request a slot is mostly ticked
    // by the same thread, whose core's L2 still holds its planes (two
    // threads' shares of n=256, ~1.6 MB each, fit a 2 MB L2; the whole 3.2
    // MB does not). A thread done with its share takes what is left of the
    // others' (load balance: sleeping slots cost nothing).
    for (unsigned t = 0; t < n_; t++) {
      share_[t].begin = uint32_t(uint64_t(count) * t / n_);
      share_[t].next.store(share_[t].begin, std::memory_order_relaxed);
      share_[t].end = uint32_t(uint64_t(count) * (t + 1) / n_);
    }
    busy_.store(uint32_t(threads_.size()), std::memory_order_relaxed);
    jobSeq_.store(jobSeq_.load(std::memory_order_relaxed) + 1, std::memory_order_release);  // publishes the job
    bump();
    work(0);
    // The stragglers: spin, then sleep on busy_ (the last one wakes us).
    if (!spinUntil([this] { return busy_.load(std::memory_order_acquire) == 0; })) {
      doneWaiter_.store(1, std::memory_order_seq_cst);
      for (uint32_t b; (b = busy_.load(std::memory_order_seq_cst)) != 0;) futex(&busy_, FUTEX_WAIT_PRIVATE, b);
      doneWaiter_.store(0, std::memory_order_relaxed);
    }
    job_ = nullptr;
  }

 private:
  static long futex(std::atomic<uint32_t>* a, int op, uint32_t v) {
    return syscall(SYS_futex, reinterpret_cast<uint32_t*>(a), op, v, nullptr, nullptr, 0);
  }
  static uint64_t nowNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  }
  // Spins until done() or kSpinNs pass (the clock is read every 64 polls).
  template <typename F>
  static bool spinUntil(F done) {
    uint64_t end = 0;
    for (uint32_t i = 1;; i++) {
      if (done()) return true;
      __builtin_ia32_pause();
      // Every ~10 µs, let another runnable thread of this core go first: on
      // a busy machine the peer we wait for may be queued behind us.
      if ((i & 1023) == 0) sched_yield();
      if ((i & 63) == 0) {
        const uint64_t t = nowNs();
        if (end == 0) end = t + kSpinNs;
        else if (t >= end) return false;
      }
    }
  }
  // New generation: a job, a hold or quit. A sleeper counts itself in
  // sleepers_ before it re-reads gen_ and sleeps on it (seq_cst both sides),
  // so either it sees the new generation or this sees it asleep and wakes it.
  void bump() {
    gen_.fetch_add(1, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst)) futex(&gen_, FUTEX_WAKE_PRIVATE, INT_MAX);
  }
  void work(unsigned self) {
    for (unsigned o = 0; o < n_; o++) {
      Share& sh = share_[(self + o) % n_];
      for (;;) {
        const uint32_t k = sh.next.fetch_add(1, std::memory_order_relaxed);
        if (k >= sh.end) break;
        (*job_)(reverse_ ? sh.begin + sh.end - 1 - k : k);
      }
    }
  }
  // Each pool thread takes part in every job exactly once (busy_ counts it
  // down): a job is new to it when jobSeq_ differs from the last one it did.
  // The caller cannot publish the next job before this thread has counted
  // the current one down, so the job's fields are stable while it works.
  void run(unsigned self) {
    uint32_t seen = gen_.load(std::memory_order_acquire);
    uint32_t mine = 0;
    for (;;) {
      const uint32_t s = jobSeq_.load(std::memory_order_acquire);
      if (quit_.load(std::memory_order_acquire)) return;
      if (s != mine) {
        mine = s;
        work(self);
        if (busy_.fetch_sub(1, std::memory_order_acq_rel) == 1 && doneWaiter_.load(std::memory_order_seq_cst))
          futex(&busy_, FUTEX_WAKE_PRIVATE, 1);
        continue;
      }
      // Nothing to do: spin for the next generation while a request holds
      // the pool, else (or after kSpinNs) sleep until one.
      const bool spun = held_.load(std::memory_order_relaxed) &&
                        spinUntil([&] { return gen_.load(std::memory_order_acquire) != seen || !held_.load(std::memory_order_relaxed); }) &&
                        gen_.load(std::memory_order_acquire) != seen;
      if (!spun) {
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        while (gen_.load(std::memory_order_seq_cst) == seen) futex(&gen_, FUTEX_WAIT_PRIVATE, seen);
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
      }
      seen = gen_.load(std::memory_order_acquire);
    }
  }

  unsigned n_;
  std::vector<std::thread> threads_;
  // Written by the caller before bump() (release), read after the acquire.
  const std::function<void(uint32_t)>* job_ = nullptr;
  struct alignas(64) Share {
    std::atomic<uint32_t> next{0};
    uint32_t begin = 0, end = 0;
  };
  std::unique_ptr<Share[]> share_;  // per thread (0: the caller)
  bool reverse_ = false;
  alignas(64) std::atomic<uint32_t> gen_{0};
  std::atomic<uint32_t> sleepers_{0}, held_{0}, quit_{0}, jobSeq_{0};
  alignas(64) std::atomic<uint32_t> busy_{0};
  std::atomic<uint32_t> doneWaiter_{0};
};

}  // namespace hexd
