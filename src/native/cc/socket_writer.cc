// The socket writer thread (see socket_writer.h for why and the ordering rules).
#include "socket_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace hexd {

namespace {
// How long the thread keeps checking for more jobs before it sleeps: a tick's
// answers arrive as a burst of ~1000 writes a few µs apart, and a sleeping
// thread costs the event loop an eventfd write (and the thread a wake-up) per
// burst segment. Bounded, so an idle daemon does not spin.
constexpr int kSpinChecks = 2000;
constexpr uint32_t kWakeTag = UINT32_MAX;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}
}  // namespace

SocketWriter::SocketWriter(uint32_t capacity) : capacity_(capacity), slots_(new std::atomic<Slot*>[capacity]) {
  for (uint32_t k = 0; k < capacity; k++) slots_[k].store(nullptr, std::memory_order_relaxed);
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  wakefd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epfd_ < 0 || wakefd_ < 0) {
    if (epfd_ >= 0) close(epfd_);
    if (wakefd_ >= 0) close(wakefd_);
    throw std::runtime_error("socket writer: epoll_create1/eventfd failed");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = kWakeTag;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev);
  thread_ = std::thread([this] { run(); });
  // Named, so `top -H` and /proc/<pid>/task/*/comm tell it from V8's and libuv's threads.
  pthread_setname_np(thread_.native_handle(), "hexd-writer");
}

SocketWriter::~SocketWriter() { stop(); }

int SocketWriter::attach(int fd) {
  const int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return -errno;
  int slot;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (!free_.empty()) { slot = free_.back(); free_.pop_back(); }
    else if (next_ < capacity_) slot = int(next_++);
    else { close(dup); return -ENOSPC; }
  }
  Slot* s = new Slot();
  s->fd = dup;
  // Published before any job naming the slot (the queue's mutex orders the two).
  slots_[slot].store(s, std::memory_order_release);
  return slot;
}

void SocketWriter::write(int slot, const uint8_t* p, size_t n) {
  Slot* s = slots_[slot].load(std::memory_order_acquire);
  if (!s || n == 0 || s->failed.load(std::memory_order_relaxed)) return;
  s->pending.fetch_add(int64_t(n), std::memory_order_relaxed);
  bool wake;
  {
    std::lock_guard<std::mutex> g(mu_);
    jobs_.push_back(Job{slot, kWrite, std::string(reinterpret_cast<const char*>(p), n)});
    queued_.store(true, std::memory_order_release);
    wake = sleeping_;
    sleeping_ = false;
  }
  if (wake) { uint64_t one = 1; (void)!::write(wakefd_, &one, 8); }
}

int64_t SocketWriter::pending(int slot) const {
  Slot* s = slots_[slot].load(std::memory_order_acquire);
  if (!s) return 0;
  if (s->failed.load(std::memory_order_relaxed)) return -1;
  return s->pending.load(std::memory_order_relaxed);
}

void SocketWriter::detach(int slot) {
  bool wake;
  {
    std::lock_guard<std::mutex> g(mu_);
    jobs_.push_back(Job{slot, kDetach, {}});
    queued_.store(true, std::memory_order_release);
    wake = sleeping_;
    sleeping_ = false;
  }
  if (wake) { uint64_t one = 1; (void)!::write(wakefd_, &one, 8); }
}

void SocketWriter::stop() {
  if (stop_.exchange(true)) return;
  // The thread drains what is queued (one non-blocking attempt each), then ends.
  uint64_t one = 1;
  (void)!::write(wakefd_, &one, 8);
  if (thread_.joinable()) thread_.join();
  for (uint32_t k = 0; k < capacity_; k++) {
    Slot* s = slots_[k].exchange(nullptr);
    if (s) { close(s->fd); delete s; }
  }
  close(epfd_);
  close(wakefd_);
}

