// hexd-worker: the native worker executable.
//   hexd-worker --fd N [--efd-req N --efd-resp N] [--efd-loop N] [--layout-version V]
//       attach to the inherited region fd and run the request loop
//   hexd-worker --raw-bench futex|eventfd|signal [--iters N] [--cpus A,B]
//       raw two-process ping-pong (for `hexd bench ipc`), optionally with
//       the parent pinned to CPU A and the child to CPU B
// Exit codes (sysexits): 0 stopped, 64 usage, 65 bad region, 71 OS error.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "loop.h"

namespace hexd { int rawBench(const char* mode, int iters, const char* cpus); }
using namespace hexd;

static bool numArg(const char* s, long& out) {
  char* end;
  errno = 0;
  out = strtol(s, &end, 10);
  return *s && !*end && !errno;
}

int main(int argc, char** argv) {
  long fd = -1, efd_req = -1, efd_resp = -1, efd_loop = -1, layout = 0, iters = 20000;
  const char* raw = nullptr;
  const char* cpus = nullptr;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    long* target = a == "--fd" ? &fd : a == "--efd-req" ? &efd_req : a == "--efd-resp" ? &efd_resp : a == "--efd-loop" ? &efd_loop
                 : a == "--layout-version" ? &layout : a == "--iters" ? &iters : nullptr;
    if (a == "--raw-bench" && v) { raw = v; i++; continue; }
    if (a == "--cpus" && v) { cpus = v; i++; continue; }
    if (!target || !v || !numArg(v, *target)) {
      fprintf(stderr, "hexd-worker: bad argument \"%s\"%s%s%s\n", a.c_str(), v ? " \"" : "", v ? v : "", v ? "\"" : "");
      return 64;
    }
    i++;
  }
  if (raw) return rawBench(raw, int(iters), cpus);
  if (fd < 0) { fprintf(stderr, "hexd-worker: --fd is required\n"); return 64; }
  // Die with the daemon: a worker never outlives the process that owns the region.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 0;
  // Ctrl-C in a terminal signals the whole process group, and so do `timeout`,
  // `kill -- -PGID` and service managers stopping a group with SIGTERM: the
  // daemon drains and stops this worker itself (stop flag, then SIGKILL), so
  // the worker must not die first (the supervisor would see a crash and
  // restart it mid-shutdown). SIGKILL and the parent-death signal still work.
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  Region r;
  std::string err;
  if (!regionAttach(int(fd), uint32_t(layout), r, err)) {
    fprintf(stderr, "hexd-worker: cannot attach region on fd %ld: %s\n", fd, err.c_str());
    return 65;
  }
  LoopCtx ctx;
  ctx.r = &r;
  ctx.end.r = &r;
  ctx.end.efd_req = int(efd_req);
  ctx.end.efd_resp = int(efd_resp);
  ctx.end.efd_loop = int(efd_loop);
  int rc = runWorkerLoop(ctx);
  regionClose(r);
  return rc;
}
