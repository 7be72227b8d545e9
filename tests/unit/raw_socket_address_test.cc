// wasinet_v0's RawSocketAddress: the byte layout existing guests write,
// short lengths, hostile families and ports, unix paths at their limits.
#include "abi/raw_socket_address.hh"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace wasinet {
namespace {

using abi::decode_socket_address;
using abi::encode_socket_address;
using wasi::Errno;

using Raw = std::array<uint8_t, abi::kRawSocketAddressSize>;

template <class T>
void put(Raw& r, size_t off, T v) {
  std::memcpy(r.data() + off, &v, sizeof v);
}
template <class T>
T get(const Raw& r, size_t off) {
  T v;
  std::memcpy(&v, r.data() + off, sizeof v);
  return v;
}

// What the Go guest library writes: {family, socktype} twice, then the body.
Raw guest_raw(uint16_t family, uint16_t socktype) {
  Raw r{};
  put<uint16_t>(r, 0, family);
  put<uint16_t>(r, 2, socktype);
  put<uint16_t>(r, 4, family);
  put<uint16_t>(r, 6, socktype);
  return r;
}

Raw inet(std::array<uint8_t, 4> ip, uint32_t port) {
  Raw r = guest_raw(2, 1);
  put<uint32_t>(r, 8, port);
  std::memcpy(r.data() + 12, ip.data(), 4);
  return r;
}

TEST(RawSocketAddressTest, DecodesInetAsTheGuestLibraryWritesIt) {
  auto a = decode_socket_address(inet({127, 0, 0, 1}, 8080));
  ASSERT_TRUE(a.ok()) << wasi::errno_name(a.error());
  EXPECT_EQ(*a, net::Address::ipv4({127, 0, 0, 1}, 8080));
}

TEST(RawSocketAddressTest, DecodesInet6WithZone) {
  Raw r = guest_raw(10, 2);
  put<uint32_t>(r, 8, 443);
  std::array<uint8_t, 16> ip{};
  ip[0] = 0xfe, ip[1] = 0x80, ip[15] = 7;
  std::memcpy(r.data() + 12, ip.data(), 16);
  put<uint32_t>(r, 28, 3);
  auto a = decode_socket_address(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, net::Address::ipv6(ip, 443, 3));
  // 28 bytes hold the address without its zone: zone 0.
  auto short_a = decode_socket_address(std::span(r).first(28));
  ASSERT_TRUE(short_a.ok());
  EXPECT_EQ(*short_a, net::Address::ipv6(ip, 443, 0));
}

TEST(RawSocketAddressTest, ShortLengthIsInvalOnlyWhenAFieldIsMissing) {
  const Raw r = inet({10, 1, 2, 3}, 1);
  EXPECT_TRUE(decode_socket_address(std::span(r).first(16)).ok());
  EXPECT_EQ(decode_socket_address(std::span(r).first(15)).error(), Errno::inval);
  EXPECT_EQ(decode_socket_address(std::span(r).first(1)).error(), Errno::inval);
  EXPECT_EQ(decode_socket_address(std::span(r).first(0)).error(), Errno::inval);
  Raw r6 = guest_raw(10, 1);
  EXPECT_EQ(decode_socket_address(std::span(r6).first(27)).error(), Errno::inval);
  Raw ru = guest_raw(1, 1);
  ru[8] = 'x';
  EXPECT_EQ(decode_socket_address(std::span(ru).first(8)).error(), Errno::inval);
  auto one = decode_socket_address(std::span(ru).first(9));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->path, "x");
}

TEST(RawSocketAddressTest, LongerThanARawAddressReadsOnly130Bytes) {
  std::vector<uint8_t> big(4096, 'z');
  Raw r = guest_raw(1, 1);
  std::memcpy(big.data(), r.data(), 8);
  auto a = decode_socket_address(big);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->path, std::string(122, 'z'));
}

TEST(RawSocketAddressTest, UnknownFamilyIsAfnosupport) {
  for (uint16_t family : {0, 3, 11, 16, 0xffff})
    EXPECT_EQ(decode_socket_address(guest_raw(family, 1)).error(), Errno::afnosupport) << family;
}

TEST(RawSocketAddressTest, PortAbove65535IsInval) {
  EXPECT_EQ(decode_socket_address(inet({1, 2, 3, 4}, 65536)).error(), Errno::inval);
  EXPECT_EQ(decode_socket_address(inet({1, 2, 3, 4}, 0xffffffff)).error(), Errno::inval);
  EXPECT_TRUE(decode_socket_address(inet({1, 2, 3, 4}, 65535)).ok());
}

