// The module functions of the C API (wasinet.h, "module"): loading through
// the engine's cache, compiling, and precompiled code.
#include <fcntl.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "capi/handles.hh"
#include "capi/last_error.hh"
#include "runtime/module_loader.hh"
#include "wasinet/error.hh"

using wasinet::capi::fail;
using wasinet::capi::guard;

namespace {

// How the engine loads and compiles: through its cache directory (as a
// path module loading can use), if it has one; no terminal notes.
wasinet::runtime::LoadOptions load_options(const wasinet_engine& e) {
  wasinet::runtime::LoadOptions load;
  load.use_cache = e.cache_dir.valid();
  if (load.use_cache) load.cache_dir = "/proc/self/fd/" + std::to_string(e.cache_dir.get());
  load.report_slow_compile = false;
  load.verbose = e.verbose;
  return load;
}

wasinet_status_t make(const wasinet_engine_t* engine, std::string name, wasinet_module_t** out,
                      const std::function<wasinet::engine::Module()>& load) {
  if (!engine || !out) return fail(WASINET_ERROR_INVALID, "a NULL engine or `out`");
  auto m = std::make_unique<wasinet_module>();
  m->engine = engine->engine;
  m->name = std::move(name);
  if (engine->cache_dir) m->cache_dir.reset(::fcntl(engine->cache_dir.get(), F_DUPFD_CLOEXEC, 3));
  const wasinet_status_t s =
      guard(WASINET_ERROR_MODULE, [&] { m->module = std::make_shared<const wasinet::engine::Module>(load()); });
  if (s != WASINET_OK) return s;
  *out = m.release();
  return WASINET_OK;
}

}  // namespace

extern "C" {

wasinet_status_t wasinet_module_load_file(const wasinet_engine_t* engine, const char* path,
                                          wasinet_module_t** out) {
  if (!path) return fail(WASINET_ERROR_INVALID, "wasinet_module_load_file: `path` is NULL");
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const wasinet_status_t s = make(engine, std::filesystem::path(path).filename().string(), out, [&] {
    return wasinet::runtime::load_module(*engine->engine, path, load_options(*engine));
  });
  if (s == WASINET_OK && !ec) (*out)->file = absolute;
  return s;
}

wasinet_status_t wasinet_module_compile(const wasinet_engine_t* engine, const uint8_t* wasm,
                                        size_t len, const char* name, wasinet_module_t** out) {
  if (!wasm && len) return fail(WASINET_ERROR_INVALID, "wasinet_module_compile: `wasm` is NULL");
  if (wasinet::engine::looks_precompiled({wasm, len}))
    return fail(WASINET_ERROR_MODULE, "precompiled code: use wasinet_module_deserialize");
  const std::string module_name = name ? name : "main.wasm";
  return make(engine, module_name, out, [&] {
    return wasinet::runtime::compile_wasm(*engine->engine, module_name, std::vector<uint8_t>(wasm, wasm + len),
                                          load_options(*engine));
  });
}

wasinet_status_t wasinet_module_deserialize(const wasinet_engine_t*, const uint8_t*, size_t, const char*,
                                            wasinet_module_t**) {
  return fail(WASINET_ERROR_UNSUPPORTED,
              "wasinet_module_deserialize is not implemented yet: load the file with wasinet_module_load_file");
}

wasinet_status_t wasinet_module_serialize(const wasinet_module_t* module, uint8_t** bytes, size_t* len) {
  if (!module || !bytes || !len) return fail(WASINET_ERROR_INVALID, "wasinet_module_serialize: NULL argument");
  std::vector<uint8_t> code;
  const wasinet_status_t s = guard(WASINET_ERROR_INTERNAL, [&] { code = module->module->serialize(); });
  if (s != WASINET_OK) return s;
  auto* buf = static_cast<uint8_t*>(std::malloc(code.size() ? code.size() : 1));
  if (!buf) return fail(WASINET_ERROR_INTERNAL, "out of memory");
  std::memcpy(buf, code.data(), code.size());
  *bytes = buf;
  *len = code.size();
  return WASINET_OK;
}

void wasinet_bytes_free(uint8_t* bytes) { std::free(bytes); }

void wasinet_module_free(wasinet_module_t* module) { delete module; }

}  // extern "C"
