// The request loop (see loop.h). A request stays in the ring until its
// response is published, so a worker that dies mid-request is replaced by
// one that handles the same request again (requests are idempotent: a tick
// request names its target tick, not a count).
#include "loop.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "kernel.h"

namespace hexd {

static void respond(LoopCtx& ctx, uint32_t type, uint64_t seq, const void* p, uint32_t len) {
  Region& r = *ctx.r;
  for (;;) {
    int rc = ringPush(r, r.resp(), type, seq, p, len);
    if (rc == 0) break;
    if (rc == -2) {  // can never fit: answer with an error instead
      const char* m = "response larger than the response ring";
      ringPush(r, r.resp(), RESP_ERROR, seq, m, uint32_t(strlen(m)));
      break;
    }
    // Full: the daemon drains on its own; wake it and retry shortly.
    notifyDaemon(ctx.end);
    usleep(50);
    if (r.hdr()->stop.load() || (ctx.stop && ctx.stop->load())) return;
  }
  notifyDaemon(ctx.end);
}

int runWorkerLoop(LoopCtx& ctx) {
  Region& r = *ctx.r;
  RegionHeader* h = r.hdr();
  int tid = blockSyncSignal(true);
  h->worker_generation.fetch_add(1);
  h->worker_tid = tid;
  h->worker_pid = int32_t(getpid());  // last: "attached" once this shows our pid
  // We are the request ring's only consumer: a predecessor killed while
  // asleep left its waiter mark behind.
  r.req()->waiters.store(0);
  KernelState ks;
  kernelInit(ks, r);
  std::vector<uint8_t> out;
  std::string err;
  for (;;) {
    h->worker_heartbeat.fetch_add(1, std::memory_order_relaxed);
    if (h->stop.load() || (ctx.stop && ctx.stop->load())) break;
    FrameHdr f;
    const uint8_t* payload;
    if (!ringPeek(r, r.req(), f, payload)) {
      waitRing(ctx.end, r.req(), true, ctx.wait_timeout_ns, h->spin_ns, ctx.stop);
      continue;
    }
    out.clear();
    err.clear();
    uint32_t rtype = f.type;
    if (f.type == REQ_PING) {
      out.assign(payload, payload + f.len);
    } else if (f.type == REQ_INFO) {
      uint32_t v[3] = {uint32_t(getpid()), h->worker_generation.load(), kernelThreads(ks)};
      out.assign(reinterpret_cast<uint8_t*>(v), reinterpret_cast<uint8_t*>(v) + sizeof v);
    } else if (f.type == REQ_READ_STATE) {
      uint64_t off = 0;
      uint32_t n = 0;
      if (f.len == 12) { memcpy(&off, payload, 8); memcpy(&n, payload + 8, 4); }
      if (f.len != 12 || off > h->state_size || n > h->state_size - off || n > (1u << 16)) {
        err = "read-state wants {u64 offset, u32 len <= 65536} inside the " + std::to_string(h->state_size) + "-byte state area";
        rtype = RESP_ERROR;
      } else {
        out.assign(r.state() + off, r.state() + off + n);
      }
    } else if (f.type >= REQ_KERNEL_FIRST) {
      if (!kernelHandle(ks, r, f.type, f.seq, payload, f.len, out, err)) rtype = RESP_ERROR;
    } else {
      err = "unknown request type " + std::to_string(f.type);
      rtype = RESP_ERROR;
    }
    if (rtype == RESP_ERROR) respond(ctx, RESP_ERROR, f.seq, err.data(), uint32_t(err.size()));
    else respond(ctx, rtype, f.seq, out.data(), uint32_t(out.size()));
    ringPop(r, r.req());
  }
  kernelDestroy(ks);
  return 0;
}

}  // namespace hexd
