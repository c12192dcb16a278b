// hexd_native: the daemon side of the region, for Node (node-addon-api).
//
// A `NativeRegion` owns one mapped region. JS pushes requests with push(),
// reads responses with drain()/poll(), sees the state area through a
// zero-copy external ArrayBuffer (the mapping stays alive while any view
// does), and gets called back by a dedicated waiter thread (never the libuv
// threadpool) through a ThreadSafeFunction when responses arrive. For
// --compute thread the same request loop runs on a thread of this process.
#include <napi.h>
#include <uv.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sched.h>

#include <memory>
#include <thread>

#include "loop.h"
#include "sync.h"
#include "writer_addon.h"
#include "membench.h"

using namespace hexd;

namespace {

// The mapping and the daemon's eventfds; freed when the region object and
// every ArrayBuffer view over it are gone.
struct Mapping {
  Region r;
  int efd_req = -1, efd_resp = -1, efd_loop = -1;
  ~Mapping() {
    regionClose(r);
    if (efd_req >= 0) close(efd_req);
    if (efd_resp >= 0) close(efd_resp);
    if (efd_loop >= 0) close(efd_loop);
  }
};

void privWait(std::atomic<uint32_t>* a, uint32_t v, long ns) {
  timespec ts{0, ns};
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(a), FUTEX_WAIT_PRIVATE, v, &ts, nullptr, 0);
}
void privWake(std::atomic<uint32_t>* a) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(a), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

// An option is given when present and not undefined.
bool has(const Napi::Object& o, const char* k) { return o.Has(k) && !o.Get(k).IsUndefined(); }

uint32_t parseSync(const std::string& s) {
  if (s == "futex") return SYNC_FUTEX;
  if (s == "eventfd") return SYNC_EVENTFD;
  if (s == "signal") return SYNC_SIGNAL;
  return 0;
}

