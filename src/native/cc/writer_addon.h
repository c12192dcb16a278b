// The `SocketWriter` class of the Node addon (writer_addon.cc).
#pragma once
#include <napi.h>

namespace hexd {
Napi::Function socketWriterClass(Napi::Env env);
}
