#pragma once
// What one guest run is given: its program, arguments, environment,
// preopened directories and listening sockets, and how its compiled code is
// cached.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "wasinet/policy.hh"

namespace wasinet {

// The native stack wasm code may use by default (RunConfig::max_wasm_stack,
// --max-wasm-stack): 8 MiB, as Go's own runner for wasmtime passes
// (lib/wasm/go_wasip1_wasm_exec). Go programs recurse deeply (encoding/json,
// text/template); wasmtime's own default is 512 KiB.
inline constexpr uint64_t kDefaultMaxWasmStack = uint64_t{8} << 20;

struct DirMapping {
  std::string host;   // host directory
  std::string guest;  // the name the guest sees it by
  bool read_only = false;
};

// A listening socket the host opens before the guest starts and hands it as
// an fd (`--listen`): the guest accepts connections on it without any
// socket call of its own, as with wasmtime's and wazero's preopened sockets.
struct ListenSpec {
  enum class Kind : uint8_t { tcp, unix_ };
  Kind kind = Kind::tcp;
  // tcp: an IP literal without brackets ("127.0.0.1", "::1", "0.0.0.0").
  std::string ip;
  uint16_t port = 0;  // tcp: 0 lets the kernel choose
  // unix: an absolute HOST path, chosen by the operator (not resolved
  // through the guest's preopens).
  std::string path;

  static ListenSpec tcp(std::string ip, uint16_t port);
  static ListenSpec unix_socket(std::string host_path);

  // "tcp://127.0.0.1:8080", "tcp://[::1]:0", "unix:///run/app.sock".
  std::string url() const;
};

struct RunConfig {
  std::filesystem::path module;      // .wasm, or .cwasm from `wasinet compile`
  std::vector<std::string> args;     // argv[1..]; argv[0] is the module's file name
  std::vector<std::string> environ;  // "KEY=VALUE", in order
  std::vector<DirMapping> dirs;      // preopened in this order, from fd 3
  // The guest's working directory, given to it as PWD unless `environ`
  // sets PWD (Go on wasip1 takes $PWD, else the first preopen's name;
  // wasi-libc's is always "/"). `wasinet run` sets "/" when the first --dir
  // is a relative HOST seen from "/". When the guest works in "/" (this, or
  // no `dirs` but an implicit directory below) and neither `dirs` nor PWD
  // say otherwise, an empty read-only "/" is preopened before the implicit
  // directories, so that it exists (Go's os.Getwd stats it) and Go never
  // works in /etc. Empty, with `dirs`: Go works in the first one.
  std::string working_dir;
  // Show the guest the host's /etc/hosts and /etc/resolv.conf, read-only,
  // through a private directory preopened at guest /etc after `dirs`
  // (unless `dirs` maps guest /etc). Go's own resolver reads them.
  // Only for a guest whose Network reaches out (NetPolicy::grants_outbound:
  // --allow-net, --allow-dns); one granted nothing gets exactly its fds.
  // Off unless asked: `wasinet run` turns it on (--no-dns-files turns it
  // off), so a RunConfig built by hand gets exactly the fds it lists.
  bool dns_files = false;
  // Show the guest the host's CA bundle ($SSL_CERT_FILE of this process, or
  // the system's) read-only at /etc/ssl/certs/ca-certificates.crt and set
  // SSL_CERT_FILE to it, unless `environ` sets SSL_CERT_FILE or `dirs` map
  // guest /etc, /etc/ssl or /etc/ssl/certs. Like dns_files, only for a
  // guest that reaches out, and off unless asked: `wasinet run` turns it on
  // (--no-ca-certs turns it off).
  bool ca_certs = false;
  // Opened in this order; their fds follow every directory (`dirs`, then
  // the implicit ones), so fd 3 is the first only when there is none. The
  // guest is told where they are: WASINET_LISTEN_FDS=5,6 (guest fds in this
  // order, comma-separated) replaces any such variable in `environ`.
  std::vector<ListenSpec> listeners;
  // What the guest may reach on the network (wasinet/policy.hh). Empty:
  // nothing; the `listeners` above are the operator's own grant.
  NetPolicy net;
  bool use_cache = true;
  // Where compiled modules are cached; empty = the default (see
  // module_cache.hh).
  std::filesystem::path cache_dir;
  // Limits (docs/limits.md). The fds the guest may hold at once, stdio and
  // preopens included: EMFILE beyond. `wasinet run` sets it from the host's
  // RLIMIT_NOFILE (--max-fds).
  size_t max_fds = 1024;
  // The sockets the guest opened or accepted and holds at once, listening
  // ones (and the `listeners` above) not counted: sock_open and sock_accept
  // give EMFILE beyond, and a pending connection waits in the kernel's
  // queue. 0: no cap but max_fds (--max-conns).
  size_t max_conns = 0;
  // Bytes the guest's linear memory may grow to: memory.grow beyond fails
  // (the guest's allocator sees no memory). 0: no cap but wasm32's 4 GiB
  // (--max-memory).
  uint64_t max_memory = 0;
  // Wall time the guest may run, counted from its start (after compiling):
  // then it is stopped as by SIGINT. Zero: no limit (--timeout).
  std::chrono::milliseconds timeout{0};
  // Bytes of native stack the guest's wasm code may use; beyond, it traps
  // and `wasinet run` says it ran out of stack (--max-wasm-stack). The
  // guest runs on a thread of its own whose stack holds this much plus room
  // for host calls.
  uint64_t max_wasm_stack = kDefaultMaxWasmStack;
  bool verbose = false;  // host-side notes on stderr (module cache hits, ...)
};

}  // namespace wasinet
