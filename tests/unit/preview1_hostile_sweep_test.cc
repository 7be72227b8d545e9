// A hostile guest, simulated: every preview1, wasinet_v0 and WasmEdge
// socket function is called many times with arguments drawn from values
// that break naive hosts (pointers at and past the end of memory, lengths
// near 2^32, huge fds, every flag bit) over a guest memory fenced by guard bytes. Each call must return a WASI errno,
// must not crash, and must not write a byte outside the guest's memory.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "abi/preview1.hh"
#include "abi/raw_socket_address.hh"
#include "abi/wasinet_v0.hh"
#include "abi/wasmedge_address.hh"
#include "abi/wasmedge_sockets.hh"
#include "net/network.hh"
#include "net/socket_calls.hh"
#include "runtime/instance_setup.hh"
#include "socket_fd.hh"
#include "wasi/context.hh"
#include "wasi/stdio.hh"
#include "test_options.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMemory = 64 * 1024;
constexpr size_t kGuard = 4096;
constexpr uint8_t kGuardByte = 0xA5;
constexpr int kCallsPerFunction = 3000;

using E = wasi::Errno;

// What a call may answer in each sweep. A WASI errno outside the set (EIO:
// a host error nobody mapped; EAGAIN from a file call) is a finding, as is
// a value that is no errno at all.
//
// Random arguments to preview1's calls: the argument checks, and what
// resolving a garbage path beneath the preopen can say.
const std::set<E> kArgumentErrnos = {
    E::success, E::badf, E::fault, E::inval, E::notcapable,
    E::nosys,  // proc_raise
    E::noent, E::notdir, E::isdir, E::exist, E::notempty, E::loop, E::nametoolong};
// Random arguments to the socket calls on real sockets: the argument checks,
// the network's refusals (EACCES) and what the sockets themselves say.
const std::set<E> kSocketErrnos = {
    E::success, E::badf, E::notsock, E::fault, E::inval, E::notcapable, E::acces,
    E::afnosupport, E::protonosupport, E::notsup, E::noprotoopt, E::again, E::isconn,
    E::notconn, E::pipe, E::connrefused, E::connreset, E::inprogress, E::already,
    E::addrinuse, E::addrnotavail, E::destaddrreq, E::msgsize, E::timedout, E::intr,
    E::noent, E::nametoolong};  // unix paths in the preopen
// path_* calls on the preopen with short paths of '.', '/', 'a', 'b': what
// the file system and the confinement answer (EBUSY: renaming a directory
// onto or from one the kernel holds, such as the preopen itself; EPERM: a
// hard link to a directory).
const std::set<E> kPathErrnos = {
    E::success, E::badf, E::inval, E::notcapable, E::noent, E::notdir, E::isdir, E::exist,
    E::notempty, E::loop, E::nametoolong, E::busy, E::perm};

// "badf", or "77 (no WASI errno)".
std::string errno_text(uint64_t value) {
  if (value > static_cast<uint16_t>(E::notcapable))
    return std::to_string(value) + " (no WASI errno)";
  return std::string(wasi::errno_name(static_cast<E>(value)));
}

bool expected(const std::set<E>& allowed, uint64_t value) {
  return value <= static_cast<uint16_t>(E::notcapable) && allowed.count(static_cast<E>(value));
}

// Functions whose point is to block or stop the guest: they get their own
// tests (poll_test.cc, preview1_engine_test.cc). A random poll_oneoff clock
// could sleep for centuries.
const std::set<std::string> kSkipped = {"proc_exit", "poll_oneoff"};

// Random guest memory can name any address on earth: the sweep's sockets may
// reach only the sweep's own sockets on loopback (and unix paths, which stay
// inside the preopen), and may resolve no host name (that would ask the
// name server), so nothing reaches anything else whatever the bytes say.
class OwnSocketsOnly final : public net::Network {
 public:
  std::set<uint16_t> ports;

  wasi::Status check(const net::Request& r) override {
    using net::Operation;
    if (r.op == Operation::resolve)
      return r.network.rfind("ip", 0) == 0 ? wasi::Errno::acces : wasi::Errno::success;
    // Binding and listening send nothing.
    if (r.op == Operation::open || r.op == Operation::listen || r.op == Operation::bind ||
        !r.address)
      return wasi::Errno::success;
    const net::Address a = r.address->unmapped();
    if (a.family == net::Family::unix_) return wasi::Errno::success;
    const bool loopback = (a.family == net::Family::inet && a.ip[0] == 127) ||
                          (a.family == net::Family::inet6 && a.ip == kLoopback6);
    return loopback && ports.count(a.port) ? wasi::Errno::success : wasi::Errno::acces;
  }

  static constexpr std::array<uint8_t, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
};

class HostileSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-sweep-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "tree" / "sub");
    GuestOptions config = testkit::test_options("sweep.wasm", {"a", "b"});
    config.environ = {"K=V"};
    config.dirs = {{(root_ / "tree").string(), "/tree", false}};
    testkit::setup_test_context(ctx_, config);
    // Stdio on /dev/null: random writes must not reach the test's output,
    // and reads of stdin must not wait for a terminal.
    for (wasi::Fd fd = 0; fd < 3; ++fd) {
      auto entry = ctx_.fds.get(fd);
      ASSERT_TRUE(entry.ok());
      (*entry)->object = std::make_shared<wasi::Stdio>(os::UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC)));
    }
    buffer_.assign(kGuard + kMemory + kGuard, kGuardByte);
  }
  void TearDown() override { fs::remove_all(root_); }

  uint64_t hostile_value(std::mt19937_64& rng, bool is_i64) {
    static constexpr uint64_t kInteresting[] = {
        0, 1, 2, 3, 4, 5, 7, 8, 16, 24, 32, 48, 64, 1024, 1025,
        2048, kMemory - 1, kMemory, kMemory + 1, kMemory - 4, kMemory - 8, kMemory - 24,
        0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffe, 0xffffffff};
    switch (rng() % 4) {
      case 0: return kInteresting[rng() % std::size(kInteresting)];
      case 1: return rng() % kMemory;     // a plausible pointer
      case 2: return rng() % 8;           // a plausible fd, flag or small length
      default: return is_i64 ? rng() : rng() & 0xffffffffu;
    }
  }

  // The sweep's real sockets, as fds of ctx_: a listener, a UDP socket
  // (both on 127.0.0.1), a unix datagram socket at /tree/<unix_name>, and a
  // TCP client connecting to the listener; `network` may reach the first
  // two. Any wait a call would start then ends at once: a hostile guest
  // must not be able to park the sweep.
  wasi::Fd open_real_sockets(OwnSocketsOnly& network, const std::string& unix_name) {
    const auto open = [&](net::Family f, net::SocketType t) {
      auto fd = net::open_socket(ctx_, f, t, 0, wasi::fdflags::nonblock);
      EXPECT_TRUE(fd.ok());
      return fd.ok() ? *fd : 0;
    };
    const auto port_of = [&](wasi::Fd fd) {
      auto a = net::local_address(ctx_, net::sock(ctx_, fd));
      EXPECT_TRUE(a.ok());
      return a.ok() ? a->port : uint16_t{0};
    };
    const net::Address loop4 = net::Address::ipv4({127, 0, 0, 1}, 0);
    const wasi::Fd listener = open(net::Family::inet, net::SocketType::stream);
    EXPECT_EQ(net::bind(ctx_, net::sock(ctx_, listener), loop4), wasi::Errno::success);
    EXPECT_EQ(net::listen(ctx_, net::sock(ctx_, listener), 4), wasi::Errno::success);
    const wasi::Fd udp = open(net::Family::inet, net::SocketType::datagram);
    EXPECT_EQ(net::bind(ctx_, net::sock(ctx_, udp), loop4), wasi::Errno::success);
    const wasi::Fd unix_dgram = open(net::Family::unix_, net::SocketType::datagram);
    EXPECT_EQ(net::bind(ctx_, net::sock(ctx_, unix_dgram), net::Address::unix_path("/tree/" + unix_name)),
              wasi::Errno::success);
    network.ports = {port_of(listener), port_of(udp)};
    const wasi::Fd client = open(net::Family::inet, net::SocketType::stream);
    const wasi::Errno c = net::connect(ctx_, net::sock(ctx_, client),
                                       net::Address::ipv4({127, 0, 0, 1}, port_of(listener)));
    EXPECT_TRUE(c == wasi::Errno::success || c == wasi::Errno::inprogress) << wasi::errno_name(c);
    ctx_.wake->fire();
    return listener;
  }

  fs::path root_;
  wasi::Context ctx_;
  std::vector<uint8_t> buffer_;
};

