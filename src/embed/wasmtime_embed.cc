// The public embedding API (include/wasinet/wasmtime.hh): a Host is one
// runtime::Guest (the same assembly as `wasinet run`), and add_to_linker
// binds our host functions to it on the embedder's own linker through the
// same trampoline as our engine.
//
// It lives in src/embed/, not src/engine/: it assembles a guest (runtime/,
// abi/, net/), so it sits above every layer, beside the CLI; the engine
// layer below abi/ stays free of them. It is the one place besides
// src/engine/ that may name wasmtime types (it hands the embedder's own
// linker and store to our binding).
#include "wasinet/wasmtime.hh"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>

#include "abi/host_modules.hh"
#include "engine/wasmtime_binding.hh"
#include "net/network.hh"
#include "os/stack_thread.hh"
#include "runtime/fd_limit.hh"
#include "runtime/guest.hh"
#include "runtime/run_timeout.hh"

namespace wasinet {

std::shared_ptr<net::Network> unrestricted_network() { return net::unrestricted(); }

struct Host::Impl {
  explicit Impl(const GuestOptions& options) : guest(options) {}

  runtime::Guest guest;
  std::vector<Listening> listening;
  abi::HostFunctions functions;
  engine::binding::GuestState state;
  // One entry per function per linker; a deque keeps addresses stable, as
  // the linkers hold pointers to the entries.
  std::deque<engine::binding::BoundFunction> bound;
  // Last, so destroyed first: its thread stops before the rest goes.
  std::optional<runtime::RunTimeout> watchdog;
};

Host::Host(const GuestOptions& options) : impl_(std::make_unique<Impl>(options)) {
  for (const runtime::GuestListener& l : impl_->guest.listening())
    impl_->listening.push_back({l.fd, l.host->url});
  // No module yet: one function per name, preview1's own first.
  impl_->functions = abi::first_of_each_name(abi::all_host_functions());
  // Our adapters receive the wasi::Context (abi/host_function.hh).
  impl_->state.host = &impl_->guest.context();
  // An embedder may instantiate several modules with these functions:
  // find the calling instance's memory on every call.
  impl_->state.cache_memory = false;
}

Host::~Host() = default;

const std::vector<Listening>& Host::listeners() const noexcept { return impl_->listening; }

std::optional<int> Host::exit_code() const noexcept {
  if (!impl_->state.exited) return std::nullopt;
  return impl_->state.exit_code;
}

void Host::stop() const noexcept { impl_->guest.stop(); }

bool Host::timed_out() const noexcept { return impl_->watchdog && impl_->watchdog->expired(); }

void limit_store(wasm_engine_t* engine, wasmtime_store_t* store, Host& host) {
  Host::Impl& impl = host.impl();
  const GuestOptions& options = impl.guest.options();
  if (options.max_memory)
    wasmtime_store_limiter(store, static_cast<int64_t>(std::min<uint64_t>(options.max_memory, INT64_MAX)),
                           -1, -1, -1, -1);
  if (options.timeout.count() <= 0) return;
  if (!engine) throw Error("limit_store: a timeout needs the engine (for its epoch)");
  if (impl.watchdog) throw Error("limit_store: called twice for one Host");
  wasmtime_context_set_epoch_deadline(wasmtime_store_context(store), 1);
  impl.watchdog.emplace(options.timeout, impl.guest.context().wake,
                        [engine] { wasmtime_engine_increment_epoch(engine); });
}

size_t raise_fd_limit() noexcept { return runtime::raise_fd_limit(); }

void set_max_wasm_stack(wasm_config_t* config, size_t bytes) {
  engine::binding::set_max_wasm_stack(config, bytes);
}

void run_with_wasm_stack(size_t max_wasm_stack, const std::function<void()>& call) {
  os::run_with_stack(max_wasm_stack + engine::kHostCallStack, call);
}

void add_to_linker(wasmtime_linker_t* linker, Host& host) {
  Host::Impl& impl = host.impl();
  for (const engine::HostFunction& fn : impl.functions) {
    impl.bound.push_back({&fn, &impl.state});
    engine::binding::define(linker, impl.bound.back());
  }
}

}  // namespace wasinet
