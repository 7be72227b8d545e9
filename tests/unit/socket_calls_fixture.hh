#pragma once
// What the socket_calls tests share (socket_calls_test.cc,
// socket_calls_unix_test.cc): a real wasi::Context with the unrestricted
// Network, and calls that drive the core the way the adapters do.
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "net/network.hh"
#include "net/socket_calls.hh"
#include "socket_fd.hh"
#include "wasi/poll.hh"

namespace wasinet::net {

// Readable failures ("[::1]:80", not bytes). Internal linkage: each test
// file may print its own way.
[[maybe_unused]] static void PrintTo(const Address& a, std::ostream* os) {
  *os << family_name(a.family) << " " << a.to_string();
}

namespace socket_calls_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using wasi::Errno;
using wasi::EventType;
using wasi::Fd;
namespace fdflags = wasi::fdflags;
namespace rights = wasi::rights;

constexpr uint16_t kNonblock = fdflags::nonblock;

inline Address loopback(Family f, uint16_t port = 0) {
  if (f == Family::inet) return Address::ipv4({127, 0, 0, 1}, port);
  std::array<uint8_t, 16> ip{};
  ip[15] = 1;
  return Address::ipv6(ip, port);
}

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

inline size_t open_host_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

class SocketCallsTest : public ::testing::Test {
 protected:
  void SetUp() override { ctx_.network = unrestricted(); }

  Fd open(Family f, SocketType t, uint16_t flags = kNonblock) {
    auto fd = open_socket(ctx_, f, t, 0, flags);
    EXPECT_TRUE(fd.ok()) << wasi::errno_name(fd.error());
    return fd.ok() ? *fd : 0;
  }

  // The guest-visible mode, as fd_fdstat_set_flags would set it.
  void set_blocking(Fd fd, bool blocking) {
    auto e = ctx_.fds.get(fd);
    ASSERT_TRUE(e.ok());
    (*e)->fdflags = blocking ? 0 : kNonblock;
  }

  Address local(Fd fd) {
    auto a = local_address(ctx_, sock(ctx_, fd));
    EXPECT_TRUE(a.ok()) << wasi::errno_name(a.error());
    return a.ok() ? *a : Address{};
  }

  wasi::Result<size_t> send_text(Fd fd, std::string text, const Address* to = nullptr,
                                 std::optional<SendWait> wait = std::nullopt) {
    std::span<uint8_t> buf(reinterpret_cast<uint8_t*>(text.data()), text.size());
    return send(ctx_, sock(ctx_, fd), wasi::IoVecs(&buf, 1), to, wait);
  }

  // Receives at most `max` bytes; the text, or "<errno>" on failure.
  std::string recv_text(Fd fd, size_t max, RecvOptions o = {}, ReceivedFrom* info = nullptr) {
    std::vector<uint8_t> bytes(max);
    std::span<uint8_t> buf(bytes);
    auto r = recv(ctx_, sock(ctx_, fd), wasi::IoVecs(&buf, 1), o);
    if (!r.ok()) return "<" + std::string(wasi::errno_name(r.error())) + ">";
    if (info) *info = *r;
    return std::string(bytes.begin(), bytes.begin() + static_cast<long>(r->bytes));
  }

  // poll_oneoff on one fd with a 5 s safety clock: the event, or nothing
  // when the clock ran out first.
  std::optional<wasi::Event> poll_fd(Fd fd, EventType type) {
    wasi::Subscription subs[2];
    subs[0].userdata = 1;
    subs[0].type = type;
    subs[0].fd = fd;
    subs[1].userdata = 2;
    subs[1].type = EventType::clock;
    subs[1].clock_id = static_cast<uint32_t>(wasi::ClockId::monotonic);
    subs[1].timeout = 5'000'000'000ull;
    wasi::Event events[2];
    wasi::PollOptions opts;
    opts.wake_fd = ctx_.wake->fd();
    auto n = wasi::poll_oneoff(ctx_.fds, subs, events, opts);
    EXPECT_TRUE(n.ok());
    if (!n.ok()) return std::nullopt;
    for (size_t i = 0; i < *n; ++i)
      if (events[i].userdata == 1) return events[i];
    return std::nullopt;
  }

  struct TcpPair {
    Fd listener, client, server;
    Address listen_addr;
  };
  // A listener on loopback and a connection to it, the client connected
  // the non-blocking way a wasinet_v0 guest does it.
  TcpPair tcp_pair(Family f) {
    TcpPair p{};
    p.listener = open(f, SocketType::stream);
    EXPECT_EQ(bind(ctx_, sock(ctx_, p.listener), loopback(f)), Errno::success);
    EXPECT_EQ(listen(ctx_, sock(ctx_, p.listener), 16), Errno::success);
    p.listen_addr = local(p.listener);
    EXPECT_NE(p.listen_addr.port, 0);
    p.client = open(f, SocketType::stream);
    EXPECT_EQ(connect(ctx_, sock(ctx_, p.client), p.listen_addr), Errno::inprogress);
    auto ev = poll_fd(p.client, EventType::fd_write);
    EXPECT_TRUE(ev.has_value());
    auto pending = take_error(ctx_, sock(ctx_, p.client));
    EXPECT_TRUE(pending.ok());
    EXPECT_EQ(pending->error, Errno::success);
    EXPECT_TRUE(poll_fd(p.listener, EventType::fd_read).has_value());
    auto accepted = accept(ctx_, sock(ctx_, p.listener), kNonblock);
    EXPECT_TRUE(accepted.ok()) << wasi::errno_name(accepted.error());
    if (accepted.ok()) {
      p.server = accepted->fd;
      EXPECT_EQ(accepted->peer, local(p.client));
    }
    return p;
  }

  wasi::Context ctx_;
};

}  // namespace socket_calls_test
}  // namespace wasinet::net