TEST(RawSocketAddressTest, UnixPathNulTerminatedOrFullLength) {
  Raw r = guest_raw(1, 1);
  std::memcpy(r.data() + 8, "/run/app.sock\0junk", 18);
  auto a = decode_socket_address(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->family, net::Family::unix_);
  EXPECT_EQ(a->path, "/run/app.sock");
  // 122 bytes with no NUL: the whole body is the path.
  std::memset(r.data() + 8, 'p', 122);
  auto full = decode_socket_address(r);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->path.size(), 122u);
  // Empty: an unnamed address, which the core refuses to bind or connect.
  std::memset(r.data() + 8, 0, 122);
  auto empty = decode_socket_address(r);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->path.empty());
}

TEST(RawSocketAddressTest, GuestLibraryUnixFamily99IsUnix) {
  // compat: the library's WriteMsgUnix sends {99, 99} as family/socktype.
  Raw r = guest_raw(99, 99);
  std::memcpy(r.data() + 8, "sock", 5);
  auto a = decode_socket_address(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, net::Address::unix_path("sock"));
}

TEST(RawSocketAddressTest, EncodesEveryFieldWhereGuestsReadThem) {
  Raw r;
  r.fill(0xEE);
  encode_socket_address(net::Address::ipv4({192, 168, 1, 2}, 5353), r);
  EXPECT_EQ(get<uint16_t>(r, 0), 2);
  EXPECT_EQ(get<uint16_t>(r, 2), 0);
  EXPECT_EQ(get<uint16_t>(r, 4), 2);
  EXPECT_EQ(get<uint32_t>(r, 8), 5353u);
  EXPECT_EQ(r[12], 192);
  EXPECT_EQ(r[15], 2);
  for (size_t i = 16; i < r.size(); ++i) ASSERT_EQ(r[i], 0) << i;

  std::array<uint8_t, 16> ip{};
  ip[15] = 1;
  encode_socket_address(net::Address::ipv6(ip, 80, 9), r);
  EXPECT_EQ(get<uint16_t>(r, 0), 10);
  EXPECT_EQ(get<uint16_t>(r, 4), 10);
  EXPECT_EQ(get<uint32_t>(r, 8), 80u);
  EXPECT_EQ(r[27], 1);
  EXPECT_EQ(get<uint32_t>(r, 28), 9u);
}

TEST(RawSocketAddressTest, EncodeDecodeRoundTrip) {
  std::array<uint8_t, 16> ip{0x20, 0x01, 0x0d, 0xb8};
  ip[15] = 0x42;
  for (const net::Address& a :
       {net::Address::ipv4({127, 0, 0, 1}, 0), net::Address::ipv4({255, 255, 255, 255}, 65535),
        net::Address::ipv6(ip, 1234, 0), net::Address::ipv6(ip, 1, 0xffffffff),
        net::Address::unix_path("/tmp/x.sock"), net::Address::unix_path(std::string(122, 'a'))}) {
    Raw r{};
    encode_socket_address(a, r);
    auto back = decode_socket_address(r);
    ASSERT_TRUE(back.ok()) << a.to_string();
    EXPECT_EQ(*back, a) << a.to_string();
  }
}

TEST(RawSocketAddressTest, UnnamedUnixIsWrittenAsAt) {
  Raw r;
  r.fill(0xEE);
  encode_socket_address(net::Address::unix_path(""), r);
  EXPECT_EQ(get<uint16_t>(r, 0), 1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.data() + 8)), "@");
}

TEST(RawSocketAddressTest, WriterStopsAtTheGuestsLength) {
  std::array<uint8_t, 64> buf;
  buf.fill(0xEE);
  encode_socket_address(net::Address::unix_path("/a/long/enough/path/for/this"), std::span(buf).first(10));
  EXPECT_EQ(buf[0], 1);
  EXPECT_EQ(buf[8], '/');
  EXPECT_EQ(buf[9], 'a');
  for (size_t i = 10; i < buf.size(); ++i) ASSERT_EQ(buf[i], 0xEE) << i;
  buf.fill(0xEE);
  encode_socket_address(net::Address::ipv4({1, 2, 3, 4}, 5), std::span(buf).first(0));
  for (uint8_t b : buf) ASSERT_EQ(b, 0xEE);
  // A longer buffer gets exactly 130 bytes.
  std::vector<uint8_t> big(200, 0xEE);
  encode_socket_address(net::Address::ipv4({1, 2, 3, 4}, 5), big);
  EXPECT_EQ(big[129], 0);
  EXPECT_EQ(big[130], 0xEE);
}

TEST(RawSocketAddressTest, OverlongUnixPathIsCutAt122) {
  Raw r{};
  encode_socket_address(net::Address::unix_path(std::string(300, 'q')), r);
  auto back = decode_socket_address(r);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->path, std::string(122, 'q'));
}

}  // namespace
}  // namespace wasinet