class NativeRegion : public Napi::ObjectWrap<NativeRegion> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NativeRegion", {
      InstanceMethod("stateBuffer", &NativeRegion::StateBuffer),
      InstanceMethod("headerBuffer", &NativeRegion::HeaderBuffer),
      InstanceMethod("fds", &NativeRegion::Fds),
      InstanceMethod("info", &NativeRegion::Info),
      InstanceMethod("push", &NativeRegion::Push),
      InstanceMethod("drain", &NativeRegion::Drain),
      InstanceMethod("poll", &NativeRegion::Poll),
      InstanceMethod("startWaiter", &NativeRegion::StartWaiter),
      InstanceMethod("stopWaiter", &NativeRegion::StopWaiter),
      InstanceMethod("arm", &NativeRegion::Arm),
      InstanceMethod("disarm", &NativeRegion::Disarm),
      InstanceMethod("ref", &NativeRegion::Ref_),
      InstanceMethod("unref", &NativeRegion::Unref_),
      InstanceMethod("startThread", &NativeRegion::StartThread),
      InstanceMethod("stopThread", &NativeRegion::StopThread),
      InstanceMethod("setStop", &NativeRegion::SetStop),
      InstanceMethod("setSpin", &NativeRegion::SetSpin),
      InstanceMethod("close", &NativeRegion::Close),
    });
  }

  // new NativeRegion({ stateBytes, ringBytes, layoutVersion, layoutParams: Uint32Array, sync, spinNs, threads })
  explicit NativeRegion(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeRegion>(info) {
    Napi::Env env = info.Env();
    Napi::Object o = info[0].As<Napi::Object>();
    CreateOptions co;
    co.state_size = uint64_t(o.Get("stateBytes").As<Napi::Number>().Int64Value());
    if (has(o, "scratchBytes")) co.scratch_size = uint64_t(o.Get("scratchBytes").As<Napi::Number>().Int64Value());
    if (has(o, "ringBytes")) co.ring_bytes = uint64_t(o.Get("ringBytes").As<Napi::Number>().Int64Value());
    if (has(o, "layoutVersion")) co.layout_version = o.Get("layoutVersion").As<Napi::Number>().Uint32Value();
    if (has(o, "spinNs")) co.spin_ns = o.Get("spinNs").As<Napi::Number>().Uint32Value();
    if (has(o, "threads")) co.threads = o.Get("threads").As<Napi::Number>().Uint32Value();
    std::string sync = has(o, "sync") ? o.Get("sync").As<Napi::String>().Utf8Value() : "futex";
    co.sync_mode = parseSync(sync);
    if (!co.sync_mode) throw Napi::Error::New(env, "unknown sync mode \"" + sync + "\"");
    // Default: futex/eventfd responses wake the event loop directly; signals
    // need the waiter thread (libuv cannot poll a signal Node does not own).
    std::string wake = has(o, "wake") ? o.Get("wake").As<Napi::String>().Utf8Value() : (co.sync_mode == SYNC_SIGNAL ? "thread" : "loop");
    if (wake != "loop" && wake != "thread") throw Napi::Error::New(env, "unknown wake mode \"" + wake + "\"");
    co.daemon_wake = wake == "loop" ? DAEMON_WAKE_LOOP : DAEMON_WAKE_THREAD;
    std::vector<uint32_t> params;
    if (has(o, "layoutParams")) {
      auto a = o.Get("layoutParams").As<Napi::Uint32Array>();
      params.assign(a.Data(), a.Data() + a.ElementLength());
    }
    co.layout_params = params.data();
    co.n_layout_params = uint32_t(params.size());
    m_ = std::make_shared<Mapping>();
    std::string err;
    if (!regionCreate(co, m_->r, err)) throw Napi::Error::New(env, err);
    if (co.sync_mode == SYNC_EVENTFD) {
      m_->efd_req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      m_->efd_resp = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (m_->efd_req < 0 || m_->efd_resp < 0) throw Napi::Error::New(env, "eventfd failed");
    }
    if (co.daemon_wake == DAEMON_WAKE_LOOP) {
      m_->efd_loop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (m_->efd_loop < 0) throw Napi::Error::New(env, "eventfd failed");
    }
    if (co.sync_mode == SYNC_SIGNAL) installDaemonSignalGuard();
    end_.r = &m_->r;
    end_.efd_req = m_->efd_req;
    end_.efd_resp = m_->efd_resp;
    end_.efd_loop = m_->efd_loop;
  }

  ~NativeRegion() { if (m_) shutdown(); }

 private:
  std::shared_ptr<Mapping> m_;
  SyncEnd end_;
  std::thread waiter_, worker_;
  std::atomic<uint32_t> waiterStop_{0}, workerStop_{0}, armed_{0};
  Napi::ThreadSafeFunction tsfn_;
  bool haveTsfn_ = false, closed_ = false;

  void check(Napi::Env env) {
    if (closed_) throw Napi::Error::New(env, "region is closed");
  }

  // Stops the waiter thread (if any) and releases its thread-safe function.
  void stopWaiterThread() {
    if (waiter_.joinable()) {
      waiterStop_ = 1;
      privWake(&armed_);
      notifyDaemon(end_);
      waiter_.join();
    }
    if (haveTsfn_) { tsfn_.Release(); haveTsfn_ = false; }
  }

  void shutdown() {
    if (worker_.joinable()) {
      workerStop_ = 1;
      notifyWorker(end_);
      worker_.join();
    }
    stopWaiterThread();
    stopLoopWake();
  }

  // An external ArrayBuffer over [off, off+len) that keeps the mapping alive.
  Napi::Value view(Napi::Env env, uint8_t* p, size_t len) {
    auto* keep = new std::shared_ptr<Mapping>(m_);
    return Napi::ArrayBuffer::New(env, p, len, [](Napi::Env, void*, std::shared_ptr<Mapping>* k) { delete k; }, keep);
  }
  Napi::Value StateBuffer(const Napi::CallbackInfo& info) {
    check(info.Env());
    return view(info.Env(), m_->r.state(), m_->r.hdr()->state_size);
  }
  Napi::Value HeaderBuffer(const Napi::CallbackInfo& info) {
    check(info.Env());
    return view(info.Env(), m_->r.base, HEADER_BYTES);
  }
  Napi::Value Fds(const Napi::CallbackInfo& info) {
    check(info.Env());
    auto o = Napi::Object::New(info.Env());
    o.Set("region", m_->r.fd);
    o.Set("eventReq", m_->efd_req);
    o.Set("eventResp", m_->efd_resp);
    o.Set("eventLoop", m_->efd_loop);
    return o;
  }
  Napi::Value Info(const Napi::CallbackInfo& info) {
    check(info.Env());
    Napi::Env env = info.Env();
    RegionHeader* h = m_->r.hdr();
    auto o = Napi::Object::New(env);
    o.Set("regionBytes", double(h->region_size));
    o.Set("stateBytes", double(h->state_size));
    o.Set("ringBytes", double(m_->r.req()->capacity));
    o.Set("viaMemfd", m_->r.via_memfd);
    o.Set("sync", syncName(h->sync_mode));
    o.Set("spinNs", h->spin_ns);
    o.Set("wake", h->daemon_wake == DAEMON_WAKE_LOOP ? "loop" : "thread");
    o.Set("daemonPid", h->daemon_pid);
    o.Set("workerPid", h->worker_pid);
    o.Set("workerGeneration", h->worker_generation.load());
    o.Set("epoch", double(h->epoch.load()));
    o.Set("retriedTicks", h->retried_ticks.load());
    o.Set("workerHeartbeat", double(h->worker_heartbeat.load()));
    o.Set("daemonHeartbeat", double(h->daemon_heartbeat.load()));
    o.Set("requestBacklog", double(m_->r.req()->head.load() - m_->r.req()->tail.load()));
    return o;
  }
  // push(type, seq, payload?: Uint8Array) -> 0 ok, -1 ring full, -2 frame too large
  Napi::Value Push(const Napi::CallbackInfo& info) {
    check(info.Env());
    uint32_t type = info[0].As<Napi::Number>().Uint32Value();
    uint64_t seq = uint64_t(info[1].As<Napi::Number>().Int64Value());
    const uint8_t* p = nullptr;
    size_t len = 0;
    if (info.Length() > 2 && info[2].IsTypedArray()) {
      auto a = info[2].As<Napi::Uint8Array>();
      p = a.Data();
      len = a.ByteLength();
    }
    if (len > 0xFFFFFFF0u) return Napi::Number::New(info.Env(), -2);
    int rc = ringPush(m_->r, m_->r.req(), type, seq, p, uint32_t(len));
    if (rc == 0) notifyWorker(end_);
    return Napi::Number::New(info.Env(), rc);
  }
  // drain() -> [seq, type, Buffer, seq, type, Buffer, ...] (flat: cheap to build)
  Napi::Value Drain(const Napi::CallbackInfo& info) {
    check(info.Env());
    Napi::Env env = info.Env();
    auto arr = Napi::Array::New(env);
    uint32_t k = 0;
    FrameHdr f;
    const uint8_t* p;
    while (ringPeek(m_->r, m_->r.resp(), f, p)) {
      arr.Set(k++, Napi::Number::New(env, double(f.seq)));
      arr.Set(k++, Napi::Number::New(env, f.type));
      arr.Set(k++, Napi::Buffer<uint8_t>::Copy(env, p, f.len));
      ringPop(m_->r, m_->r.resp());
    }
    return arr;
  }
  // poll(spinNs) -> like drain(), after spinning on this thread for up to
  // spinNs until a response is there (bounded: never a sleep).
  Napi::Value Poll(const Napi::CallbackInfo& info) {
    check(info.Env());
    uint32_t spin = info[0].As<Napi::Number>().Uint32Value();
    spinRing(m_->r.resp(), spin);
    return Drain(info);
  }
  // startWaiter(callback): a dedicated thread sleeps on the response ring and
  // calls `callback()` on the JS thread when responses are waiting. It starts
  // unref'd: call ref() while requests are in flight.
  Napi::Value StartWaiter(const Napi::CallbackInfo& info) {
    check(info.Env());
    Napi::Env env = info.Env();
    if (waiter_.joinable() || poll_) throw Napi::Error::New(env, "waiter already running");
    if (m_->r.hdr()->daemon_wake == DAEMON_WAKE_LOOP) return startLoopWake(env, info[0].As<Napi::Function>());
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "hexd-waiter", 0, 1);
    tsfn_.Unref(env);
    haveTsfn_ = true;
    waiterStop_ = 0;
    std::atomic<int32_t> ready{0};
    waiter_ = std::thread([this, &ready] {
      RegionHeader* h = m_->r.hdr();
      h->daemon_waiter_tid = blockSyncSignal(false);
      ready = 1;
      while (!waiterStop_.load()) {
        h->daemon_heartbeat.fetch_add(1, std::memory_order_relaxed);
        // Disarmed (nothing in flight, or JS is spinning for its answer):
        // stay off the ring so the worker's notify finds no sleeper and
        // skips its wake-up syscall.
        if (!armed_.load()) { privWait(&armed_, 0, 100000000); continue; }
        if (!waitRing(end_, m_->r.resp(), false, 100000000, 0, &waiterStop_)) continue;
        if (waiterStop_.load()) break;
        // One call per arming: JS re-arms after draining if it still waits.
        if (armed_.exchange(0)) tsfn_.NonBlockingCall();
      }
    });
    while (!ready.load()) std::this_thread::yield();
    return env.Undefined();
  }
  Napi::Value StopWaiter(const Napi::CallbackInfo& info) {
    stopLoopWake();
    stopWaiterThread();
    return info.Env().Undefined();
  }
  // arm(): JS waits for a response; the waiter thread watches the ring and
  // calls back once. Also keeps the event loop alive (ref) until drained.
  // Returns true when responses are already waiting (drain now: the worker
  // may have published before it could see the arming).
  Napi::Value Arm(const Napi::CallbackInfo& info) {
    if (poll_) {
      // Armed = the event loop stays alive and the worker writes the eventfd.
      if (!loopArmed_) { uv_ref(reinterpret_cast<uv_handle_t*>(poll_)); loopArmed_ = true; }
      m_->r.resp()->waiters.store(1, std::memory_order_seq_cst);
      return Napi::Boolean::New(info.Env(), !ringEmpty(m_->r.resp()));
    }
    if (!armed_.exchange(1)) privWake(&armed_);
    return Napi::Boolean::New(info.Env(), false);
  }
  // disarm(): loop wake only: nothing in flight any more.
  Napi::Value Disarm(const Napi::CallbackInfo& info) {
    loopDisarm();
    return info.Env().Undefined();
  }
  void loopDisarm() {
    if (!poll_ || !loopArmed_) return;
    m_->r.resp()->waiters.store(0, std::memory_order_seq_cst);
    uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    loopArmed_ = false;
  }
  bool loopArmed_ = false;
  Napi::Value Ref_(const Napi::CallbackInfo& info) {
    if (poll_) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
    if (haveTsfn_) tsfn_.Ref(info.Env());
    return info.Env().Undefined();
  }
  Napi::Value Unref_(const Napi::CallbackInfo& info) {
    if (poll_) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    if (haveTsfn_) tsfn_.Unref(info.Env());
    return info.Env().Undefined();
  }

  // DAEMON_WAKE_LOOP: Node's event loop polls the eventfd the worker writes
  // after a response (while armed); no extra thread, one wake-up.
  struct PollCtx {
    uv_poll_t handle;
    NativeRegion* self;
  };
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference loopCb_;
  std::unique_ptr<Napi::AsyncContext> loopCtx_;
  Napi::Value startLoopWake(Napi::Env env, Napi::Function cb) {
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop) throw Napi::Error::New(env, "no libuv loop");
    auto* pc = new PollCtx();
    pc->self = this;
    if (uv_poll_init(loop, &pc->handle, m_->efd_loop) != 0) { delete pc; throw Napi::Error::New(env, "uv_poll_init failed"); }
    poll_ = &pc->handle;
    poll_->data = pc;
    loopCb_ = Napi::Persistent(cb);
    loopCtx_ = std::make_unique<Napi::AsyncContext>(env, "hexd-region-wake");
    uv_poll_start(poll_, UV_READABLE, [](uv_poll_t* h, int, int) {
      auto* pc = static_cast<PollCtx*>(h->data);
      NativeRegion* self = pc->self;
      uint64_t v;
      ssize_t n = read(self->m_->efd_loop, &v, sizeof v);  // reset (non-blocking)
      (void)n;
      self->loopDisarm();  // JS re-arms if it still waits
      self->m_->r.hdr()->daemon_heartbeat.fetch_add(1, std::memory_order_relaxed);
      Napi::Env env = self->loopCb_.Env();
      Napi::HandleScope scope(env);
      // MakeCallback: runs the microtasks (promise continuations) afterwards.
      self->loopCb_.MakeCallback(env.Global(), {}, *self->loopCtx_);
    });
    uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    return env.Undefined();
  }
  void stopLoopWake() {
    if (!poll_) return;
    loopDisarm();
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete static_cast<PollCtx*>(h->data); });
    poll_ = nullptr;
    loopCb_.Reset();
    loopCtx_.reset();
  }
  // --compute thread: the worker's request loop on a thread of this process.
  Napi::Value StartThread(const Napi::CallbackInfo& info) {
    check(info.Env());
    if (worker_.joinable()) throw Napi::Error::New(info.Env(), "worker thread already running");
    workerStop_ = 0;
    m_->r.hdr()->stop = 0;
    worker_ = std::thread([this] {
      LoopCtx ctx;
      ctx.r = &m_->r;
      ctx.end = end_;
      ctx.stop = &workerStop_;
      runWorkerLoop(ctx);
    });
    return info.Env().Undefined();
  }
  Napi::Value StopThread(const Napi::CallbackInfo& info) {
    if (worker_.joinable()) {
      workerStop_ = 1;
      notifyWorker(end_);
      worker_.join();
    }
    return info.Env().Undefined();
  }
  // setStop(1) asks a worker process to leave its loop (clean shutdown).
  Napi::Value SetStop(const Napi::CallbackInfo& info) {
    check(info.Env());
    m_->r.hdr()->stop = info[0].As<Napi::Number>().Uint32Value();
    notifyWorker(end_);
    return info.Env().Undefined();
  }
  Napi::Value SetSpin(const Napi::CallbackInfo& info) {
    check(info.Env());
    m_->r.hdr()->spin_ns = info[0].As<Napi::Number>().Uint32Value();
    return info.Env().Undefined();
  }
  // close(): stops threads; the mapping is unmapped once no view remains.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (!closed_) {
      shutdown();
      closed_ = true;
      m_.reset();
    }
    return info.Env().Undefined();
  }
};

