// Region creation/attachment and the SPSC ring: the memory half of the protocol.
#include "region.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <new>

namespace hexd {

uint64_t nowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

static uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t pow2AtLeast(uint64_t v) {
  uint64_t p = 4096;
  while (p < v) p <<= 1;
  return p;
}

// memfd_create through syscall(): older glibc lacks the wrapper.
static int makeMemfd() {
#ifdef SYS_memfd_create
  return int(syscall(SYS_memfd_create, "hexd-region", 0x0001u /*MFD_CLOEXEC*/ | 0x0002u /*MFD_ALLOW_SEALING*/));
#else
  errno = ENOSYS;
  return -1;
#endif
}

bool regionCreate(const CreateOptions& o, Region& out, std::string& err) {
  if (o.n_layout_params > MAX_LAYOUT_PARAMS) { err = "too many layout parameters"; return false; }
  const uint64_t ring = pow2AtLeast(o.ring_bytes);
  uint64_t off = HEADER_BYTES;
  const uint64_t req_ctl = off; off += sizeof(RingCtl);
  const uint64_t req_data = off; off += ring;
  const uint64_t resp_ctl = off; off += sizeof(RingCtl);
  const uint64_t resp_data = off; off += ring;
  const uint64_t state = alignUp(off, 4096);
  const uint64_t scratch = alignUp(state + o.state_size, 4096);
  const uint64_t total = alignUp(scratch + o.scratch_size, 4096);

  bool memfd = true;
  int fd = getenv("HEXD_SHM_FORCE_SHM_OPEN") ? -1 : makeMemfd();
  if (fd < 0) {
    // Fallback: POSIX shm object, unlinked immediately so it leaves no residue.
    memfd = false;
    char name[64];
    snprintf(name, sizeof name, "/hexd-%d-%llu", int(getpid()), (unsigned long long)nowNs());
    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) { err = std::string("shm_open failed: ") + strerror(errno); return false; }
    shm_unlink(name);
  }
  if (ftruncate(fd, off_t(total)) != 0) {
    err = std::string("ftruncate failed: ") + strerror(errno);
    close(fd);
    return false;
  }
  if (memfd) {
    // Seal the size: neither side can shrink the region under the other's mapping.
    fcntl(fd, 1033 /*F_ADD_SEALS*/, 0x0002 /*F_SEAL_SHRINK*/ | 0x0004 /*F_SEAL_GROW*/);
  }
  void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { err = std::string("mmap failed: ") + strerror(errno); close(fd); return false; }
  auto* base = static_cast<uint8_t*>(p);
  auto* h = new (base) RegionHeader();
  h->version = REGION_VERSION;
  h->layout_version = o.layout_version;
  h->region_size = total;
  h->state_offset = state;
  h->state_size = o.state_size;
  h->scratch_offset = scratch;
  h->scratch_size = o.scratch_size;
  h->req_ctl_offset = req_ctl;
  h->resp_ctl_offset = resp_ctl;
  h->sync_mode = o.sync_mode;
  h->spin_ns = o.spin_ns;
  h->daemon_pid = int32_t(getpid());
  h->threads = o.threads ? o.threads : 1;
  h->daemon_wake = o.daemon_wake;
  h->n_layout_params = o.n_layout_params;
  for (uint32_t i = 0; i < o.n_layout_params; i++) h->layout_params[i] = o.layout_params[i];
  auto* rq = new (base + req_ctl) RingCtl();
  rq->capacity = ring; rq->data_offset = req_data;
  auto* rs = new (base + resp_ctl) RingCtl();
  rs->capacity = ring; rs->data_offset = resp_data;
  // The magic goes last: a half-built region never validates.
  std::atomic_thread_fence(std::memory_order_release);
  h->magic = REGION_MAGIC;
  out.fd = fd; out.base = base; out.size = total; out.via_memfd = memfd;
  return true;
}

