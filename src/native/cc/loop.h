// The worker's request loop: wait for a request, handle it, answer, repeat.
// The same loop runs in the worker executable (--compute process) and on a
// thread inside the daemon (--compute thread), over the same region.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "region.h"
#include "sync.h"

namespace hexd {

// Request types (responses carry the same type, or RESP_ERROR). The numbers
// are the wire protocol: src/native/protocol.ts mirrors them.
enum ReqType : uint32_t {
  REQ_PING = 1,   // echo the payload
  REQ_INFO = 2,   // -> u32 pid, u32 generation, u32 kernel threads
  REQ_READ_STATE = 3,  // u64 offset, u32 len -> those bytes of the state area (checks zero-copy sharing)
  REQ_KERNEL_FIRST = 16,  // 16.. are kernel requests (kernel.h)
};
constexpr uint32_t RESP_ERROR = 0x7FFFFFFFu;  // payload: UTF-8 message

struct LoopCtx {
  Region* r = nullptr;
  SyncEnd end;
  const std::atomic<uint32_t>* stop = nullptr;  // thread mode: set by the daemon
  uint64_t wait_timeout_ns = 50000000;           // heartbeat period while idle
};

// Runs until the header's stop flag (or ctx.stop) is set. Returns 0.
int runWorkerLoop(LoopCtx& ctx);

}  // namespace hexd
