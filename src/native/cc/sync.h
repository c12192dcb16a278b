// Waking a sleeping peer and sleeping until a ring has data: futex, eventfd
// or directed signals, each after an optional bounded spin. Every sleep has a
// timeout so a dead peer is noticed by its caller.
#pragma once
#include "region.h"

namespace hexd {

// One side's view of the sync state. eventfds are per process (the worker
// inherits them at fixed descriptor numbers); the rest lives in the header.
struct SyncEnd {
  Region* r = nullptr;
  int efd_req = -1;   // signalled when a request is pushed
  int efd_resp = -1;  // signalled when a response is pushed
  int efd_loop = -1;  // DAEMON_WAKE_LOOP: written when a response is pushed and the daemon waits
};

// Which modes work on this kernel: bit 1 futex, bit 2 eventfd, bit 3 signal.
uint32_t syncAvailable();
const char* syncName(uint32_t mode);

// Called by the producer after publishing into `ring`.
void notifyWorker(SyncEnd& e);  // after a request
void notifyDaemon(SyncEnd& e);  // after a response

// Blocks the calling thread until `ring` is non-empty, `stop` becomes
// non-zero, or `timeout_ns` passes. Spins first for up to spin_ns (0 = no
// spin). Returns true when the ring has data. `worker` says which side calls
// (which eventfd / signal to wait for). For signal mode the caller must have
// blocked its signal with blockSyncSignal() on this thread beforehand.
bool waitRing(SyncEnd& e, RingCtl* ring, bool worker, uint64_t timeout_ns, uint32_t spin_ns, const std::atomic<uint32_t>* stop);

// Blocks the side's wake-up signal in the calling thread (so only sigtimedwait
// consumes it) and returns this thread's tid for the header.
int blockSyncSignal(bool worker);
// Installs a no-op handler for the daemon's signal, so a stray delivery to a
// thread that does not block it can never terminate Node.
void installDaemonSignalGuard();

// Spins until pred-like condition: ring non-empty, or spin_ns elapsed.
bool spinRing(RingCtl* ring, uint32_t spin_ns);

}  // namespace hexd
