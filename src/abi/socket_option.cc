#include "abi/socket_option.hh"

#include <cstring>

namespace wasinet::abi {
namespace {

using wasi::Errno;
using Kind = OptionTarget::Kind;

// Linux numbers.
constexpr uint32_t kSolSocket = 1, kIpprotoTcp = 6, kIpprotoIpv6 = 41;
constexpr uint32_t kSoReuseaddr = 2, kSoError = 4, kSoBroadcast = 6, kSoSndbuf = 7,
                   kSoRcvbuf = 8, kSoKeepalive = 9, kSoLinger = 13, kSoRcvtimeo = 20,
                   kSoSndtimeo = 21;
constexpr uint32_t kTcpNodelay = 1;
constexpr uint32_t kIpv6V6only = 26;

// compat: the Go guest library's SOL_SOCKET is 0 (its own constant).
bool is_sol_socket(uint32_t level) { return level == 0 || level == kSolSocket; }
// compat: the library sets deadlines with the socket type as the level
// (1 stream, 2 datagram); 1 is SOL_SOCKET as well.
bool is_timeout_level(uint32_t level) { return is_sol_socket(level) || level == 2; }

OptionTarget integer(net::SocketOption o) { return {Kind::integer, o, net::Direction::receive}; }
OptionTarget timeout(net::Direction d) { return {Kind::timeout, net::SocketOption::reuse_addr, d}; }

}  // namespace

wasi::Result<OptionTarget> socket_option(uint32_t level, uint32_t name) {
  if (level == kIpprotoTcp && name == kTcpNodelay) return integer(net::SocketOption::tcp_nodelay);
  if (level == kIpprotoIpv6 && name == kIpv6V6only) return integer(net::SocketOption::ipv6_only);
  if (is_timeout_level(level)) {
    if (name == kSoRcvtimeo) return timeout(net::Direction::receive);
    if (name == kSoSndtimeo) return timeout(net::Direction::send);
  }
  if (!is_sol_socket(level)) return Errno::noprotoopt;
  switch (name) {
    case kSoReuseaddr: return integer(net::SocketOption::reuse_addr);
    case kSoError: return OptionTarget{Kind::pending_error, {}, {}};
    case kSoBroadcast: return integer(net::SocketOption::broadcast);
    case kSoSndbuf: return integer(net::SocketOption::send_buffer);
    case kSoRcvbuf: return integer(net::SocketOption::recv_buffer);
    case kSoKeepalive: return integer(net::SocketOption::keepalive);
    case kSoLinger: return integer(net::SocketOption::linger);
    default: return Errno::noprotoopt;
  }
}

wasi::Result<std::optional<net::Clock::duration>> decode_timeval(
    std::span<const uint8_t, kTimevalSize> raw) {
  int64_t sec, ms;
  std::memcpy(&sec, raw.data(), 8);
  std::memcpy(&ms, raw.data() + 8, 8);
  if (sec == 0 && ms == 0) return std::optional<net::Clock::duration>{};
  // The library clamps its millisecond part to >= 0, so "expired" shows
  // only in the seconds; whatever the milliseconds say then, it has passed.
  if (sec < 0) return std::optional<net::Clock::duration>{std::chrono::seconds(-1)};
  if (ms < 0 || ms > 999) return Errno::inval;
  if (sec > kMaxTimeoutSeconds) sec = kMaxTimeoutSeconds;
  return std::optional<net::Clock::duration>{std::chrono::seconds(sec) +
                                             std::chrono::milliseconds(ms)};
}

void encode_timeval(std::optional<net::Clock::duration> left, std::span<uint8_t, kTimevalSize> out) {
  int64_t sec = 0, ms = 0;
  if (left) {
    if (*left <= net::Clock::duration::zero()) {
      sec = -1;
    } else {
      const auto total_ms = std::chrono::ceil<std::chrono::milliseconds>(*left).count();
      sec = total_ms / 1000;
      ms = total_ms % 1000;
    }
  }
  std::memcpy(out.data(), &sec, 8);
  std::memcpy(out.data() + 8, &ms, 8);
}

}  // namespace wasinet::abi
