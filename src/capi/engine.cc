// The engine functions of the C API (wasinet.h, "engine"): an engine::Engine
// with the settings the engine owns, and the open cache directory that
// module loading will use.
#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "capi/handles.hh"
#include "capi/last_error.hh"
#include "wasinet/error.hh"

using wasinet::capi::fail;
using wasinet::capi::guard;

extern "C" {

wasinet_engine_options_t* wasinet_engine_options_new(void) {
  return new (std::nothrow) wasinet_engine_options;
}

void wasinet_engine_options_free(wasinet_engine_options_t* options) { delete options; }

void wasinet_engine_options_set_interruptible(wasinet_engine_options_t* options, int on) {
  if (options) options->interruptible = on != 0;
}

void wasinet_engine_options_set_cache_dir(wasinet_engine_options_t* options, const char* path) {
  if (!options) return;
  options->cache_dir_fd = -1;
  options->cache_dir = path ? path : "";
}

void wasinet_engine_options_set_cache_dir_fd(wasinet_engine_options_t* options, int dirfd) {
  if (!options) return;
  options->cache_dir.clear();
  options->cache_dir_fd = dirfd;
}

void wasinet_engine_options_set_max_wasm_stack(wasinet_engine_options_t* options, size_t bytes) {
  if (options) options->max_wasm_stack = bytes;
}

void wasinet_engine_options_set_verbose(wasinet_engine_options_t* options, int on) {
  if (options) options->verbose = on != 0;
}

wasinet_status_t wasinet_engine_new(const wasinet_engine_options_t* options,
                                    wasinet_engine_t** out) {
  if (!out) return fail(WASINET_ERROR_INVALID, "wasinet_engine_new: `out` is NULL");
  const wasinet_engine_options defaults;
  const wasinet_engine_options& o = options ? *options : defaults;
  // As --max-wasm-stack: a guest thread's stack is this plus the host's.
  constexpr size_t kMaxWasmStackLimit = size_t{1} << 30;
  if (o.max_wasm_stack > kMaxWasmStackLimit)
    return fail(WASINET_ERROR_INVALID, "the wasm stack limit is at most 1 GiB (--max-wasm-stack 1G)");
  auto engine = std::make_unique<wasinet_engine>();
  wasinet_status_t status = guard(WASINET_ERROR_INTERNAL, [&] {
    wasinet::engine::EngineOptions eo;
    eo.epoch_interruption = o.interruptible;
    if (o.max_wasm_stack != 0) eo.max_wasm_stack = o.max_wasm_stack;
    engine->engine = std::make_shared<const wasinet::engine::Engine>(eo);
  });
  if (status != WASINET_OK) return status;
  engine->verbose = o.verbose;
  if (!o.cache_dir.empty()) {
    engine->cache_dir.reset(::open(o.cache_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!engine->cache_dir)
      return fail(WASINET_ERROR_SETUP, "cannot open the module cache directory " + o.cache_dir +
                                           ": " + std::strerror(errno));
  } else if (o.cache_dir_fd >= 0) {
    engine->cache_dir.reset(::fcntl(o.cache_dir_fd, F_DUPFD_CLOEXEC, 0));
    if (!engine->cache_dir)
      return fail(WASINET_ERROR_SETUP, "cannot use the module cache directory descriptor " +
                                           std::to_string(o.cache_dir_fd) + ": " +
                                           std::strerror(errno));
  }
  *out = engine.release();
  return WASINET_OK;
}

void wasinet_engine_free(wasinet_engine_t* engine) { delete engine; }

const char* wasinet_engine_fingerprint(const wasinet_engine_t* engine) {
  return engine ? engine->engine->fingerprint().c_str() : "";
}

}  // extern "C"
