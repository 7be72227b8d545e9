#pragma once
// Embedding wasinet in your own wasmtime program: add our WASI preview1
// (`wasi_snapshot_preview1`) and socket ABI (`wasinet_v0`) to a linker you
// own, next to your own host functions, with the network access you choose.
// This is the C++ counterpart of the Go host library for the same ABI.
//
//   wasm_engine_t* engine = wasm_engine_new();
//   wasmtime_store_t* store = wasmtime_store_new(engine, nullptr, nullptr);
//   wasmtime_linker_t* linker = wasmtime_linker_new(engine);
//
//   wasinet::GuestOptions options;      // the options of every wasinet guest
//   options.argv = {"app.wasm", "--port", "8080"};
//   options.net.allow_listen = {"127.0.0.1:8080"};  // what `wasinet run` flags set
//   options.net.allow_net = {"loopback"};
//   options.listeners.push_back(wasinet::ListenSpec::tcp("127.0.0.1", 8080));
//   wasinet::Host host(options);        // opens the listener; throws wasinet::Error
//   wasinet::add_to_linker(linker, host);
//
//   // instantiate with wasmtime_linker_instantiate, call "_start", then:
//   if (std::optional<int> code = host.exit_code()) ...  // the guest called proc_exit
//
// Rules of use:
// - One Host per guest instance: it holds that instance's fd table (stdio,
//   preopened directories, listeners, the sockets the guest opens), args
//   and environment. Create a new Host for each run.
// - The Host must outlive the linker's definitions and every instance
//   created from them (the functions point at it).
// - Calls into one Host come from one thread at a time (the thread running
//   the guest); stop() is the exception.
// - The guest must export its linear memory as "memory" (every WASI
//   program does); a call from a module without it sees an empty memory
//   and gets EFAULT for any pointer.
// - proc_exit unwinds the guest with a trap whose message is
//   "wasinet: proc_exit"; exit_code() then holds the code. A _start that
//   returns normally leaves exit_code() empty (exit status 0 by convention).
// - Blocking calls (poll_oneoff, blocking socket calls) sleep in the
//   kernel. stop() wakes them; to also stop code running in wasm, configure
//   your engine for epoch interruption (or fuel) and use that as well.
// - The wasm stack is your engine's: wasmtime's default of 512 KiB is too
//   little for Go programs (encoding/json, text/template recurse deeply;
//   `wasinet run` gives 8 MiB). A Host cannot change an engine, so set it on
//   your config with set_max_wasm_stack() and call into the guest through
//   run_with_wasm_stack(), whose thread has the native stack that needs.
//
// No wasinet-internal header is needed: the implementation lives in the
// wasinet_core library (link it, together with the wasmtime C API).
#include <wasmtime.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasinet/config.hh"
#include "wasinet/error.hh"
#include "wasinet/policy.hh"

namespace wasinet {

namespace net {
class Network;  // decides every socket call of a guest (src/net/network.hh)
}

// Every bind, connect, listen, send and name lookup allowed, nothing
// logged. For a guest you trust; otherwise use wasinet::policy_network
// (wasinet/policy.hh), the same policy as `wasinet run`'s --allow-net and
// friends: deny by default, refusals printed on stderr, --net-log lines.
std::shared_ptr<net::Network> unrestricted_network();

// A Host is made from GuestOptions, the options of every guest of `wasinet run`
// (wasinet/config.hh), with these notes for embedders:
// - argv is taken as it is (argv[0] included; it may be empty).
// - network: null lets `net` decide (an empty NetPolicy: every socket call
//   is refused with EACCES and a line on stderr, and `listeners` cannot be
//   opened); unrestricted_network() allows everything; policy_network(p)
//   is the same as setting net = p. One Network per Host: a policy Network
//   keeps that guest's resolved names.
// - dns_files and ca_certs (on by default) apply only when the network
//   lets the guest reach out.
// - max_fds 0: this process's soft RLIMIT_NOFILE less 64 kept for the host
//   (call raise_fd_limit() first to have the hard limit's worth).
// - max_memory and timeout are applied by limit_store().
// - max_wasm_stack is the engine's, which is yours: see set_max_wasm_stack.
// - The guest's stdio are duplicates of this process's fds 0, 1 and 2.

// A listener the Host opened: its guest fd and the address it is bound to
// ("tcp://127.0.0.1:43567" when port 0 was asked).
struct Listening {
  uint32_t fd = 0;
  std::string url;
};

class Host {
 public:
  // Throws wasinet::Error with one line naming what failed (a directory
  // that does not exist, a listen address in use, ...).
  explicit Host(const GuestOptions& options);
  ~Host();  // closes every fd of the guest, removes unix listener files
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const std::vector<Listening>& listeners() const noexcept;

  // The code the guest passed to proc_exit, if it called it.
  std::optional<int> exit_code() const noexcept;

  // Ends every blocking wait of the guest now and from now on (they return
  // EINTR): for shutting the guest down. Thread-safe and async-signal-safe.
  void stop() const noexcept;

  // Whether the options' timeout ran out (the guest was then stopped).
  bool timed_out() const noexcept;

  struct Impl;
  Impl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Defines every function of wasi_snapshot_preview1 and wasinet_v0 on
// `linker`, bound to `host`. Throws wasinet::Error when a name is already
// defined on the linker (unless the linker allows shadowing).
void add_to_linker(wasmtime_linker_t* linker, Host& host);

// Applies the Host's max_memory and timeout to the store its guest runs
// in; call it once, before instantiating. max_memory sets the store's
// limiter (wasmtime_store_limiter; a module whose memory starts above it
// fails to instantiate). timeout starts counting now; at the limit a
// watchdog thread calls host.stop() and advances `engine`'s epoch, then
// again every 100 ms until the Host is destroyed. For that, `engine` must
// have epoch interruption enabled (wasmtime_config_epoch_interruption_set)
// and outlive the Host; this sets the store's epoch deadline to 1 tick, so
// do not advance that engine's epoch for purposes of your own. Without a
// timeout, `engine` may be null and the store's deadline is left alone.
void limit_store(wasm_engine_t* engine, wasmtime_store_t* store, Host& host);

// Lets wasm code on engines made from `config` use `bytes` of native stack
// (kDefaultMaxWasmStack, 8 MiB, is what `wasinet run` gives; wasmtime's
// default is 512 KiB); deeper, it traps with wasmtime's stack-overflow trap
// code. Use this rather than wasmtime_config_max_wasm_stack_set alone: this
// wasmtime refuses an engine whose stack is above 2 MiB unless a second,
// async-only limit is raised too, which its C API cannot do in wasinet's
// build. Call it before wasm_engine_new_with_config.
void set_max_wasm_stack(wasm_config_t* config, size_t bytes = kDefaultMaxWasmStack);

// Runs `call` (your wasmtime_func_call of "_start", say) on a new thread
// whose native stack holds `max_wasm_stack` plus room for the host calls the
// guest makes, and waits for it. wasm code runs on the calling thread's
// stack and wasmtime only checks it against max_wasm_stack: called from a
// thread with less (the main thread has what ulimit -s gives, often 8 MiB),
// a deep guest would crash the process instead of trapping. An exception
// `call` throws is rethrown here; throws wasinet::Error when the thread
// cannot be made.
void run_with_wasm_stack(size_t max_wasm_stack, const std::function<void()>& call);

// Raises this process's soft RLIMIT_NOFILE to its hard limit (as
// `wasinet run` and Go's runtime do) and returns the new soft limit; a
// Host made afterwards with max_fds 0 may then hold that many less 64.
size_t raise_fd_limit() noexcept;

}  // namespace wasinet