TEST_F(HostileSweepTest, EveryFunctionSurvivesHostileArguments) {
  std::mt19937_64 rng(20261125);
  const abi::HostFunctions functions = abi::preview1_functions();
  int exercised = 0;
  for (const engine::HostFunction& f : functions) {
    if (kSkipped.count(f.name)) continue;
    ++exercised;
    for (int i = 0; i < kCallsPerFunction; ++i) {
      // Guest memory full of random bytes (iovecs, structs and strings the
      // host decodes are garbage too), refreshed now and then.
      if (i % 64 == 0) {
        for (size_t b = 0; b < kMemory; b += 8) {
          const uint64_t r = rng();
          std::memcpy(buffer_.data() + kGuard + b, &r, 8);
        }
      }
      uint64_t args[16] = {};
      for (size_t p = 0; p < f.params.size(); ++p)
        args[p] = hostile_value(rng, f.params[p] == engine::ValType::i64);
      const std::span<uint8_t> memory(buffer_.data() + kGuard, kMemory);
      const engine::HostReturn r = f.callback(&ctx_, memory, args);
      ASSERT_EQ(r.trap, nullptr) << f.name << " trapped: " << r.trap;
      ASSERT_FALSE(r.exit) << f.name;
      ASSERT_TRUE(expected(kArgumentErrnos, r.value))
          << f.name << " answered " << errno_text(r.value);
      for (size_t g = 0; g < kGuard; ++g) {
        ASSERT_EQ(buffer_[g], kGuardByte) << f.name << " wrote before guest memory";
        ASSERT_EQ(buffer_[kGuard + kMemory + g], kGuardByte) << f.name << " wrote past guest memory";
      }
    }
  }
  EXPECT_GE(exercised, 40) << "the sweep should reach nearly every preview1 function";
}

// Every wasinet_v0 function (and preview1's sock_* calls) over fds that are
// real sockets: a listener, a UDP socket, a unix datagram socket, a
// connected TCP pair. Valid addresses are planted where the interesting
// pointers land (64: unix, 1024: inet, 2048: inet6), so calls get past
// decoding too.
TEST_F(HostileSweepTest, EveryWasinetV0FunctionSurvivesHostileArguments) {
  auto network = std::make_shared<OwnSocketsOnly>();
  ctx_.network = network;
  const wasi::Fd listener = open_real_sockets(*network, "d.sock");

  abi::HostFunctions functions;
  abi::add_wasinet_v0(functions);
  abi::add_preview1_sock(functions);
  std::mt19937_64 rng(4);
  for (const engine::HostFunction& f : functions) {
    for (int i = 0; i < kCallsPerFunction; ++i) {
      if (i % 64 == 0) {
        for (size_t b = 0; b < kMemory; b += 8) {
          const uint64_t r = rng();
          std::memcpy(buffer_.data() + kGuard + b, &r, 8);
        }
        const auto at = [&](size_t off) { return std::span(buffer_).subspan(kGuard + off, abi::kRawSocketAddressSize); };
        // One of the sweep's own ports, or one the network refuses.
        const uint16_t own[] = {*network->ports.begin(), *network->ports.rbegin(), 9};
        const uint16_t port = own[rng() % 3];
        abi::encode_socket_address(net::Address::unix_path("/tree/s" + std::to_string(rng() % 4)), at(64));
        abi::encode_socket_address(net::Address::ipv4({127, 0, 0, 1}, port), at(1024));
        abi::encode_socket_address(net::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, port), at(2048));
      }
      uint64_t args[16] = {};
      for (size_t p = 0; p < f.params.size(); ++p)
        args[p] = hostile_value(rng, f.params[p] == engine::ValType::i64);
      if (rng() % 2) args[0] = listener + rng() % 4;  // one of the sockets, half the time
      const std::span<uint8_t> memory(buffer_.data() + kGuard, kMemory);
      const engine::HostReturn r = f.callback(&ctx_, memory, args);
      ASSERT_EQ(r.trap, nullptr) << f.name << " trapped: " << r.trap;
      ASSERT_FALSE(r.exit) << f.name;
      if (f.name == "sock_determine_host_af_family")  // an address family, not an errno
        ASSERT_TRUE(r.value == 0 || r.value == abi::kHostAfUnix || r.value == abi::kHostAfInet ||
                    r.value == abi::kHostAfInet6)
            << r.value;
      else
        ASSERT_TRUE(expected(kSocketErrnos, r.value))
            << f.name << " answered " << errno_text(r.value);
      for (size_t g = 0; g < kGuard; ++g) {
        ASSERT_EQ(buffer_[g], kGuardByte) << f.name << " wrote before guest memory";
        ASSERT_EQ(buffer_[kGuard + kMemory + g], kGuardByte) << f.name << " wrote past guest memory";
      }
    }
  }
  EXPECT_EQ(functions.size(), 19u) << "15 wasinet_v0 functions and 4 preview1 sock_* calls";
}

