// A socket writer thread for the daemon's WebSocket connections.
//
// Why (SERVE.md, eighth pass): at a thousand clients the daemon's event loop
// spent about 10 µs in each socket write syscall (a loopback TCP send runs the
// receiver's side of the stack too), a thousand per tick: ~10 ms of every
// tick's answering on the one thread that also reads the next tick's actions.
// Here the loop only copies each connection's bytes into a queue; this thread
// makes the send() calls, on the other core.
//
// Ordering: every byte of an attached socket goes through its queue (the JS
// side routes the socket's own write() and end() here, src/net/socket-writer.ts),
// so bytes leave in call order. The thread writes to its own dup() of the
// socket's fd: the event loop may close its fd at any time without the fd
// number being reused under a pending write; the socket itself closes when
// both are closed (detach closes the dup).
//
// A socket whose send buffer is full keeps its remaining bytes in a backlog
// and is polled for EPOLLOUT on the thread's own epoll instance; its later
// writes append to that backlog. `pending` counts the bytes queued or in a
// backlog (the JS side reads it for backpressure). A send error (the peer
// reset or closed) marks the slot failed and drops its bytes: the event loop
// notices the closed socket on its read side, as it would have anyway.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hexd {

class SocketWriter {
 public:
  // At most `capacity` sockets attached at once (attach fails beyond).
  explicit SocketWriter(uint32_t capacity);
  ~SocketWriter();
  SocketWriter(const SocketWriter&) = delete;
  SocketWriter& operator=(const SocketWriter&) = delete;

  // dup()s `fd` and returns its slot (>= 0), or -errno (-EMFILE, -ENOSPC when full).
  int attach(int fd);
  // Queues a copy of `n` bytes for `slot` (ignored when the slot failed).
  void write(int slot, const uint8_t* p, size_t n);
  // Bytes of `slot` not yet handed to the kernel; -1 when a send failed.
  int64_t pending(int slot) const;
  // Closes the slot's dup after the writes queued before it were attempted;
  // the slot number is reused only after that.
  void detach(int slot);
  // Stops the thread after one non-blocking attempt at what is queued (a
  // backlog that does not fit the socket is dropped) and closes every dup.
  void stop();

  uint32_t capacity() const { return capacity_; }

 private:
  struct Slot {
    int fd = -1;
    std::atomic<int64_t> pending{0};
    std::atomic<bool> failed{false};
    // Writer thread only:
    std::deque<std::string> backlog;
    size_t offset = 0;       // bytes of backlog.front() already sent
    bool polling = false;    // registered for EPOLLOUT
  };
  enum Kind : uint8_t { kWrite, kDetach };
  struct Job {
    int slot;
    Kind kind;
    std::string bytes;
  };

  void run();
  void handle(Job& j);
  void flush(int slot);
  void fail(Slot& s);
  void closeSlot(int slot);

  const uint32_t capacity_;
  std::unique_ptr<std::atomic<Slot*>[]> slots_;
  int epfd_ = -1, wakefd_ = -1;
  std::mutex mu_;
  std::vector<Job> jobs_;          // guarded by mu_
  std::vector<int> free_;          // guarded by mu_: slot numbers to reuse
  uint32_t next_ = 0;              // guarded by mu_: next never-used slot
  bool sleeping_ = false;          // guarded by mu_: the thread waits in epoll_wait
  std::atomic<bool> queued_{false};  // jobs_ is not empty (read without the lock while spinning)
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace hexd
