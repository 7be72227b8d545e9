#pragma once
// Turns a file on disk into a compiled module: precompiled (.cwasm) files
// are loaded as they are; wasm is compiled, through the cache when enabled.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "engine/engine.hh"

namespace wasinet::runtime {

struct LoadOptions {
  bool use_cache = true;
  std::filesystem::path cache_dir;  // empty: ModuleCache::default_dir()
  // Say on stderr that a slow first compile is under way (when a terminal).
  bool report_slow_compile = true;
  // Say on stderr where the code came from (cache hit, compiled, loaded).
  bool verbose = false;
};

// Throws wasinet::Error with one clear line: missing or unreadable file,
// not wasm, a corrupt module, a precompiled module from another engine.
engine::Module load_module(const engine::Engine& engine, const std::filesystem::path& file,
                           const LoadOptions& options);

// The same for WebAssembly already in memory (an image's wasm layer), named
// `file` in messages and cache notes. Precompiled bytes are refused.
engine::Module compile_wasm(const engine::Engine& engine, const std::filesystem::path& file,
                            const std::vector<uint8_t>& bytes, const LoadOptions& options);

// Whether `file` starts like a module precompiled by `wasinet compile`.
bool is_precompiled_file(const std::filesystem::path& file);

// Compiles `file` (which must be wasm) and returns the serialized form.
std::vector<uint8_t> precompile(const engine::Engine& engine, const std::filesystem::path& file);

}  // namespace wasinet::runtime
