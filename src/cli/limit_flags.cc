#include "cli/limit_flags.hh"

#include <CLI/CLI.hpp>

#include "runtime/fd_limit.hh"
#include "runtime/limit_values.hh"
#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {
constexpr uint64_t kMaxWasmStackLimit = uint64_t{1} << 30;
}  // namespace

void add_limit_flags(CLI::App& run, LimitFlags& flags) {
  run.add_option("--max-fds", flags.max_fds,
                 "Most fds the program may hold at once, stdio and preopens included;\n"
                 "beyond, opening a file or socket fails with EMFILE. Default: what the\n"
                 "host's fd limit allows (wasinet raises its soft RLIMIT_NOFILE to the\n"
                 "hard one and keeps 64 for itself)")
      ->type_name("N");
  run.add_option("--max-conns", flags.max_conns,
                 "Most sockets the program may hold at once (opened or accepted; listening\n"
                 "ones and --listen sockets not counted); beyond, socket and accept fail\n"
                 "with EMFILE and new connections wait in the kernel's queue. Default: no\n"
                 "cap but --max-fds")
      ->type_name("N");
  run.add_option("--max-memory", flags.max_memory,
                 "Cap on the program's linear memory, in bytes with K, M, G (binary):\n"
                 "64M, 2G. Growing beyond fails (its allocations fail). Default: none\n"
                 "but wasm32's 4G")
      ->type_name("SIZE");
  run.add_option("--timeout", flags.timeout,
                 "Stop the program after this wall time from its start: 500ms, 30s, 2m,\n"
                 "1h (a bare number is seconds). Exit status 124")
      ->type_name("DURATION");
  run.add_option("--max-wasm-stack", flags.max_wasm_stack,
                 "Native stack the program's wasm code may use, in bytes with K, M, G:\n"
                 "beyond, it stops with \"ran out of stack\" (exit status 134). Default: 8M\n"
                 "(Go programs recurse deeply; wasmtime's own default is 512K). At most 1G")
      ->type_name("SIZE");
}

void parse_limit_flags(const LimitFlags& flags, GuestOptions& config) {
  if (!flags.max_conns.empty())
    config.max_conns = runtime::parse_count("--max-conns", flags.max_conns, 1);
  if (!flags.max_memory.empty())
    config.max_memory = runtime::parse_byte_size("--max-memory", flags.max_memory);
  if (!flags.timeout.empty()) config.timeout = runtime::parse_duration("--timeout", flags.timeout);
  if (!flags.max_wasm_stack.empty()) {
    config.max_wasm_stack = runtime::parse_byte_size("--max-wasm-stack", flags.max_wasm_stack);
    // The guest's thread gets this much stack (plus room for host calls):
    // address space, which a typo should not exhaust.
    if (config.max_wasm_stack > kMaxWasmStackLimit)
      throw Error("--max-wasm-stack " + flags.max_wasm_stack + ": at most " +
                  runtime::format_byte_size(kMaxWasmStackLimit));
  }
  // Checked here so that a malformed value is a usage error like the others.
  if (!flags.max_fds.empty()) (void)runtime::parse_count("--max-fds", flags.max_fds, 3);
}

void apply_fd_limit(const LimitFlags& flags, GuestOptions& config) {
  const size_t host = runtime::raise_fd_limit();
  const size_t capacity = runtime::guest_fd_capacity(host);
  if (flags.max_fds.empty()) {
    config.max_fds = capacity;
    return;
  }
  const uint64_t want = runtime::parse_count("--max-fds", flags.max_fds, 3);
  if (want > capacity)
    throw Error("--max-fds " + flags.max_fds + ": this host lets wasinet open " +
                std::to_string(host) + " fds (hard RLIMIT_NOFILE), " +
                std::to_string(runtime::kHostFdReserve) + " of which it keeps for itself: at most " +
                std::to_string(capacity) + " for the program (raise the limit with ulimit -Hn or " +
                "LimitNOFILE=, or ask for fewer)");
  config.max_fds = static_cast<size_t>(want);
}

}  // namespace wasinet::cli
