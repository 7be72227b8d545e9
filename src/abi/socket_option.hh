#pragma once
// wasinet_v0's socket options: which (level, name) pairs a guest may use and
// what they mean to the core. Guests pass Linux numbers, with the quirks of
// the existing Go guest library (compat, see docs/wasinet_v0.md):
//  - level 0 and level 1 (SOL_SOCKET) both mean SOL_SOCKET;
//  - SO_RCVTIMEO / SO_SNDTIMEO arrive with the socket type as level
//    (1 stream, 2 datagram), as 16-byte {i64 seconds, i64 milliseconds}.
// Every other pair is ENOPROTOOPT and never reaches the kernel.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "net/socket.hh"
#include "wasi/result.hh"

namespace wasinet::abi {

struct OptionTarget {
  enum class Kind : uint8_t {
    integer,        // an int the core keeps on the socket (`option`)
    pending_error,  // SO_ERROR: read-only
    timeout,        // SO_RCVTIMEO / SO_SNDTIMEO (`direction`)
  };
  Kind kind = Kind::integer;
  net::SocketOption option = net::SocketOption::reuse_addr;
  net::Direction direction = net::Direction::receive;
};

// ENOPROTOOPT for every pair not listed in docs/wasinet_v0.md.
wasi::Result<OptionTarget> socket_option(uint32_t level, uint32_t name);

// Size of the timeout value in guest memory: {i64 seconds, i64 milliseconds}.
inline constexpr size_t kTimevalSize = 16;

// A guest timeval as the core's timeout: {0, 0} clears it (nullopt);
// negative seconds mean "already expired" (a negative duration); otherwise
// seconds + milliseconds from now, with milliseconds in 0..999 (EINVAL
// otherwise) and seconds capped at kMaxTimeoutSeconds.
wasi::Result<std::optional<net::Clock::duration>> decode_timeval(std::span<const uint8_t, kTimevalSize> raw);

// The core's time left as a guest timeval: none is {0, 0}; a deadline that
// has passed is {-1, 0} (so that it never reads as "none"); otherwise
// seconds and milliseconds, rounded up so that a deadline still ahead is
// never {0, 0}.
void encode_timeval(std::optional<net::Clock::duration> left, std::span<uint8_t, kTimevalSize> out);

// Longer timeouts are kept as this many seconds (about 31 years): the
// deadline must fit the host clock.
inline constexpr int64_t kMaxTimeoutSeconds = 1'000'000'000;

}  // namespace wasinet::abi
