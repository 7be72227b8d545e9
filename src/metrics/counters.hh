#pragma once
// The counters behind `wasinet run --metrics` (docs/metrics.md): plain
// relaxed atomics, bumped where things happen (the net core, poll, the fd
// table, the engine's trampoline, the supervisor, the module cache) and
// read by the exposition thread. Header-only, below every layer: a layer
// that counts needs nothing else. Without --metrics no counter object
// exists and the hot paths test a null pointer.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace wasinet::metrics {

using Counter = std::atomic<uint64_t>;

inline void add(Counter& c, uint64_t n = 1) noexcept { c.fetch_add(n, std::memory_order_relaxed); }
inline uint64_t read(const Counter& c) noexcept { return c.load(std::memory_order_relaxed); }

// Policy decisions, by the operation asked (the order of net::Operation).
inline constexpr size_t kOperations = 7;

// One guest's figures (an instance's: they carry on across its restarts,
// so the counters only grow).
struct GuestCounters {
  // Connections: outbound (connect), inbound (accept), closed.
  Counter connections_opened{0};
  Counter connections_accepted{0};
  Counter connections_closed{0};
  // Bytes and datagrams through the guest's sockets.
  Counter bytes_received{0};
  Counter bytes_sent{0};
  Counter datagrams_received{0};
  Counter datagrams_sent{0};
  // [operation][0: allowed, 1: denied]
  std::array<std::array<Counter, 2>, kOperations> decisions{};
  Counter lookups{0};
  Counter lookup_failures{0};
  // Time: waiting in poll_oneoff; running (start to end, summed over runs;
  // run_started_ns is the start of the current run, 0 between runs).
  Counter poll_wait_ns{0};
  Counter run_ns_done{0};
  std::atomic<int64_t> run_started_ns{0};
  // Gauges, set as they change.
  Counter memory_bytes{0};
  std::atomic<int64_t> open_fds{0};
  // The supervisor's view of the instance.
  Counter starts{0};
  Counter exits{0};
  Counter restarts{0};
};

// What the process does for all its guests.
struct ProcessCounters {
  Counter reloads{0};
  Counter cache_hits{0};
  Counter cache_misses{0};
  Counter compile_ns{0};
  Counter net_log_dropped{0};
};

// The one per process (module loading and the decision log count here).
inline ProcessCounters& process() noexcept {
  static ProcessCounters counters;
  return counters;
}

}  // namespace wasinet::metrics