bool regionValidate(const uint8_t* base, size_t size, uint32_t expect_layout_version, std::string& err) {
  if (size < HEADER_BYTES) { err = "region smaller than its header"; return false; }
  auto* h = reinterpret_cast<const RegionHeader*>(base);
  char buf[200];
  if (h->magic != REGION_MAGIC) {
    snprintf(buf, sizeof buf, "bad region magic 0x%016llx (expected 0x%016llx)", (unsigned long long)h->magic, (unsigned long long)REGION_MAGIC);
    err = buf; return false;
  }
  if (h->version != REGION_VERSION) {
    snprintf(buf, sizeof buf, "region format version %u, this build speaks %u", h->version, REGION_VERSION);
    err = buf; return false;
  }
  if (expect_layout_version && h->layout_version != expect_layout_version) {
    snprintf(buf, sizeof buf, "region layout version %u, expected %u", h->layout_version, expect_layout_version);
    err = buf; return false;
  }
  if (h->region_size != size || h->state_offset + h->state_size > size || h->scratch_offset + h->scratch_size > size || h->req_ctl_offset + sizeof(RingCtl) > size ||
      h->resp_ctl_offset + sizeof(RingCtl) > size) {
    snprintf(buf, sizeof buf, "region sizes inconsistent (header says %llu bytes, mapping is %zu)", (unsigned long long)h->region_size, size);
    err = buf; return false;
  }
  for (uint64_t off : {h->req_ctl_offset, h->resp_ctl_offset}) {
    auto* c = reinterpret_cast<const RingCtl*>(base + off);
    if (c->capacity == 0 || (c->capacity & (c->capacity - 1)) || c->data_offset + c->capacity > size) {
      err = "ring geometry inconsistent"; return false;
    }
  }
  return true;
}

bool regionAttach(int fd, uint32_t expect_layout_version, Region& out, std::string& err) {
  struct stat st;
  if (fstat(fd, &st) != 0) { err = std::string("fstat of region fd failed: ") + strerror(errno); return false; }
  size_t size = size_t(st.st_size);
  if (size < HEADER_BYTES) { err = "region fd is smaller than a region header"; return false; }
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { err = std::string("mmap failed: ") + strerror(errno); return false; }
  if (!regionValidate(static_cast<uint8_t*>(p), size, expect_layout_version, err)) { munmap(p, size); return false; }
  out.fd = fd; out.base = static_cast<uint8_t*>(p); out.size = size;
  return true;
}

void regionClose(Region& r) {
  if (r.base) munmap(r.base, r.size);
  if (r.fd >= 0) close(r.fd);
  r.base = nullptr; r.fd = -1;
}

// ---- SPSC ring -------------------------------------------------------------
// A frame never straddles the end of the data area: when it would, the
// producer writes a PAD header (or, with < 16 bytes left, just skips them,
// which the consumer mirrors) and starts again at offset 0.

static inline uint64_t frameBytes(uint32_t len) { return sizeof(FrameHdr) + ((uint64_t(len) + 7) & ~7ull); }

int ringPush(Region& r, RingCtl* c, uint32_t type, uint64_t seq, const void* payload, uint32_t len) {
  const uint64_t cap = c->capacity;
  const uint64_t need = frameBytes(len);
  if (need > cap / 2) return -2;
  uint64_t head = c->head.load(std::memory_order_relaxed);
  const uint64_t tail = c->tail.load(std::memory_order_acquire);
  uint64_t pos = head & (cap - 1);
  uint64_t skip = (pos + need > cap) ? cap - pos : 0;
  if (head + skip + need - tail > cap) return -1;
  uint8_t* data = r.base + c->data_offset;
  if (skip) {
    if (skip >= sizeof(FrameHdr)) {
      FrameHdr pad{uint32_t(skip - sizeof(FrameHdr)), FRAME_PAD, 0};
      memcpy(data + pos, &pad, sizeof pad);
    }
    head += skip;
    pos = 0;
  }
  FrameHdr h{len, type, seq};
  memcpy(data + pos, &h, sizeof h);
  if (len) memcpy(data + pos + sizeof h, payload, len);
  c->head.store(head + need, std::memory_order_release);
  return 0;
}

bool ringPeek(Region& r, RingCtl* c, FrameHdr& h, const uint8_t*& payload) {
  const uint64_t cap = c->capacity;
  uint64_t tail = c->tail.load(std::memory_order_relaxed);
  const uint64_t head = c->head.load(std::memory_order_acquire);
  const uint8_t* data = r.base + c->data_offset;
  while (tail != head) {
    uint64_t pos = tail & (cap - 1);
    if (cap - pos < sizeof(FrameHdr)) { tail += cap - pos; c->tail.store(tail, std::memory_order_release); continue; }
    memcpy(&h, data + pos, sizeof h);
    if (h.type == FRAME_PAD) { tail += cap - pos; c->tail.store(tail, std::memory_order_release); continue; }
    payload = data + pos + sizeof(FrameHdr);
    return true;
  }
  return false;
}

void ringPop(Region& r, RingCtl* c) {
  FrameHdr h;
  const uint8_t* p;
  if (!ringPeek(r, c, h, p)) return;
  c->tail.store(c->tail.load(std::memory_order_relaxed) + frameBytes(h.len), std::memory_order_release);
}

}  // namespace hexd
