// futex / eventfd / signal notify and wait (see sync.h).
#include "sync.h"

#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace hexd {

static inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

static long futexWait(std::atomic<uint32_t>* addr, uint32_t val, uint64_t timeout_ns) {
  timespec ts{time_t(timeout_ns / 1000000000ull), long(timeout_ns % 1000000000ull)};
  // Shared (not PRIVATE) futex: the word lives in a MAP_SHARED mapping used by two processes.
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), FUTEX_WAIT, val, &ts, nullptr, 0);
}
static long futexWake(std::atomic<uint32_t>* addr) {
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

uint32_t syncAvailable() {
  uint32_t bits = 0;
  std::atomic<uint32_t> word{0};
  if (futexWake(&word) >= 0) bits |= 1u << SYNC_FUTEX;
  int fd = eventfd(0, EFD_CLOEXEC);
  if (fd >= 0) { bits |= 1u << SYNC_EVENTFD; close(fd); }
  bits |= 1u << SYNC_SIGNAL;  // POSIX signals are always there
  return bits;
}

const char* syncName(uint32_t mode) {
  switch (mode) {
    case SYNC_FUTEX: return "futex";
    case SYNC_EVENTFD: return "eventfd";
    case SYNC_SIGNAL: return "signal";
  }
  return "unknown";
}

static void notifyRing(SyncEnd& e, RingCtl* ring, int efd, int pid, int tid, int sig) {
  switch (e.r->hdr()->sync_mode) {
    case SYNC_FUTEX:
      ring->futex.fetch_add(1, std::memory_order_seq_cst);
      // Skip the syscall when nobody sleeps: the common case under spin.
      if (ring->waiters.load(std::memory_order_seq_cst)) futexWake(&ring->futex);
      break;
    case SYNC_EVENTFD: {
      uint64_t one = 1;
      if (efd >= 0) { ssize_t n = write(efd, &one, sizeof one); (void)n; }
      break;
    }
    case SYNC_SIGNAL:
      ring->futex.fetch_add(1, std::memory_order_seq_cst);
      if (ring->waiters.load(std::memory_order_seq_cst) && pid > 0 && tid > 0) syscall(SYS_tgkill, pid, tid, sig);
      break;
  }
}

void notifyWorker(SyncEnd& e) {
  auto* h = e.r->hdr();
  notifyRing(e, e.r->req(), e.efd_req, h->worker_pid, h->worker_tid, WORKER_SIGNAL);
}
void notifyDaemon(SyncEnd& e) {
  auto* h = e.r->hdr();
  if (h->daemon_wake == DAEMON_WAKE_LOOP) {
    RingCtl* ring = e.r->resp();
    ring->futex.fetch_add(1, std::memory_order_seq_cst);
    // The daemon's JS side sets `waiters` while it has requests in flight and
    // is not spinning; then one eventfd write wakes its event loop directly.
    if (ring->waiters.load(std::memory_order_seq_cst) && e.efd_loop >= 0) {
      uint64_t one = 1;
      ssize_t n = write(e.efd_loop, &one, sizeof one);
      (void)n;
    }
    return;
  }
  notifyRing(e, e.r->resp(), e.efd_resp, h->daemon_pid, h->daemon_waiter_tid, daemonSignal());
}

bool spinRing(RingCtl* ring, uint32_t spin_ns) {
  if (!ringEmpty(ring)) return true;
  if (!spin_ns) return false;
  const uint64_t end = nowNs() + spin_ns;
  for (;;) {
    for (int i = 0; i < 32; i++) {
      if (!ringEmpty(ring)) return true;
      cpuRelax();
    }
    if (nowNs() >= end) return !ringEmpty(ring);
    // On a busy machine the peer may share our core: let it run rather than
    // burn the whole budget against it.
    sched_yield();
  }
}

bool waitRing(SyncEnd& e, RingCtl* ring, bool worker, uint64_t timeout_ns, uint32_t spin_ns, const std::atomic<uint32_t>* stop) {
  if (spinRing(ring, spin_ns)) return true;
  if (stop && stop->load()) return false;
  const uint32_t mode = e.r->hdr()->sync_mode;
  switch (mode) {
    case SYNC_FUTEX: {
      uint32_t v = ring->futex.load(std::memory_order_seq_cst);
      ring->waiters.fetch_add(1, std::memory_order_seq_cst);
      // Re-check after announcing ourselves: a push between the check and the
      // announcement changed the futex word, so the wait returns at once.
      if (ringEmpty(ring) && !(stop && stop->load())) futexWait(&ring->futex, v, timeout_ns);
      ring->waiters.fetch_sub(1, std::memory_order_seq_cst);
      break;
    }
    case SYNC_EVENTFD: {
      int fd = worker ? e.efd_req : e.efd_resp;
      if (!ringEmpty(ring)) return true;
      pollfd p{fd, POLLIN, 0};
      int ms = int((timeout_ns + 999999) / 1000000);
      if (poll(&p, 1, ms) > 0) {
        uint64_t v;
        ssize_t n = read(fd, &v, sizeof v);  // reset the counter (fd is non-blocking)
        (void)n;
      }
      break;
    }
    case SYNC_SIGNAL: {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, worker ? WORKER_SIGNAL : daemonSignal());
      ring->waiters.fetch_add(1, std::memory_order_seq_cst);
      if (ringEmpty(ring) && !(stop && stop->load())) {
        timespec ts{time_t(timeout_ns / 1000000000ull), long(timeout_ns % 1000000000ull)};
        sigtimedwait(&set, nullptr, &ts);
      }
      ring->waiters.fetch_sub(1, std::memory_order_seq_cst);
      break;
    }
  }
  return !ringEmpty(ring);
}

int blockSyncSignal(bool worker) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, worker ? WORKER_SIGNAL : daemonSignal());
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return int(syscall(SYS_gettid));
}

static void noopHandler(int) {}

void installDaemonSignalGuard() {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = noopHandler;
  sa.sa_flags = SA_RESTART;
  sigaction(daemonSignal(), &sa, nullptr);
}

}  // namespace hexd
