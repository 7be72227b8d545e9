#include "runtime/module_loader.hh"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/module_cache.hh"
#include "wasinet/error.hh"
#include "metrics/counters.hh"

namespace wasinet::runtime {
namespace {

namespace fs = std::filesystem;

// One read of the whole file into a buffer sized up front: a Go guest is
// 10+ MB, and reading it through stream iterators cost more than the rest
// of a warm start.
std::vector<uint8_t> read_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw Error(file.string() + ": no such file");
  if (fs::is_directory(file, ec)) throw Error(file.string() + ": is a directory, not a module");
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error("cannot read " + file.string() + ": cannot tell its size");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size))
    throw Error("cannot read " + file.string() + ": short read (is it changing?)");
  return bytes;
}

bool looks_like_wasm(std::span<const uint8_t> b) {
  return b.size() >= 4 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm';
}

// The first bytes of a file, as text when they are text ("#!/bin/sh"),
// else in hex ("1f 8b 08 00").
std::string first_bytes(std::span<const uint8_t> b) {
  const size_t text_len = std::min<size_t>(b.size(), 16);
  bool text = true;
  size_t end = 0;
  for (; end < text_len && b[end] != '\n'; ++end)
    if (b[end] < 0x20 || b[end] > 0x7e) text = false;
  if (text && end > 0) return "\"" + std::string(b.begin(), b.begin() + static_cast<long>(end)) + "\"";
  std::string hex;
  char buf[4];
  for (size_t i = 0; i < std::min<size_t>(b.size(), 4); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", b[i]);
    hex += (i ? " " : "") + std::string(buf);
  }
  return hex;
}

void require_wasm(const fs::path& file, std::span<const uint8_t> bytes) {
  if (looks_like_wasm(bytes)) return;
  if (bytes.empty()) throw Error(file.string() + " is not a WebAssembly module: it is empty");
  if (engine::looks_elf(bytes))
    throw Error(file.string() + " is a native program or library (ELF), not a WebAssembly module " +
                "nor one precompiled by `wasinet compile`");
  throw Error(file.string() + " is not a WebAssembly module: it starts with " + first_bytes(bytes) +
              ", not \\0asm");
}

long long ms_since(std::chrono::steady_clock::time_point start) {
  return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start)
                                    .count());
}

void count_compile_time(std::chrono::steady_clock::time_point start) {
  metrics::add(metrics::process().compile_ns,
               static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count()));
}

// Compiling a 10 MB Go module takes ~150 MB of heap in Cranelift's threads;
// glibc keeps it after it is freed, and a long-running guest server would
// carry it for life. Hand it back once the code is ready.
void release_compiler_memory() { ::malloc_trim(0); }

// Compiles, and when it takes more than a second on a terminal, says so:
// a first start can take seconds and should not look like a hang.
engine::Module compile_reporting(const engine::Engine& engine, const fs::path& file,
                                 std::span<const uint8_t> wasm, bool report, bool cached) {
  if (!report || !::isatty(STDERR_FILENO)) {
    try {
      return engine.compile(wasm);
    } catch (const Error& e) {
      throw Error(file.string() + ": " + e.what());
    }
  }
  std::mutex m;
  std::condition_variable cv;
  bool done = false, said = false;
  const auto start = std::chrono::steady_clock::now();
  std::thread notice([&] {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, std::chrono::seconds(1), [&] { return done; })) {
      std::fprintf(stderr, "wasinet: compiling %s (first run)...", file.filename().c_str());
      std::fflush(stderr);
      said = true;
    }
  });
  auto finish = [&] {
    {
      std::lock_guard lock(m);
      done = true;
    }
    cv.notify_all();
    notice.join();
  };
  try {
    engine::Module module = engine.compile(wasm);
    finish();
    if (said) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, " done in %.1f s%s\n", s, cached ? ", cached for next time" : "");
    }
    return module;
  } catch (const Error& e) {
    finish();
    if (said) std::fprintf(stderr, " failed\n");
    throw Error(file.string() + ": " + e.what());
  }
}

}  // namespace

engine::Module load_module(const engine::Engine& engine, const fs::path& file,
                           const LoadOptions& options) {
  std::vector<uint8_t> bytes = read_file(file);
  if (engine::looks_precompiled(bytes)) {
    if (options.verbose) std::fprintf(stderr, "wasinet: loading precompiled %s\n", file.c_str());
    return engine.deserialize_file(file);
  }
  return compile_wasm(engine, file, bytes, options);
}

engine::Module compile_wasm(const engine::Engine& engine, const fs::path& file, const std::vector<uint8_t>& bytes,
                            const LoadOptions& options) {
  require_wasm(file, bytes);
  if (!options.use_cache) {
    const auto start = std::chrono::steady_clock::now();
    engine::Module module = compile_reporting(engine, file, bytes, options.report_slow_compile, false);
    count_compile_time(start);
    if (options.verbose)
      std::fprintf(stderr, "wasinet: module cache disabled: compiled in %lld ms\n", ms_since(start));
    release_compiler_memory();
    return module;
  }

  ModuleCache cache(options.cache_dir.empty() ? ModuleCache::default_dir() : options.cache_dir);
  const std::string key = ModuleCache::key(engine.fingerprint(), bytes);
  if (auto hit = cache.find(key)) {
    try {
      engine::Module module = engine.deserialize_file(*hit);
      metrics::add(metrics::process().cache_hits);
      if (options.verbose) std::fprintf(stderr, "wasinet: module cache hit: %s\n", hit->c_str());
      return module;
    } catch (const Error&) {
      cache.evict(key);  // damaged entry: compile afresh below
      if (options.verbose) std::fprintf(stderr, "wasinet: module cache entry damaged, recompiling\n");
    }
  }
  const auto start = std::chrono::steady_clock::now();
  engine::Module module = compile_reporting(engine, file, bytes, options.report_slow_compile, true);
  metrics::add(metrics::process().cache_misses);
  count_compile_time(start);
  std::string error;
  if (!cache.store(key, module.serialize(), &error)) {
    std::fprintf(stderr, "wasinet: warning: module cache: %s\n", error.c_str());
  } else if (options.verbose) {
    std::fprintf(stderr, "wasinet: module cache miss: compiled in %lld ms, stored %s\n", ms_since(start),
                 cache.find(key).value_or("?").c_str());
  }
  release_compiler_memory();
  return module;
}

bool is_precompiled_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  uint8_t head[8] = {};
  return in.read(reinterpret_cast<char*>(head), sizeof head) && engine::looks_precompiled(head);
}

std::vector<uint8_t> precompile(const engine::Engine& engine, const fs::path& file) {
  std::vector<uint8_t> bytes = read_file(file);
  if (engine::looks_precompiled(bytes)) throw Error(file.string() + " is already precompiled");
  require_wasm(file, bytes);
  return compile_reporting(engine, file, bytes, true, false).serialize();
}

}  // namespace wasinet::runtime
