// wasinet_v0 option numbers and timevals: the pairs existing guests use,
// the compat levels, and that nothing else is let through.
#include "abi/socket_option.hh"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

namespace wasinet {
namespace {

using abi::OptionTarget;
using abi::socket_option;
using wasi::Errno;
using Kind = OptionTarget::Kind;
using namespace std::chrono_literals;

void expect_integer(uint32_t level, uint32_t name, net::SocketOption want) {
  auto t = socket_option(level, name);
  ASSERT_TRUE(t.ok()) << level << "/" << name;
  EXPECT_EQ(t->kind, Kind::integer) << level << "/" << name;
  EXPECT_EQ(t->option, want) << level << "/" << name;
}

TEST(SocketOptionTest, SolSocketOptionsAtLevelZeroAndOne) {
  for (uint32_t level : {0u, 1u}) {
    expect_integer(level, 2, net::SocketOption::reuse_addr);
    expect_integer(level, 6, net::SocketOption::broadcast);
    expect_integer(level, 7, net::SocketOption::send_buffer);
    expect_integer(level, 8, net::SocketOption::recv_buffer);
    expect_integer(level, 9, net::SocketOption::keepalive);
    expect_integer(level, 13, net::SocketOption::linger);
    auto e = socket_option(level, 4);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->kind, Kind::pending_error);
  }
}

TEST(SocketOptionTest, ProtocolLevelOptions) {
  expect_integer(6, 1, net::SocketOption::tcp_nodelay);
  expect_integer(41, 26, net::SocketOption::ipv6_only);
}

TEST(SocketOptionTest, TimeoutsAtSolSocketAndAtTheSocketTypeLevel) {
  for (uint32_t level : {0u, 1u, 2u}) {
    auto r = socket_option(level, 20);
    ASSERT_TRUE(r.ok()) << level;
    EXPECT_EQ(r->kind, Kind::timeout);
    EXPECT_EQ(r->direction, net::Direction::receive);
    auto s = socket_option(level, 21);
    ASSERT_TRUE(s.ok()) << level;
    EXPECT_EQ(s->kind, Kind::timeout);
    EXPECT_EQ(s->direction, net::Direction::send);
  }
}

TEST(SocketOptionTest, EverythingElseIsNoprotoopt) {
  // Level 2 is only the socket-type quirk of timeouts.
  EXPECT_EQ(socket_option(2, 2).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(2, 4).error(), Errno::noprotoopt);
  // Real Linux options we do not expose: SO_TYPE, SO_DONTROUTE,
  // SO_BINDTODEVICE, SO_PEERCRED, TCP_MAXSEG, IPV6_UNICAST_HOPS, IP_TTL.
  EXPECT_EQ(socket_option(1, 3).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(1, 5).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(1, 25).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(1, 17).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(6, 2).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(41, 16).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(0, 0).error(), Errno::noprotoopt);
  // A right name at the wrong level.
  EXPECT_EQ(socket_option(6, 26).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(41, 1).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(3, 20).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(0xffffffff, 2).error(), Errno::noprotoopt);
  EXPECT_EQ(socket_option(1, 0xffffffff).error(), Errno::noprotoopt);
}

std::array<uint8_t, 16> timeval(int64_t sec, int64_t ms) {
  std::array<uint8_t, 16> r;
  std::memcpy(r.data(), &sec, 8);
  std::memcpy(r.data() + 8, &ms, 8);
  return r;
}

TEST(SocketOptionTest, TimevalIsSecondsAndMilliseconds) {
  auto d = abi::decode_timeval(timeval(2, 500));
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->has_value());
  EXPECT_EQ(**d, 2500ms);
  auto ms = abi::decode_timeval(timeval(0, 1));
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(**ms, 1ms);
}

TEST(SocketOptionTest, ZeroTimevalClears) {
  auto d = abi::decode_timeval(timeval(0, 0));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->has_value());
}

TEST(SocketOptionTest, NegativeSecondsMeanAlreadyExpired) {
  for (auto [sec, ms] : {std::pair<int64_t, int64_t>{-1, 0}, {-1, 999}, {INT64_MIN, 0}, {-5, -3}}) {
    auto d = abi::decode_timeval(timeval(sec, ms));
    ASSERT_TRUE(d.ok()) << sec;
    ASSERT_TRUE(d->has_value()) << sec;
    EXPECT_LE(**d, net::Clock::duration::zero()) << sec;
  }
}

TEST(SocketOptionTest, MillisecondsOutOfRangeIsInval) {
  EXPECT_EQ(abi::decode_timeval(timeval(1, 1000)).error(), Errno::inval);
  EXPECT_EQ(abi::decode_timeval(timeval(0, -1)).error(), Errno::inval);
  EXPECT_EQ(abi::decode_timeval(timeval(0, INT64_MAX)).error(), Errno::inval);
}

TEST(SocketOptionTest, HugeSecondsAreCappedNotOverflowed) {
  auto d = abi::decode_timeval(timeval(INT64_MAX, 999));
  ASSERT_TRUE(d.ok());
  EXPECT_GT(**d, std::chrono::hours(24 * 365 * 30));
  EXPECT_LE(**d, std::chrono::seconds(abi::kMaxTimeoutSeconds + 1));
}

std::pair<int64_t, int64_t> encoded(std::optional<net::Clock::duration> left) {
  std::array<uint8_t, 16> out;
  out.fill(0xEE);
  abi::encode_timeval(left, out);
  int64_t sec, ms;
  std::memcpy(&sec, out.data(), 8);
  std::memcpy(&ms, out.data() + 8, 8);
  return {sec, ms};
}

TEST(SocketOptionTest, EncodeTimeLeft) {
  EXPECT_EQ(encoded(std::nullopt), std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ(encoded(net::Clock::duration::zero()), std::make_pair(int64_t{-1}, int64_t{0}));
  EXPECT_EQ(encoded(-3s), std::make_pair(int64_t{-1}, int64_t{0}));
  EXPECT_EQ(encoded(2500ms), std::make_pair(int64_t{2}, int64_t{500}));
  // Under a millisecond left is still "a deadline ahead", never {0, 0}.
  EXPECT_EQ(encoded(std::chrono::microseconds(10)), std::make_pair(int64_t{0}, int64_t{1}));
  EXPECT_EQ(encoded(std::chrono::microseconds(1999001)), std::make_pair(int64_t{2}, int64_t{0}));
}

}  // namespace
}  // namespace wasinet
