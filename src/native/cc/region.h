// The shared-memory region: its header, its two SPSC rings and the state area.
// One definition used by the addon (daemon side, thread mode) and the worker
// executable, so both sides agree byte for byte. docs/NATIVE.md draws it.
#pragma once
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <string>

namespace hexd {

constexpr uint64_t REGION_MAGIC = 0x314D485344584548ull;  // "HEXDSHM1" little-endian
constexpr uint32_t REGION_VERSION = 1;                     // header + ring + frame format
constexpr size_t CACHE_LINE = 64;
constexpr size_t HEADER_BYTES = 4096;
constexpr size_t MAX_LAYOUT_PARAMS = 64;

enum SyncMode : uint32_t { SYNC_FUTEX = 1, SYNC_EVENTFD = 2, SYNC_SIGNAL = 3 };
// How the worker wakes the daemon after a response: its waiter thread (per
// sync mode), or an eventfd that Node's own event loop polls (one wake-up).
enum DaemonWake : uint32_t { DAEMON_WAKE_THREAD = 0, DAEMON_WAKE_LOOP = 1 };

// Signals (see docs/NATIVE.md). Node owns SIGUSR1 (inspector), so the daemon
// side is woken with a real-time signal directed at its waiter thread only;
// the worker side uses SIGUSR1 (as the seed says), directed at its loop thread.
inline int daemonSignal() { return SIGRTMIN + 4; }
constexpr int WORKER_SIGNAL = 10;  // SIGUSR1 on Linux

// Ring control block. Producer and consumer indices live on their own cache
// lines so the two sides never false-share. head/tail are monotonically
// increasing 64-bit byte counters (never wrap in practice).
struct RingCtl {
  alignas(CACHE_LINE) std::atomic<uint64_t> head;     // written by the producer only
  alignas(CACHE_LINE) std::atomic<uint64_t> tail;     // written by the consumer only
  alignas(CACHE_LINE) std::atomic<uint32_t> futex;    // bumped by every notify (futex word)
  std::atomic<uint32_t> waiters;                      // consumer is (about to be) asleep
  alignas(CACHE_LINE) uint64_t capacity;              // data bytes, power of two
  uint64_t data_offset;                               // from region start
};
static_assert(sizeof(RingCtl) == 4 * CACHE_LINE, "ring control is four cache lines");

// Frame header, followed by `len` payload bytes, padded to 8 bytes.
struct FrameHdr {
  uint32_t len;   // payload bytes
  uint32_t type;  // request/response type, FRAME_PAD for the wrap filler
  uint64_t seq;   // request sequence number (response carries the request's)
};
constexpr uint32_t FRAME_PAD = 0xFFFFFFFFu;

struct RegionHeader {
  uint64_t magic;
  uint32_t version;
  uint32_t layout_version;  // the engine's layout version (passed at creation)
  uint64_t region_size;
  uint64_t state_offset, state_size;  // chunk-slot area (engine layout)
  uint64_t req_ctl_offset, resp_ctl_offset;
  uint64_t scratch_offset, scratch_size;  // the worker's crash-retry notes (kernel.cc)
  uint32_t sync_mode;
  uint32_t spin_ns;          // bounded spin before sleeping, 0 = off
  int32_t daemon_pid;
  int32_t worker_pid;
  int32_t daemon_waiter_tid;  // signal mode: where the worker directs its wake-up
  int32_t worker_tid;         // signal mode: where the daemon directs its wake-up
  uint32_t n_layout_params;
  uint32_t threads;           // kernel threads the worker should use
  uint32_t daemon_wake;       // DAEMON_WAKE_*: how a response wakes the daemon
  uint32_t pad0;
  alignas(CACHE_LINE) std::atomic<uint64_t> epoch;  // bumped by each committed tick
  alignas(CACHE_LINE) std::atomic<uint64_t> daemon_heartbeat;
  alignas(CACHE_LINE) std::atomic<uint64_t> worker_heartbeat;
  std::atomic<uint32_t> worker_generation;  // incremented by each (re)attached worker
  std::atomic<uint32_t> stop;               // 1: the worker loop exits
  std::atomic<uint32_t> retried_ticks;      // ticks resumed from a dead worker's attempt (kernel.cc)
  alignas(CACHE_LINE) uint32_t layout_params[MAX_LAYOUT_PARAMS];
};
static_assert(sizeof(RegionHeader) <= HEADER_BYTES, "header fits its page");

struct CreateOptions {
  uint64_t state_size = 0;
  uint64_t scratch_size = 0;
  uint64_t ring_bytes = 1 << 20;
  uint32_t layout_version = 0;
  uint32_t sync_mode = SYNC_FUTEX;
  uint32_t spin_ns = 0;
  uint32_t threads = 1;
  uint32_t daemon_wake = DAEMON_WAKE_THREAD;
  const uint32_t* layout_params = nullptr;
  uint32_t n_layout_params = 0;
};

// A mapped region (either side).
struct Region {
  int fd = -1;
  uint8_t* base = nullptr;
  size_t size = 0;
  bool via_memfd = false;
  RegionHeader* hdr() const { return reinterpret_cast<RegionHeader*>(base); }
  RingCtl* req() const { return reinterpret_cast<RingCtl*>(base + hdr()->req_ctl_offset); }
  RingCtl* resp() const { return reinterpret_cast<RingCtl*>(base + hdr()->resp_ctl_offset); }
  uint8_t* state() const { return base + hdr()->state_offset; }
  uint8_t* scratch() const { return base + hdr()->scratch_offset; }
};

// Creates a fresh region: memfd (sealed against grow/shrink), else an
// shm_open object unlinked at once, so no name is ever left behind.
// Returns false with `err` set on failure.
bool regionCreate(const CreateOptions& o, Region& out, std::string& err);
// Maps an inherited fd and validates magic, version and sizes.
bool regionAttach(int fd, uint32_t expect_layout_version, Region& out, std::string& err);
void regionClose(Region& r);
// Validates an already mapped header (used by attach, and by tests on bad regions).
bool regionValidate(const uint8_t* base, size_t size, uint32_t expect_layout_version, std::string& err);

// SPSC ring operations over a mapped region.
// Returns 0 on success, -1 when the frame cannot fit now (ring full), -2 when
// it can never fit (bigger than the ring).
int ringPush(Region& r, RingCtl* c, uint32_t type, uint64_t seq, const void* payload, uint32_t len);
// Peeks the next frame (skipping pads). Returns false when empty. The frame
// stays in the ring until ringPop, so a crash before popping retries it.
bool ringPeek(Region& r, RingCtl* c, FrameHdr& h, const uint8_t*& payload);
void ringPop(Region& r, RingCtl* c);
inline bool ringEmpty(RingCtl* c) {
  return c->head.load(std::memory_order_acquire) == c->tail.load(std::memory_order_relaxed);
}

uint64_t nowNs();

}  // namespace hexd
