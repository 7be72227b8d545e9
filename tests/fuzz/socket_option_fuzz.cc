// Socket options: the (level, name) table and the timeval codec of
// abi/socket_option, then wasinet_v0's sock_setsockopt / sock_getsockopt on
// a real UDP socket with fuzzed values, pointers and lengths over a guest
// memory the fuzzer fills.
//
// Input: u32 level, u32 name, u32 value pointer, u32 value length, u8
// which call (even: set, odd: get), then the guest memory (its first 16
// bytes are also decoded as a timeval).
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include "abi/socket_option.hh"
#include "fuzz_check.hh"
#include "fuzz_input.hh"
#include "guest_buffer.hh"
#include "host_call.hh"
#include "loopback_only_network.hh"
#include "net/socket_calls.hh"

using namespace wasinet;

namespace {

struct Fixture {
  wasi::Context ctx;
  wasi::Fd udp = 0;
  Fixture() {
    ctx.network = std::make_shared<fuzz::LoopbackOnlyNetwork>();
    auto fd = net::open_socket(ctx, net::Family::inet, net::SocketType::datagram, 0, wasi::fdflags::nonblock);
    FUZZ_CHECK(fd.ok(), "open_socket: %d", static_cast<int>(fd.error()));
    udp = *fd;
    ctx.wake->fire();  // no call may wait
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  fuzz::FuzzInput in(data, size);
  const uint32_t level = in.take<uint32_t>(), name = in.take<uint32_t>();
  const uint32_t val = in.take<uint32_t>(), vallen = in.take<uint32_t>();
  const bool set = in.take<uint8_t>() % 2 == 0;
  const fuzz::GuestBuffer mem(in.rest());

  const auto target = abi::socket_option(level, name);
  if (!target.ok()) FUZZ_CHECK(target.error() == wasi::Errno::noprotoopt, "errno %d", int(target.error()));

  std::array<uint8_t, abi::kTimevalSize> tv{};
  std::memcpy(tv.data(), mem.data(), std::min(mem.size(), tv.size()));
  const auto timeout = abi::decode_timeval(std::span<const uint8_t, abi::kTimevalSize>(tv));
  if (timeout.ok()) {
    std::array<uint8_t, abi::kTimevalSize> back{};
    abi::encode_timeval(*timeout, back);
    const auto again = abi::decode_timeval(std::span<const uint8_t, abi::kTimevalSize>(back));
    FUZZ_CHECK(again.ok(), "an encoded timeval does not decode: %d", int(again.error()));
    FUZZ_CHECK(again->has_value() == timeout->has_value(), "a timeout turned into none or back");
  } else {
    FUZZ_CHECK(timeout.error() == wasi::Errno::inval, "errno %d", int(timeout.error()));
  }

  const auto& fn = fuzz::host_function(abi::kWasinetV0, set ? "sock_setsockopt" : "sock_getsockopt");
  fuzz::call_host(fn, fx.ctx, mem, {fx.udp, level, name, mem.pointer(val), vallen});
  return 0;
}
