// Raw two-process ping-pong with futex, eventfd or signals: the floor that
// hexd's own request/response is compared with in `hexd bench ipc`. No
// rings, no spinning: one wake-up each way per round trip.
#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <vector>

#include "region.h"

namespace hexd {

static long fwait(std::atomic<uint32_t>* a, uint32_t v) {
  timespec ts{1, 0};
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(a), FUTEX_WAIT, v, &ts, nullptr, 0);
}
static void fwake(std::atomic<uint32_t>* a) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(a), FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

// Returns 0 and prints {"name","p50_us","p99_us","iters"} on stdout.
// `cpus` ("A,B" or null): pin the parent to CPU A and the child to CPU B, so
// the floor is measured with a known placement (one CPU: a wake-up is a
// context switch; two: it crosses CPUs, which on a VM can wake an idle vCPU).
static bool pinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

int rawBench(const char* mode, int iters, const char* cpus) {
  const bool fx = !strcmp(mode, "futex"), ev = !strcmp(mode, "eventfd"), sg = !strcmp(mode, "signal");
  if (!fx && !ev && !sg) { fprintf(stderr, "hexd-worker: --raw-bench must be futex, eventfd or signal, got \"%s\"\n", mode); return 64; }
  int cpuA = -1, cpuB = -1, used = 0;
  if (cpus && (sscanf(cpus, "%d,%d%n", &cpuA, &cpuB, &used) != 2 || size_t(used) != strlen(cpus) || cpuA < 0 || cpuB < 0 || cpuA >= CPU_SETSIZE || cpuB >= CPU_SETSIZE)) {
    fprintf(stderr, "hexd-worker: --cpus must be two CPU numbers \"A,B\", got \"%s\"\n", cpus);
    return 64;
  }
  if (cpus && !pinTo(cpuA)) { fprintf(stderr, "hexd-worker: cannot pin to CPU %d: %s\n", cpuA, strerror(errno)); return 71; }
  auto* words = static_cast<std::atomic<uint32_t>*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  new (&words[0]) std::atomic<uint32_t>(0);
  new (&words[16]) std::atomic<uint32_t>(0);
  std::atomic<uint32_t>* ping = &words[0];
  std::atomic<uint32_t>* pong = &words[16];  // another cache line
  int e1 = eventfd(0, 0), e2 = eventfd(0, 0);
  sigset_t s1, s2;
  sigemptyset(&s1); sigaddset(&s1, SIGUSR1);
  sigemptyset(&s2); sigaddset(&s2, SIGUSR2);
  sigset_t both = s1; sigaddset(&both, SIGUSR2);
  sigprocmask(SIG_BLOCK, &both, nullptr);
  const int total = iters + iters / 10;  // first 10% are warm-up
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (cpus && !pinTo(cpuB)) _exit(71);
    for (int i = 0; i < total; i++) {
      if (fx) {
        while (ping->load() == uint32_t(i)) fwait(ping, uint32_t(i));
        pong->store(uint32_t(i + 1));
        fwake(pong);
      } else if (ev) {
        uint64_t v; if (read(e1, &v, 8) != 8) _exit(1);
        v = 1; if (write(e2, &v, 8) != 8) _exit(1);
      } else {
        int sig; sigwait(&s1, &sig);
        kill(parent, SIGUSR2);
      }
    }
    _exit(0);
  }
  std::vector<double> us;
  us.reserve(size_t(total));
  for (int i = 0; i < total; i++) {
    uint64_t t0 = nowNs();
    if (fx) {
      ping->store(uint32_t(i + 1));
      fwake(ping);
      while (pong->load() == uint32_t(i)) fwait(pong, uint32_t(i));
    } else if (ev) {
      uint64_t v = 1; if (write(e1, &v, 8) != 8) return 71;
      if (read(e2, &v, 8) != 8) return 71;
    } else {
      kill(child, SIGUSR1);
      int sig; sigwait(&s2, &sig);
    }
    if (i >= total - iters) us.push_back(double(nowNs() - t0) / 1000.0);
  }
  int st; waitpid(child, &st, 0);
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) { return us[std::min(us.size() - 1, size_t(p * double(us.size())))]; };
  printf("{\"name\":\"raw-%s\",\"p50_us\":%.3f,\"p99_us\":%.3f,\"iters\":%d}\n", mode, pct(0.5), pct(0.99), iters);
  return 0;
}

}  // namespace hexd
