# Builds the hexd native parts with node-gyp (`npm install` runs
# scripts/build-native.mjs -> `node-gyp rebuild -C src/native`):
#   hexd_native  - the node-addon-api addon (region, rings, sync, thread mode, kernel, socket writer)
#   hexd-worker  - the worker executable (request loop + kernel, raw IPC benchmarks)
# Both compile the same sources for the shared parts. Floating point is not used by
# the kernel; -ffp-contract=off and no fast-math keep any future float use exact.
{
  "target_defaults": {
    "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-ffp-contract=off", "-fno-fast-math", "-fexceptions", "-pthread", "-Wall", "-Wno-unused-function"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-O0"],
    "cflags!": ["-O2", "-O0"],
    "ldflags": ["-pthread"],
  },
  "targets": [
    {
      "target_name": "hexd_native",
      "sources": ["cc/addon.cc", "cc/socket_writer.cc", "cc/writer_addon.cc", "cc/membench.cc", "cc/region.cc", "cc/sync.cc", "cc/loop.cc", "cc/kernel.cc", "cc/halo.cc", "cc/requests.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "cc"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
    },
    {
      "target_name": "hexd-worker",
      "type": "executable",
      "sources": ["cc/worker_main.cc", "cc/rawbench.cc", "cc/region.cc", "cc/sync.cc", "cc/loop.cc", "cc/kernel.cc", "cc/halo.cc", "cc/requests.cc"],
      "include_dirs": ["cc"],
    },
  ],
}
