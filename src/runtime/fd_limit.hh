#pragma once
// How many fds a guest may hold, given what this process may open.
//
// Every guest fd (stdio, preopens, files, sockets) is one host descriptor,
// so the guest's cap follows RLIMIT_NOFILE, less a reserve for the host's
// own descriptors (the engine, the wake and signal events, the module
// cache, transient ones while resolving paths and names).
#include <cstddef>

namespace wasinet::runtime {

inline constexpr size_t kHostFdReserve = 64;

// Raises this process's soft RLIMIT_NOFILE to its hard limit, as Go's
// runtime does for native servers, and returns the soft limit in force
// afterwards (unchanged when raising is refused).
size_t raise_fd_limit() noexcept;

// The soft RLIMIT_NOFILE in force now.
size_t fd_limit() noexcept;

// The most fds a guest may hold under a host limit of `host_limit`
// descriptors: the limit less kHostFdReserve (at least 3, for stdio).
size_t guest_fd_capacity(size_t host_limit) noexcept;

}  // namespace wasinet::runtime