// Every function of WasmEdge's socket extension, both versions, over the
// same real sockets. Valid address buffers ({buf, len} structs) are planted
// where the interesting pointers land: 64 a unix path (128-byte form), 1024
// IPv4 (raw 4 bytes), 2048 IPv6 (raw 16 bytes); sock_getaddrinfo may also
// answer with WasmEdge's EAI_* numbers (77 and on).
TEST_F(HostileSweepTest, EveryWasmEdgeFunctionSurvivesHostileArguments) {
  auto network = std::make_shared<OwnSocketsOnly>();
  ctx_.network = network;
  const wasi::Fd listener = open_real_sockets(*network, "we.sock");

  std::set<uint64_t> allowed;
  for (E e : kSocketErrnos) allowed.insert(static_cast<uint16_t>(e));
  for (uint64_t eai : {78, 79, 81, 82, 84, 85, 86}) allowed.insert(eai);

  abi::HostFunctions functions;
  abi::add_wasmedge_sockets(functions);
  std::mt19937_64 rng(20);
  const auto put32 = [&](size_t off, uint32_t v) { std::memcpy(buffer_.data() + kGuard + off, &v, 4); };
  for (const engine::HostFunction& f : functions) {
    for (int i = 0; i < kCallsPerFunction; ++i) {
      if (i % 64 == 0) {
        for (size_t b = 0; b < kMemory; b += 8) {
          const uint64_t r = rng();
          std::memcpy(buffer_.data() + kGuard + b, &r, 8);
        }
        put32(64, 80);
        put32(68, abi::kWasmEdgeStorageSize);
        std::array<uint8_t, abi::kWasmEdgeStorageSize> unix_storage{};
        ASSERT_EQ(abi::encode_wasmedge_address(net::Address::unix_path("/tree/s" + std::to_string(rng() % 4)),
                                               unix_storage),
                  wasi::Errno::success);
        std::memcpy(buffer_.data() + kGuard + 80, unix_storage.data(), unix_storage.size());
        put32(1024, 1040);
        put32(1028, 4);
        const uint8_t v4[4] = {127, 0, 0, 1};
        std::memcpy(buffer_.data() + kGuard + 1040, v4, 4);
        put32(2048, 2064);
        put32(2052, 16);
        uint8_t v6[16] = {};
        v6[15] = 1;
        std::memcpy(buffer_.data() + kGuard + 2064, v6, 16);
      }
      uint64_t args[16] = {};
      for (size_t p = 0; p < f.params.size(); ++p)
        args[p] = hostile_value(rng, f.params[p] == engine::ValType::i64);
      if (rng() % 2) args[0] = listener + rng() % 4;
      const std::span<uint8_t> memory(buffer_.data() + kGuard, kMemory);
      const engine::HostReturn r = f.callback(&ctx_, memory, args);
      ASSERT_EQ(r.trap, nullptr) << f.name << " trapped: " << r.trap;
      ASSERT_FALSE(r.exit) << f.name;
      ASSERT_TRUE(allowed.count(r.value)) << f.name << " answered " << errno_text(r.value);
      for (size_t g = 0; g < kGuard; ++g) {
        ASSERT_EQ(buffer_[g], kGuardByte) << f.name << " wrote before guest memory";
        ASSERT_EQ(buffer_[kGuard + kMemory + g], kGuardByte) << f.name << " wrote past guest memory";
      }
    }
  }
  EXPECT_EQ(functions.size(), 26u) << "every WasmEdge name and version";
}

// What the sweep may create stays inside the preopened tree.
TEST_F(HostileSweepTest, NothingAppearsOutsideThePreopen) {
  std::mt19937_64 rng(7);
  int succeeded = 0;
  const abi::HostFunctions functions = abi::preview1_functions();
  for (const engine::HostFunction& f : functions) {
    if (f.name.rfind("path_", 0) != 0) continue;
    for (int i = 0; i < kCallsPerFunction; ++i) {
      // Paths made of the characters that matter for escapes.
      static constexpr char kChars[] = "./.a/..b/";
      for (size_t b = 0; b < 256; ++b)  // every pointer below is < 64, every length < 64
        buffer_[kGuard + b] = static_cast<uint8_t>(kChars[rng() % (sizeof kChars - 1)]);
      uint64_t args[16] = {};
      for (size_t p = 0; p < f.params.size(); ++p)
        args[p] = p == 0 ? 3 : (p == 1 ? rng() % 4 : rng() % 64);  // fd 3, small flags, short paths
      const std::span<uint8_t> memory(buffer_.data() + kGuard, kMemory);
      const engine::HostReturn r = f.callback(&ctx_, memory, args);
      ASSERT_TRUE(expected(kPathErrnos, r.value))
          << f.name << " answered " << errno_text(r.value);
      succeeded += r.value == 0;
    }
  }
  // The sweep must reach real operations, not only argument errors.
  EXPECT_GT(succeeded, 100);
  for (const auto& entry : fs::directory_iterator(root_))
    EXPECT_EQ(entry.path().filename(), "tree") << "created outside the preopen: " << entry.path();
}

}  // namespace
}  // namespace wasinet
