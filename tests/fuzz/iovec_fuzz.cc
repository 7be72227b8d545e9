// iovecs: gather/scatter lists the guest builds in its memory. Four
// decoders of them, over a guest memory the fuzzer fills:
//   0  GuestMemory::iovecs itself (every buffer it hands out is then read
//      and written whole, so ASan sees any span outside the memory);
//   1  preview1 fd_read from /dev/zero (the host writes every byte the
//      iovecs name) and 2 fd_write to /dev/null (the kernel reads them);
//   3  wasinet_v0 sock_recv_from and 4 sock_send_to (Go's 16-byte iovecs,
//      an address in guest memory) on a UDP socket bound to loopback that
//      may send only to itself.
// The wake event is fired, so no call waits.
//
// Input: u8 mode, u32 iovs pointer, u32 iovs count, u32 address pointer,
// u32 address length, u32 result pointer, u32 flags, then the memory.
#include <cstdint>
#include <memory>

#include "fd_objects.hh"
#include "fuzz_input.hh"
#include "guest_buffer.hh"
#include "host_call.hh"
#include "loopback_only_network.hh"
#include "net/socket_calls.hh"

using namespace wasinet;

namespace {

struct Fixture {
  wasi::Context ctx;
  wasi::Fd zero = 0, null = 0, udp = 0;
  Fixture() {
    zero = fuzz::add_host_fd(ctx.fds, fuzz::open_device("/dev/zero"));
    null = fuzz::add_host_fd(ctx.fds, fuzz::open_device("/dev/null"));
    auto network = std::make_shared<fuzz::LoopbackOnlyNetwork>();
    ctx.network = network;
    auto fd = net::open_socket(ctx, net::Family::inet, net::SocketType::datagram, 0, wasi::fdflags::nonblock);
    FUZZ_CHECK(fd.ok(), "open_socket: %d", int(fd.error()));
    udp = *fd;
    auto socket = net::socket_of(ctx, udp);
    FUZZ_CHECK(socket.ok(), "socket_of");
    FUZZ_CHECK(net::bind(ctx, *socket, net::Address::ipv4({127, 0, 0, 1}, 0)) == wasi::Errno::success,
               "bind");
    auto local = net::local_address(ctx, *socket);
    FUZZ_CHECK(local.ok(), "local_address");
    network->ports = {local->port};
    ctx.wake->fire();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.take<uint8_t>() % 5;
  const uint32_t iovs = in.take<uint32_t>(), count = in.take<uint32_t>();
  const uint32_t addr = in.take<uint32_t>(), addrlen = in.take<uint32_t>();
  const uint32_t result = in.take<uint32_t>(), flags = in.take<uint32_t>();
  const fuzz::GuestBuffer mem(in.rest());
  const abi::GuestMemory memory = mem.memory();
  const uint32_t p_iovs = mem.pointer(iovs), n = count % 2048;  // past IOV_MAX too
  const uint32_t p_addr = mem.pointer(addr), n_addr = mem.pointer(addrlen);
  const uint32_t p_result = mem.pointer(result);

  switch (mode) {
    case 0: {
      auto bufs = memory.iovecs(p_iovs, n);
      if (!bufs.ok()) {
        FUZZ_CHECK(bufs.error() == wasi::Errno::fault || bufs.error() == wasi::Errno::inval,
                   "errno %d", int(bufs.error()));
        break;
      }
      FUZZ_CHECK(bufs->size() == n, "%zu buffers for %u iovecs", bufs->size(), n);
      for (std::span<uint8_t> b : *bufs) {
        FUZZ_CHECK(b.empty() || (b.data() >= mem.data() && b.data() + b.size() <= mem.data() + mem.size()),
                   "a buffer outside the memory");
        for (uint8_t& byte : b) byte ^= 0x5A;
      }
      break;
    }
    case 1:
      fuzz::call_host(fuzz::host_function(abi::kPreview1, "fd_read"), fx.ctx, mem, {fx.zero, p_iovs, n, p_result});
      break;
    case 2:
      fuzz::call_host(fuzz::host_function(abi::kPreview1, "fd_write"), fx.ctx, mem, {fx.null, p_iovs, n, p_result});
      break;
    case 3:
      fuzz::call_host(fuzz::host_function(abi::kWasinetV0, "sock_recv_from"), fx.ctx, mem,
                      {fx.udp, p_iovs, n, p_addr, n_addr % 64, p_addr, n_addr, flags & 0x1ff, p_result,
                       mem.pointer(flags >> 9)});
      break;
    case 4:
      fuzz::call_host(fuzz::host_function(abi::kWasinetV0, "sock_send_to"), fx.ctx, mem,
                      {fx.udp, p_iovs, n, p_addr, n_addr % 64, p_addr, n_addr, flags & 0x7fff, p_result});
      break;
  }
  return 0;
}
