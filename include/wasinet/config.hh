#pragma once
// What one guest run is given: its program, arguments, environment and
// preopened directories, and how its compiled code is cached.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace wasinet {

struct DirMapping {
  std::string host;   // host directory
  std::string guest;  // the name the guest sees it by
  bool read_only = false;
};

struct RunConfig {
  std::filesystem::path module;      // .wasm, or .cwasm from `wasinet compile`
  std::vector<std::string> args;     // argv[1..]; argv[0] is the module's file name
  std::vector<std::string> environ;  // "KEY=VALUE", in order
  std::vector<DirMapping> dirs;      // preopened in this order, from fd 3
  bool use_cache = true;
  // Where compiled modules are cached; empty = the default (see
  // module_cache.hh).
  std::filesystem::path cache_dir;
  size_t max_fds = 1024;
  bool verbose = false;  // host-side notes on stderr (module cache hits, ...)
};

}  // namespace wasinet
