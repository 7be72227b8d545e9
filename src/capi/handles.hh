#pragma once
// What the C API's opaque handles are (wasinet.h declares them as
// incomplete structs). Only src/capi sees these definitions.
#include <cstddef>
#include <memory>
#include <string>

#include "engine/engine.hh"
#include "os/unique_fd.hh"
#include "wasinet/wasinet.h"

struct wasinet_engine_options {
  bool interruptible = false;
  std::string cache_dir;  // empty: see cache_dir_fd
  int cache_dir_fd = -1;  // -1: no cache unless cache_dir is set
  size_t max_wasm_stack = 0;
  bool verbose = false;
};

struct wasinet_engine {
  // Shared: modules and guests made from this engine keep it alive.
  std::shared_ptr<const wasinet::engine::Engine> engine;
  wasinet::os::UniqueFd cache_dir;  // not valid: no cache
  bool verbose = false;
};
