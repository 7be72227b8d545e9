// The public embedding API (include/wasinet/wasmtime.hh): a Host is one
// guest's WASI context, and add_to_linker binds our host functions to it on
// the embedder's own linker through the same trampoline as our runner.
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

#include "abi/preview1.hh"
#include "abi/wasinet_v0.hh"
#include "engine/wasmtime_binding.hh"
#include "net/network.hh"
#include "os/stack_thread.hh"
#include "runtime/fd_limit.hh"
#include "runtime/instance_setup.hh"
#include "runtime/run_timeout.hh"
#include "wasi/context.hh"

namespace wasinet {

std::shared_ptr<net::Network> unrestricted_network() { return net::unrestricted(); }

struct Host::Impl {
  wasi::Context ctx;
  runtime::SetupResult setup;
  std::vector<Listening> listening;
  abi::HostFunctions functions;
  engine::binding::GuestState state;
  // One entry per function per linker; a deque keeps addresses stable, as
  // the linkers hold pointers to the entries.
  std::deque<engine::binding::BoundFunction> bound;
  uint64_t max_memory = 0;
  std::chrono::milliseconds timeout{0};
  // Last, so destroyed first: its thread stops before the rest goes.
  std::optional<runtime::RunTimeout> watchdog;

  ~Impl() {
    watchdog.reset();
    runtime::remove_socket_files(setup);
  }
};

Host::Host(const HostOptions& options) : impl_(std::make_unique<Impl>()) {
  RunConfig config;
  if (!options.args.empty()) {
    config.module = options.args.front();
    config.args.assign(options.args.begin() + 1, options.args.end());
  }
  config.environ = options.environ;
  config.dirs = options.dirs;
  config.dns_files = options.dns_files;
  config.ca_certs = options.ca_certs;
  config.listeners = options.listeners;
  config.max_fds = options.max_fds ? options.max_fds : runtime::guest_fd_capacity(runtime::fd_limit());
  impl_->setup = runtime::setup_context(impl_->ctx, config, options.network);
  if (options.max_conns) impl_->ctx.fds.set_max_connections(options.max_conns);
  impl_->max_memory = options.max_memory;
  impl_->timeout = options.timeout;
  // setup_context names argv[0] after the module; an embedder's args are
  // taken as they are, an empty list included.
  impl_->ctx.args = options.args;
  for (const net::PreopenedListener& l : impl_->setup.listeners)
    impl_->listening.push_back({l.fd, l.url});

  impl_->functions = abi::preview1_functions();
  abi::add_wasinet_v0(impl_->functions);
  // Our adapters receive the wasi::Context (abi/host_function.hh).
  impl_->state.host = &impl_->ctx;
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

void Host::stop() const noexcept { impl_->ctx.wake->fire(); }

bool Host::timed_out() const noexcept { return impl_->watchdog && impl_->watchdog->expired(); }

void limit_store(wasm_engine_t* engine, wasmtime_store_t* store, Host& host) {
  Host::Impl& impl = host.impl();
  if (impl.max_memory)
    wasmtime_store_limiter(store, static_cast<int64_t>(std::min<uint64_t>(impl.max_memory, INT64_MAX)),
                           -1, -1, -1, -1);
  if (impl.timeout.count() <= 0) return;
  if (!engine) throw Error("limit_store: a timeout needs the engine (for its epoch)");
  if (impl.watchdog) throw Error("limit_store: called twice for one Host");
  wasmtime_context_set_epoch_deadline(wasmtime_store_context(store), 1);
  impl.watchdog.emplace(impl.timeout, impl.ctx.wake,
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
