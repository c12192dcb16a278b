// `SocketWriter` for Node: the socket writer thread (socket_writer.h) behind
// an ObjectWrap. JS: new SocketWriter(capacity), attach(fd) -> slot,
// write(slot, buffer), pending(slot) -> bytes or -1, detach(slot), stop().
// src/net/socket-writer.ts is the only caller and keeps the rules the C++
// side relies on: no write or pending for a slot after its detach.
#include "writer_addon.h"

#include <string.h>

#include <memory>

#include "socket_writer.h"

namespace hexd {
namespace {

// One function for both add and remove: the hook is found by (function, arg),
// so two separate lambdas would never match and a collected writer's hook
// would run at exit on freed memory.
void stopAtExit(void* p) { static_cast<SocketWriter*>(p)->stop(); }

class SocketWriterWrap : public Napi::ObjectWrap<SocketWriterWrap> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "SocketWriter", {
      InstanceMethod("attach", &SocketWriterWrap::Attach),
      InstanceMethod("write", &SocketWriterWrap::Write),
      InstanceMethod("pending", &SocketWriterWrap::Pending),
      InstanceMethod("detach", &SocketWriterWrap::Detach),
      InstanceMethod("stop", &SocketWriterWrap::Stop),
    });
  }

  explicit SocketWriterWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SocketWriterWrap>(info) {
    uint32_t cap = 65536;
    if (info.Length() > 0 && info[0].IsNumber()) cap = info[0].As<Napi::Number>().Uint32Value();
    if (cap == 0 || cap > (1u << 24)) throw Napi::RangeError::New(info.Env(), "SocketWriter capacity must be 1..16777216, got " + std::to_string(cap));
    try {
      w_ = std::make_unique<SocketWriter>(cap);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    // Joined when the environment goes away (process exit, a worker thread's end).
    napi_add_env_cleanup_hook(info.Env(), stopAtExit, w_.get());
    env_ = info.Env();
  }

  ~SocketWriterWrap() override {
    if (w_) napi_remove_env_cleanup_hook(env_, stopAtExit, w_.get());
  }

 private:
  int slotArg(const Napi::CallbackInfo& info) {
    const int64_t s = info[0].As<Napi::Number>().Int64Value();
    if (s < 0 || s >= int64_t(w_->capacity())) throw Napi::RangeError::New(info.Env(), "socket writer slot out of range: " + std::to_string(s));
    return int(s);
  }
  Napi::Value Attach(const Napi::CallbackInfo& info) {
    const int fd = info[0].As<Napi::Number>().Int32Value();
    const int r = w_->attach(fd);
    if (r < 0) throw Napi::Error::New(info.Env(), std::string("socket writer cannot attach fd ") + std::to_string(fd) + ": " + strerror(-r));
    return Napi::Number::New(info.Env(), r);
  }
  Napi::Value Write(const Napi::CallbackInfo& info) {
    const int s = slotArg(info);
    auto b = info[1].As<Napi::Uint8Array>();
    w_->write(s, b.Data(), b.ByteLength());
    return info.Env().Undefined();
  }
  Napi::Value Pending(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(w_->pending(slotArg(info)))); }
  Napi::Value Detach(const Napi::CallbackInfo& info) {
    w_->detach(slotArg(info));
    return info.Env().Undefined();
  }
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    w_->stop();
    return info.Env().Undefined();
  }

  std::unique_ptr<SocketWriter> w_;
  napi_env env_ = nullptr;
};

}  // namespace

Napi::Function socketWriterClass(Napi::Env env) { return SocketWriterWrap::Init(env); }

}  // namespace hexd