Napi::Value SyncAvailable(const Napi::CallbackInfo& info) {
  uint32_t bits = syncAvailable();
  auto arr = Napi::Array::New(info.Env());
  uint32_t k = 0;
  for (uint32_t m : {SYNC_FUTEX, SYNC_EVENTFD, SYNC_SIGNAL})
    if (bits & (1u << m)) arr.Set(k++, syncName(m));
  return arr;
}

// cpuAffinity(tid): the CPUs thread `tid` may run on (0 = the calling thread).
// setCpuAffinity(tid, cpus): restricts it to `cpus`; returns false when the
// kernel refused (a CPU outside the cgroup's set, a thread that has exited).
// `hexd bench ipc` uses them to measure both sides of a round trip on one CPU
// and on two, the same placement for the raw floor and for hexd.
Napi::Value CpuAffinity(const Napi::CallbackInfo& info) {
  const pid_t tid = pid_t(info[0].As<Napi::Number>().Int32Value());
  cpu_set_t set;
  CPU_ZERO(&set);
  auto arr = Napi::Array::New(info.Env());
  if (sched_getaffinity(tid, sizeof set, &set) != 0) return arr;
  uint32_t k = 0;
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET(c, &set)) arr.Set(k++, c);
  return arr;
}

Napi::Value SetCpuAffinity(const Napi::CallbackInfo& info) {
  const pid_t tid = pid_t(info[0].As<Napi::Number>().Int32Value());
  auto cpus = info[1].As<Napi::Array>();
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t k = 0; k < cpus.Length(); k++) {
    const int c = cpus.Get(k).As<Napi::Number>().Int32Value();
    if (c < 0 || c >= CPU_SETSIZE) return Napi::Boolean::New(info.Env(), false);
    CPU_SET(c, &set);
  }
  return Napi::Boolean::New(info.Env(), sched_setaffinity(tid, sizeof set, &set) == 0);
}