void SocketWriter::fail(Slot& s) {
  s.failed.store(true, std::memory_order_relaxed);
  s.backlog.clear();
  s.offset = 0;
  s.pending.store(0, std::memory_order_relaxed);
}

// Sends the slot's backlog until it is empty or the socket is full.
void SocketWriter::flush(int slot) {
  Slot& s = *slots_[slot].load(std::memory_order_relaxed);
  while (!s.backlog.empty()) {
    const std::string& b = s.backlog.front();
    const ssize_t n = send(s.fd, b.data() + s.offset, b.size() - s.offset, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      fail(s);
      break;
    }
    s.pending.fetch_sub(n, std::memory_order_relaxed);
    s.offset += size_t(n);
    if (s.offset == b.size()) { s.backlog.pop_front(); s.offset = 0; }
  }
  const bool want = !s.backlog.empty();
  if (want != s.polling) {
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u32 = uint32_t(slot);
    epoll_ctl(epfd_, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s.fd, &ev);
    s.polling = want;
  }
}

void SocketWriter::closeSlot(int slot) {
  Slot* s = slots_[slot].load(std::memory_order_relaxed);
  if (!s) return;
  // Removed from the epoll set before the close: the socket stays open while
  // the event loop's own fd does, and so would its registration.
  if (s->polling) epoll_ctl(epfd_, EPOLL_CTL_DEL, s->fd, nullptr);
  close(s->fd);
  slots_[slot].store(nullptr, std::memory_order_release);
  delete s;
  std::lock_guard<std::mutex> g(mu_);
  free_.push_back(slot);
}

void SocketWriter::handle(Job& j) {
  Slot* s = slots_[j.slot].load(std::memory_order_relaxed);
  if (!s) return;
  if (j.kind == kDetach) { closeSlot(j.slot); return; }
  if (s->failed.load(std::memory_order_relaxed)) return;
  // Straight to the socket when nothing of this slot waits; else behind the backlog.
  s->backlog.push_back(std::move(j.bytes));
  if (s->backlog.size() == 1) flush(j.slot);
}

void SocketWriter::run() {
  std::vector<Job> batch;
  epoll_event evs[64];
  // Ends once stopped AND the queue is empty: bytes queued before stop()
  // (close frames of a shutdown) still get their one non-blocking attempt.
  for (;;) {
    {
      std::lock_guard<std::mutex> g(mu_);
      batch.swap(jobs_);
      queued_.store(false, std::memory_order_relaxed);
    }
    if (!batch.empty()) {
      for (Job& j : batch) handle(j);
      batch.clear();
      // Sockets that became writable meanwhile, without sleeping.
      const int n = epoll_wait(epfd_, evs, 64, 0);
      for (int k = 0; k < n; k++)
        if (evs[k].data.u32 != kWakeTag && slots_[evs[k].data.u32].load(std::memory_order_relaxed)) flush(int(evs[k].data.u32));
      continue;
    }
    if (stop_.load(std::memory_order_acquire)) break;
    bool more = false;
    for (int k = 0; k < kSpinChecks && !more; k++) {
      more = queued_.load(std::memory_order_acquire) || stop_.load(std::memory_order_relaxed);
      if (!more) cpuRelax();
    }
    if (more) continue;
    {
      std::lock_guard<std::mutex> g(mu_);
      if (!jobs_.empty() || stop_.load(std::memory_order_relaxed)) continue;
      sleeping_ = true;
    }
    const int n = epoll_wait(epfd_, evs, 64, -1);
    for (int k = 0; k < n; k++) {
      if (evs[k].data.u32 == kWakeTag) {
        uint64_t v;
        (void)!read(wakefd_, &v, 8);
        continue;
      }
      if (slots_[evs[k].data.u32].load(std::memory_order_relaxed)) flush(int(evs[k].data.u32));
    }
    std::lock_guard<std::mutex> g(mu_);
    sleeping_ = false;
  }
}

}  // namespace hexd
