// poll_oneoff: preview1's subscription decoding (abi/preview1_poll.cc) and
// the wait itself (wasi/poll.cc, ppoll) over a real fd table: a pipe whose
// writer is gone (readable, hung up), /dev/null, one end of a socketpair
// with data waiting, and a UDP socket holding a datagram, so that every fd
// subscription is ready at once; then fds that are closed or never were.
//
// Bounded waits: clock timeouts in the subscriptions are cut to at most
// 1 ms from now before the call (every other field stays as fuzzed), and
// half the inputs run with the wake event fired, which ends any wait.
//
// Input: u32 in pointer, u32 out pointer, u32 count, u32 nevents pointer,
// u8 (bit 0: fire the wake event), then the memory.
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "abi/layout.hh"
#include "fd_objects.hh"
#include "fuzz_input.hh"
#include "guest_buffer.hh"
#include "host_call.hh"
#include "loopback_only_network.hh"
#include "net/socket_calls.hh"

using namespace wasinet;

namespace {

constexpr uint64_t kMaxWaitNs = 1'000'000;

uint64_t now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

struct Fixture {
  wasi::Context ctx;
  std::shared_ptr<const os::WakeEvent> quiet = std::make_shared<os::WakeEvent>();
  std::shared_ptr<const os::WakeEvent> fired = std::make_shared<os::WakeEvent>();
  int peer = -1;  // the socketpair end the target keeps

  Fixture() {
    fired->fire();
    int p[2];
    FUZZ_CHECK(::pipe2(p, O_CLOEXEC) == 0, "pipe");
    FUZZ_CHECK(::write(p[1], "x", 1) == 1, "pipe write");
    ::close(p[1]);
    fuzz::add_host_fd(ctx.fds, p[0]);
    fuzz::add_host_fd(ctx.fds, fuzz::open_device("/dev/null"));
    int s[2];
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) == 0, "socketpair");
    FUZZ_CHECK(::write(s[1], "y", 1) == 1, "socketpair write");
    fuzz::add_host_fd(ctx.fds, s[0]);
    peer = s[1];
    auto network = std::make_shared<fuzz::LoopbackOnlyNetwork>();
    ctx.network = network;
    auto udp = net::open_socket(ctx, net::Family::inet, net::SocketType::datagram, 0, wasi::fdflags::nonblock);
    FUZZ_CHECK(udp.ok(), "open_socket");
    const net::Address any_port = net::Address::ipv4({127, 0, 0, 1}, 0);
    auto socket = net::socket_of(ctx, *udp);
    FUZZ_CHECK(socket.ok(), "socket_of");
    FUZZ_CHECK(net::bind(ctx, *socket, any_port) == wasi::Errno::success, "bind");
    auto local = net::local_address(ctx, *socket);
    FUZZ_CHECK(local.ok(), "local_address");
    network->ports = {local->port};
    uint8_t byte = 'z';
    const std::span<uint8_t> one(&byte, 1);
    auto sent = net::send(ctx, *socket, std::span<const std::span<uint8_t>>(&one, 1), &*local);
    FUZZ_CHECK(sent.ok() && *sent == 1, "datagram to self");
    // fds 4 and 5: a closed entry and one past the end, for EBADF events.
    const wasi::Fd gone = fuzz::add_host_fd(ctx.fds, fuzz::open_device("/dev/null"));
    FUZZ_CHECK(ctx.fds.close(gone) == wasi::Errno::success, "close");
  }
};

// Clock subscriptions that lie in memory get a deadline at most kMaxWaitNs
// away, relative or absolute, on whichever clock they name.
void bound_clocks(uint8_t* memory, size_t size, uint32_t in, uint32_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t at = uint64_t{in} + i * sizeof(abi::WasiSubscription);
    if (at + sizeof(abi::WasiSubscription) > size) return;
    abi::WasiSubscription s;
    std::memcpy(&s, memory + at, sizeof s);
    if (s.tag != 0) continue;
    if (s.u.clock.flags & wasi::subclockflags::abstime) {
      const clockid_t clock = s.u.clock.id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
      s.u.clock.timeout = std::min<uint64_t>(s.u.clock.timeout, now_ns(clock) + kMaxWaitNs);
    } else {
      s.u.clock.timeout %= kMaxWaitNs + 1;
    }
    std::memcpy(memory + at, &s, sizeof s);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  fuzz::FuzzInput in(data, size);
  const uint32_t subs = in.take<uint32_t>(), events = in.take<uint32_t>();
  const uint32_t count = in.take<uint32_t>(), nevents = in.take<uint32_t>();
  const bool wake = in.take<uint8_t>() & 1;
  fuzz::GuestBuffer mem(in.rest());
  const uint32_t p_subs = mem.pointer(subs);
  const uint32_t n = (count & 0x80000000u) ? count : count % 256;
  bound_clocks(mem.data(), mem.size(), p_subs, n);
  fx.ctx.wake = wake ? fx.fired : fx.quiet;
  fuzz::call_host(fuzz::host_function(abi::kPreview1, "poll_oneoff"), fx.ctx, mem,
                  {p_subs, mem.pointer(events), n, mem.pointer(nevents)});
  return 0;
}
