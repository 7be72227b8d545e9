#pragma once
// What one guest is given (GuestOptions): its arguments, environment,
// preopened directories, listening sockets, network and limits.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasinet/policy.hh"

namespace wasinet {

namespace metrics {
struct GuestCounters;  // src/metrics/counters.hh
}
namespace net {
class SharedBinds;  // src/net/shared_binds.hh
}

// The native stack wasm code may use by default (GuestOptions::max_wasm_stack,
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

// Everything one guest is given: the one options type of `wasinet run`
// (src/cli fills it from the flags), the embedding API (wasinet::Host,
// include/wasinet/wasmtime.hh) and the tests. Defaults are `wasinet run`'s
// without flags, but for max_fds (0: what the process's fd limit leaves).
struct GuestOptions {
  // argv, argv[0] included (`wasinet run` passes the module's path there).
  std::vector<std::string> argv;
  // "KEY=VALUE", in order. The host adds WASINET_LISTEN_FDS (see
  // listeners), SSL_CERT_FILE (see ca_certs) and PWD (see working_dir).
  std::vector<std::string> environ;
  std::vector<DirMapping> dirs;  // preopened in this order, from fd 3
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
  // Only for a guest whose network reaches out (NetPolicy::grants_outbound:
  // --allow-net, --allow-dns; or an override that says so); one granted
  // nothing gets exactly its fds (--no-dns-files turns it off).
  bool dns_files = true;
  // Show the guest the host's CA bundle ($SSL_CERT_FILE of this process, or
  // the system's) read-only at /etc/ssl/certs/ca-certificates.crt and set
  // SSL_CERT_FILE to it, unless `environ` sets SSL_CERT_FILE or `dirs` map
  // guest /etc, /etc/ssl or /etc/ssl/certs. Like dns_files, only for a
  // guest that reaches out (--no-ca-certs turns it off).
  bool ca_certs = true;
  // Opened once, before the guest starts (or given already open to
  // runtime::Guest, shared by several guests); their fds follow every
  // directory (`dirs`, then the implicit ones), so fd 3 is the first only
  // when there is none. The guest is told where they are:
  // WASINET_LISTEN_FDS=5,6 (guest fds in this order, comma-separated)
  // replaces any such variable in `environ`.
  std::vector<ListenSpec> listeners;
  // What the guest may reach on the network (wasinet/policy.hh). Empty:
  // nothing; the `listeners` above are the operator's own grant.
  NetPolicy net;
  // Bounds on `net` and on the `listeners` (wasinet/policy.hh, NetCeiling):
  // the containerd shim's node policy. Empty: none.
  std::vector<NetCeiling> net_ceilings;
  // For embedders: a Network of their own that decides instead of `net`
  // (unrestricted_network(), or their own implementation). Null: `net`
  // decides, through policy_network(net).
  std::shared_ptr<net::Network> network;
  // Limits (docs/limits.md). The fds the guest may hold at once, stdio and
  // preopens included: EMFILE beyond. 0: this process's soft RLIMIT_NOFILE
  // less what the host keeps (`wasinet run` raises it to the hard limit
  // first; --max-fds).
  size_t max_fds = 0;
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
  // then it is stopped as by SIGINT. Zero: no limit (--timeout). Needs an
  // engine with epoch checks to stop wasm code that never calls the host.
  std::chrono::milliseconds timeout{0};
  // Bytes of native stack the guest's wasm code may use; beyond, it traps
  // and `wasinet run` says it ran out of stack (--max-wasm-stack). An
  // engine setting: every guest of one engine gets the same.
  uint64_t max_wasm_stack = kDefaultMaxWasmStack;
  // SO_REUSEPORT on every TCP or UDP socket the guest binds, so that
  // several guests (the instances of a service) bind the same port and the
  // kernel spreads connections over them. wasinet::Service sets it for
  // more than one instance.
  bool reuse_port = false;
  // The TCP sockets guests listen on themselves, shared by every guest
  // given the same object: one kernel socket per address, which a later
  // guest (the next generation after a reload) listens on too.
  // wasinet::Service gives its guests one. Null: each guest's own.
  std::shared_ptr<net::SharedBinds> shared_binds;
  // The guest's stdout and stderr are written in whole lines: a line is
  // never cut by another guest's writing to the same host fd (several
  // instances of a service). A partial line waits for its end (64 KiB at
  // most) or the guest's end. wasinet::Service sets it for more than one
  // instance.
  bool whole_lines = false;
  // The guest's index among the instances of a service (0 otherwise): the
  // `guest` of its --net-log lines and its metrics.
  size_t instance = 0;
  // Where the guest's figures are counted (--metrics); null: nowhere.
  std::shared_ptr<metrics::GuestCounters> counters;
  // The wasinet_v0 retry guard (docs/wasinet_v0.md): a guest that retries
  // a non-blocking call at once is made to wait for readiness instead of
  // spinning. Off only to measure what it saves (`wasinet run` reads
  // WASINET_RETRY_GUARD=off; BENCHMARKS.md).
  bool retry_guard = true;
};

}  // namespace wasinet