// copyScaling(bytes, passes, threads, rounds) -> { oneThreadS, threadsS } (membench.h).
Napi::Value CopyScaling(const Napi::CallbackInfo& info) {
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  const int passes = info[1].As<Napi::Number>().Int32Value(), threads = info[2].As<Napi::Number>().Int32Value(), rounds = info[3].As<Napi::Number>().Int32Value();
  if (!(bytes >= 4096 && bytes <= 4e9) || passes < 1 || threads < 1 || threads > 256 || rounds < 1)
    throw Napi::RangeError::New(info.Env(), "copyScaling(bytes 4096..4e9, passes >= 1, threads 1..256, rounds >= 1)");
  const CopyTimes t = copyScaling(size_t(bytes), passes, threads, rounds);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("oneThreadS", t.oneThreadS);
  o.Set("threadsS", t.threadsS);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeRegion", NativeRegion::Init(env));
  exports.Set("syncAvailable", Napi::Function::New(env, SyncAvailable));
  exports.Set("regionVersion", Napi::Number::New(env, REGION_VERSION));
  exports.Set("daemonSignal", Napi::Number::New(env, daemonSignal()));
  exports.Set("workerSignal", Napi::Number::New(env, WORKER_SIGNAL));
  exports.Set("cpuAffinity", Napi::Function::New(env, CpuAffinity));
  exports.Set("setCpuAffinity", Napi::Function::New(env, SetCpuAffinity));
  exports.Set("SocketWriter", socketWriterClass(env));
  exports.Set("copyScaling", Napi::Function::New(env, CopyScaling));
  return exports;
}

}  // namespace

NODE_API_MODULE(hexd_native, Init)
