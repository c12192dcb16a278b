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
//
// Why it moves its threads (seventh pass, AMD EPYC KVM guest, 2 cores).
// Spinning alone did not keep the threads apart there: in 6 of 8 20-tick
// requests at n=256 (rdtsc + sched_getcpu per loop, temporary build) the pool
// thread woke on the caller's CPU and stayed there for all 21 loops while
// the other core idled; the caller ran every task and the pool thread none
// (both threads run all the time, so the load balancer treats them as cache
// hot and does not migrate either within a request). So a pool thread that
// finds itself on the CPU of the caller (or of a lower-numbered pool thread)
// moves itself: it sets its affinity to the allowed CPUs nobody else uses,
// which migrates it at once, and restores its mask right away (no pinning:
// on a busy machine the scheduler may still move it; a thread that waits
// for a CPU only leaves its share to the others, who steal it).
#pragma once
#include <linux/futex.h>
#include <sched.h>
#include <pthread.h>
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

  explicit Pool(unsigned n) : n_(n ? n : 1), share_(new Share[n_]), cpuOf_(new std::atomic<int>[n_]) {
    for (unsigned t = 0; t < n_; t++) cpuOf_[t].store(-1, std::memory_order_relaxed);
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
      p_.cpuOf_[0].store(sched_getcpu(), std::memory_order_relaxed);
      p_.holdSeq_.fetch_add(1, std::memory_order_relaxed);
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
    const uint32_t seq = jobSeq_.load(std::memory_order_relaxed) + 1;
    reverse_.store(reverse, std::memory_order_relaxed);
    job_.store(&fn, std::memory_order_relaxed);
    count_.store(count, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    cpuOf_[0].store(sched_getcpu(), std::memory_order_relaxed);  // where the pool threads should not be
    // Thread t starts on its own share [t*count/n, (t+1)*count/n), so with
    // the same active list every tick of a request a slot is mostly ticked
    // by the same thread, whose core's L2 still holds its planes (two
    // threads' shares of n=256, ~1.6 MB each, fit a 2 MB L2; the whole 3.2
    // MB does not). A thread done with its share takes what is left of the
    // others' (load balance: sleeping slots cost nothing).
    //
    // Each share's word is retagged (new job, no index) BEFORE its end is
    // rewritten: a thread still in the previous job may have loaded that job's
    // exhausted word (old job, index == old end) and be about to read `end`;
    // if it read the new, larger end while the word still held the old tag,
    // its CAS would succeed and it would run a task that is no task of either
    // job (a wrong hash; one CI run saw a replay mismatch under load, not
    // proven to come from this window). With the retag first, a
    // thread that sees the new end (acquire) sees the new tag too, and its
    // CAS fails.
    for (unsigned t = 0; t < n_; t++) {
      const uint32_t b = uint32_t(uint64_t(count) * t / n_);
      share_[t].next.store(uint64_t(seq) << 32 | kNoIndex, std::memory_order_relaxed);
      share_[t].begin.store(b, std::memory_order_relaxed);
      share_[t].end.store(uint32_t(uint64_t(count) * (t + 1) / n_), std::memory_order_release);
      share_[t].next.store(uint64_t(seq) << 32 | b, std::memory_order_release);
    }
    jobSeq_.store(seq, std::memory_order_release);  // publishes the job
    bump();
    work(0, seq);
    // The loop ends when every task is done, not when every thread has
    // looked at it: a pool thread that is not running (a vCPU still waking,
    // measured 1-3 ms for the first loop of a request; or preempted) holds
    // no task, so the caller does not wait for it. Spin, then sleep on done_
    // (the thread finishing the last task wakes us).
    if (!spinUntil([&] { return done_.load(std::memory_order_acquire) == count; })) {
      doneWaiter_.store(1, std::memory_order_seq_cst);
      for (uint32_t d; (d = done_.load(std::memory_order_seq_cst)) != count;) futex(&done_, FUTEX_WAIT_PRIVATE, d);
      doneWaiter_.store(0, std::memory_order_relaxed);
    }
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
  static constexpr uint32_t kMaxMoves = 4;
  // A share word's index while the caller rewrites that share (>= any end).
  static constexpr uint32_t kNoIndex = 0xffffffffu;
  // Moves this pool thread (self >= 1) off a CPU that the caller or a
  // lower-numbered pool thread is on, onto an allowed CPU none of them uses
  // (none: more threads than CPUs, it stays). Returns whether it moved.
  bool spread(unsigned self) {
    const int c = sched_getcpu();
    cpuOf_[self].store(c, std::memory_order_relaxed);
    if (c < 0) return false;
    cpu_set_t used, allowed, target;
    CPU_ZERO(&used);
    for (unsigned u = 0; u < self; u++) {
      const int x = cpuOf_[u].load(std::memory_order_relaxed);
      if (x >= 0 && x < CPU_SETSIZE) CPU_SET(x, &used);
    }
    if (!CPU_ISSET(c, &used)) return false;
    if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0) return false;
    CPU_ZERO(&target);
    for (int x = 0; x < CPU_SETSIZE; x++)
      if (CPU_ISSET(x, &allowed) && !CPU_ISSET(x, &used)) CPU_SET(x, &target);
    if (CPU_COUNT(&target) == 0) return false;
    // Leaving the current CPU out of the mask migrates the thread before the
    // call returns; the old mask goes back at once (not a pin).
    if (pthread_setaffinity_np(pthread_self(), sizeof target, &target) != 0) return false;
    pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
    cpuOf_[self].store(sched_getcpu(), std::memory_order_relaxed);
    return true;
  }
  // Runs tasks of job `seq`, own share first. A task is claimed by a CAS on
  // its share's (job, next index) word, so a thread that read `seq` and was
  // then descheduled claims nothing once that job has ended (the word holds
  // a newer job): the caller never waits for it. A claimed task keeps its
  // job from ending (done_ counts it only after it ran), so the job's
  // fields read after the claim are that job's.
  void work(unsigned self, uint32_t seq) {
    // Used only if this thread ran a task of `seq`, which keeps that job
    // from ending before the add below: then it is that job's count.
    const uint32_t total = count_.load(std::memory_order_relaxed);
    uint32_t ran = 0;
    for (unsigned o = 0; o < n_; o++) {
      Share& sh = share_[(self + o) % n_];
      uint64_t w = sh.next.load(std::memory_order_acquire);
      for (;;) {
        if (uint32_t(w >> 32) != seq) { o = n_; break; }  // the job is over
        const uint32_t k = uint32_t(w);
        if (k >= sh.end.load(std::memory_order_acquire)) break;
        if (!sh.next.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
        const uint32_t b = sh.begin.load(std::memory_order_relaxed), e = sh.end.load(std::memory_order_relaxed);
        (*job_.load(std::memory_order_relaxed))(reverse_.load(std::memory_order_relaxed) ? b + e - 1 - k : k);
        ran++;
        w = sh.next.load(std::memory_order_acquire);
      }
    }
    if (ran && done_.fetch_add(ran, std::memory_order_seq_cst) + ran == total && self != 0 &&
        doneWaiter_.load(std::memory_order_seq_cst))
      futex(&done_, FUTEX_WAKE_PRIVATE, 1);
  }
  // A job is new to a pool thread when jobSeq_ differs from the last one it
  // looked at; it may skip jobs that ended before it looked (work()).
  void run(unsigned self) {
    uint32_t seen = gen_.load(std::memory_order_acquire);
    uint32_t mine = 0, hold = 0, moves = 0;
    for (;;) {
      const uint32_t s = jobSeq_.load(std::memory_order_acquire);
      if (quit_.load(std::memory_order_acquire)) return;
      // Off the caller's CPU when a request starts (before its first job
      // arrives) and, at most kMaxMoves times per request, when a job finds
      // the caller moved onto this thread's CPU.
      const uint32_t h = holdSeq_.load(std::memory_order_relaxed);
      if (h != hold) {
        hold = h;
        moves = 0;
        if (held_.load(std::memory_order_relaxed)) moves += spread(self);
      }
      if (s != mine) {
        mine = s;
        if (moves < kMaxMoves) moves += spread(self);
        work(self, s);
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
  // The job: written by the caller before the shares' release stores, read
  // by a thread after it claimed a task (work()); atomics because a late
  // thread may read them while the caller writes the next job's.
  std::atomic<const std::function<void(uint32_t)>*> job_{nullptr};
  std::atomic<uint32_t> count_{0};
  std::atomic<bool> reverse_{false};
  struct alignas(64) Share {
    std::atomic<uint64_t> next{0};  // (job seq << 32) | next index
    std::atomic<uint32_t> begin{0}, end{0};
  };
  std::unique_ptr<Share[]> share_;  // per thread (0: the caller)
  // Per thread, the CPU it last saw itself on (0: the caller, updated per
  // loop); holdSeq_ counts requests (Hold). See spread().
  std::unique_ptr<std::atomic<int>[]> cpuOf_;
  std::atomic<uint32_t> holdSeq_{0};
  alignas(64) std::atomic<uint32_t> gen_{0};
  std::atomic<uint32_t> sleepers_{0}, held_{0}, quit_{0}, jobSeq_{0};
  alignas(64) std::atomic<uint32_t> done_{0};  // tasks of the current job done
  std::atomic<uint32_t> doneWaiter_{0};
};

}  // namespace hexd
