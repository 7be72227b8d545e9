#pragma once
// What the C API's opaque handles are (wasinet.h declares them as
// incomplete structs). Only src/capi sees these definitions.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include <atomic>
#include <vector>

#include "engine/engine.hh"
#include "os/unique_fd.hh"
#include "runtime/guest.hh"
#include "wasinet/config.hh"
#include "wasinet/service.hh"
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

struct wasinet_module {
  std::shared_ptr<const wasinet::engine::Engine> engine;
  std::shared_ptr<const wasinet::engine::Module> module;
  std::string name;  // messages, and argv[0] when no argument is given
  std::filesystem::path file;  // absolute, when loaded from a file (a service reloads it)
  wasinet::os::UniqueFd cache_dir;  // the engine's, duplicated: a service compiles through it
};

struct wasinet_options {
  wasinet::GuestOptions guest;
  // Directories given by descriptor: duplicates kept open while the
  // options live, named to the guest setup as /proc/self/fd/N.
  std::vector<wasinet::os::UniqueFd> dir_fds;
  uint32_t instances = 1;
  // The first option asked for that this build does not have yet: the
  // guest is refused with UNSUPPORTED naming it.
  std::string unsupported;
};

struct wasinet_guest {
  std::shared_ptr<const wasinet::engine::Engine> engine;
  std::shared_ptr<const wasinet::engine::Module> module;
  // One instance: a Guest. More: a Service (wasinet/service.hh), told to
  // stop by a thread that waits on stop_event, since Service::stop takes a
  // lock and wasinet_guest_stop must be async-signal-safe.
  std::unique_ptr<wasinet::runtime::Guest> guest;
  std::unique_ptr<wasinet::Service> service;
  wasinet::os::UniqueFd stop_event;
  std::vector<std::string> listener_urls;
  std::string message;  // wasinet_exit_t::message of the run
  bool ran = false;
  // wasinet_guest_stop: the first status given wins (-1: none yet).
  std::atomic<int> stop_status{-1};
};
