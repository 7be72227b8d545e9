// sock_getsockopt / sock_setsockopt with WasmEdge's numbers: level 0 is
// SOL_SOCKET (the only level it defines), names from its witx `sock_opt_so`.
// Options the core keeps are served; the rest are ENOPROTOOPT and never
// reach the kernel (SO_BINDTODEVICE would leave the host's choice of
// interface to the guest). docs/wasmedge-abi.md lists them.
#include <cstring>
#include <optional>
#include <span>

#include "abi/host_function.hh"
#include "abi/wasmedge_address.hh"
#include "abi/wasmedge_sockets.hh"
#include "net/socket_calls.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

constexpr uint32_t kSolSocket = 0;
enum : uint32_t {
  kReuseAddr = 0, kType = 1, kError = 2, kBroadcast = 4, kSndBuf = 5, kRcvBuf = 6,
  kKeepAlive = 7, kLinger = 9,
};

// struct linger {i32 l_onoff; i32 l_linger}, as wasi-libc lays it out.
constexpr size_t kLingerSize = 8;

std::optional<net::SocketOption> integer_option(uint32_t name) {
  switch (name) {
    case kReuseAddr: return net::SocketOption::reuse_addr;
    case kBroadcast: return net::SocketOption::broadcast;
    case kSndBuf: return net::SocketOption::send_buffer;
    case kRcvBuf: return net::SocketOption::recv_buffer;
    case kKeepAlive: return net::SocketOption::keepalive;
    default: return std::nullopt;
  }
}

// The value's size: WasmEdge's host takes a pointer to a u32 size (in and
// out), and wasmedge_wasi_socket passes one; dispatchrun/net and
// dispatchrun/wasi-go pass the size itself. No guest's size is 1024 or
// more, and no clang- or rustc-built guest has data or stack below 1024:
// a smaller value is a size, a larger one a pointer to it.
constexpr uint32_t kSmallestSizePointer = 1024;

struct ValueOut {
  std::span<uint8_t> bytes;
  std::optional<uint32_t> size_ptr;  // where to write back the size used
};

Result<ValueOut> value_out(Call& c, uint32_t value, uint32_t size_arg) {
  if (size_arg < kSmallestSizePointer) {
    WASINET_TRY(std::span<uint8_t> bytes, c.memory.bytes(value, size_arg));
    return ValueOut{bytes, std::nullopt};
  }
  WASINET_TRY(const uint32_t size, c.memory.load<uint32_t>(size_arg));
  WASINET_TRY(std::span<uint8_t> bytes, c.memory.bytes(value, size));
  return ValueOut{bytes, size_arg};
}

Errno put_int(Call& c, const ValueOut& out, int32_t value) {
  if (out.bytes.size() < 4) return Errno::inval;
  std::memcpy(out.bytes.data(), &value, 4);
  if (out.size_ptr) return c.memory.store<uint32_t>(*out.size_ptr, 4);
  return Errno::success;
}

Errno sock_getsockopt(Call& c, uint32_t fd, uint32_t level, uint32_t name, uint32_t value,
                      uint32_t size_arg) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  if (level != kSolSocket) return Errno::noprotoopt;
  WASINET_TRY(const ValueOut out, value_out(c, value, size_arg));
  if (const auto option = integer_option(name)) {
    WASINET_TRY(int v, net::get_option(c.ctx, s, *option));
    return put_int(c, out, v);
  }
  switch (name) {
    case kType:
      return put_int(c, out, s.socket->type() == net::SocketType::stream ? kWasmEdgeSockStream : kWasmEdgeSockDgram);
    case kError: {
      // The call succeeds; the pending error is the value (a WASI errno).
      if (out.bytes.size() < 4) return Errno::inval;
      WASINET_TRY(net::PendingError pending, net::take_error(c.ctx, s));
      return put_int(c, out, static_cast<uint16_t>(pending.error));
    }
    case kLinger: {
      if (out.bytes.size() < kLingerSize) return Errno::inval;
      WASINET_TRY(int seconds, net::get_option(c.ctx, s, net::SocketOption::linger));
      const int32_t linger[2] = {seconds >= 0 ? 1 : 0, seconds >= 0 ? seconds : 0};
      std::memcpy(out.bytes.data(), linger, kLingerSize);
      if (out.size_ptr) return c.memory.store<uint32_t>(*out.size_ptr, kLingerSize);
      return Errno::success;
    }
    default:
      return Errno::noprotoopt;
  }
}

// The value's size is passed by value in every version.
Errno sock_setsockopt(Call& c, uint32_t fd, uint32_t level, uint32_t name, uint32_t value,
                      uint32_t size) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  if (level != kSolSocket) return Errno::noprotoopt;
  WASINET_TRY(std::span<uint8_t> in, c.memory.bytes(value, size));
  if (const auto option = integer_option(name)) {
    if (in.size() < 4) return Errno::inval;
    int32_t v;
    std::memcpy(&v, in.data(), 4);
    return net::set_option(c.ctx, s, *option, v);
  }
  switch (name) {
    case kType:
    case kError:
      return Errno::noprotoopt;  // read-only, as on Linux
    case kLinger: {
      if (in.size() < kLingerSize) return Errno::inval;
      int32_t linger[2];
      std::memcpy(linger, in.data(), kLingerSize);
      if (linger[1] < 0) return Errno::inval;
      return net::set_option(c.ctx, s, net::SocketOption::linger, linger[0] ? linger[1] : -1);
    }
    default:
      return Errno::noprotoopt;
  }
}

}  // namespace

void add_wasmedge_options(HostFunctions& out) {
  out.push_back(bind<&sock_getsockopt>(kPreview1, "sock_getsockopt"));
  out.push_back(bind<&sock_setsockopt>(kPreview1, "sock_setsockopt"));
}

}  // namespace wasinet::abi
