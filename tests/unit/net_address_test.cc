// Address and HostAddress: text forms, IPv4-mapped addresses, and the
// conversions to and from host sockaddrs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <gtest/gtest.h>

#include <cstring>
#include <ostream>

#include "net/address.hh"
#include "net/host_address.hh"

namespace wasinet::net {

// Readable failures ("[::1]:80", not bytes). Internal linkage: each test
// file may print its own way.
[[maybe_unused]] static void PrintTo(const Address& a, std::ostream* os) {
  *os << family_name(a.family) << " " << a.to_string();
}

namespace {

using wasi::Errno;

std::array<uint8_t, 16> v6(const char* text) {
  std::array<uint8_t, 16> ip{};
  EXPECT_EQ(::inet_pton(AF_INET6, text, ip.data()), 1) << text;
  return ip;
}

TEST(Address, TextForms) {
  EXPECT_EQ(Address::ipv4({127, 0, 0, 1}, 80).to_string(), "127.0.0.1:80");
  EXPECT_EQ(Address::ipv6(v6("::1"), 443).to_string(), "[::1]:443");
  EXPECT_EQ(Address::ipv6(v6("fe80::1"), 22, 2).to_string(), "[fe80::1%2]:22");
  EXPECT_EQ(Address::unix_path("/run/app.sock").to_string(), "/run/app.sock");
  EXPECT_EQ(Address::unix_path("").to_string(), "@");
  EXPECT_STREQ(family_name(Family::inet), "inet");
  EXPECT_STREQ(family_name(Family::inet6), "inet6");
  EXPECT_STREQ(family_name(Family::unix_), "unix");
  EXPECT_STREQ(socket_type_name(SocketType::stream), "stream");
  EXPECT_STREQ(socket_type_name(SocketType::datagram), "datagram");
}

TEST(Address, UnmappedTurnsMappedIpv6IntoIpv4Only) {
  const Address mapped = Address::ipv6(v6("::ffff:10.1.2.3"), 53);
  EXPECT_EQ(mapped.unmapped(), Address::ipv4({10, 1, 2, 3}, 53));
  const Address loop6 = Address::ipv6(v6("::1"), 53);
  EXPECT_EQ(loop6.unmapped(), loop6);
  // ::10.1.2.3 (the deprecated "compatible" form) is not mapped.
  const Address compat = Address::ipv6(v6("::10.1.2.3"), 53);
  EXPECT_EQ(compat.unmapped(), compat);
  const Address v4 = Address::ipv4({1, 2, 3, 4}, 5);
  EXPECT_EQ(v4.unmapped(), v4);
}

TEST(Address, V4MappedIsTheInverseOfUnmapped) {
  const Address v4 = Address::ipv4({10, 1, 2, 3}, 53);
  EXPECT_EQ(v4.v4_mapped(), Address::ipv6(v6("::ffff:10.1.2.3"), 53));
  EXPECT_TRUE(is_v4_mapped(v4.v4_mapped().ip));
  EXPECT_EQ(v4.v4_mapped().unmapped(), v4);
  const Address loop6 = Address::ipv6(v6("::1"), 53);
  EXPECT_EQ(loop6.v4_mapped(), loop6);
  EXPECT_FALSE(is_v4_mapped(loop6.ip));
  const Address path = Address::unix_path("/run/a.sock");
  EXPECT_EQ(path.v4_mapped(), path);
}

TEST(HostAddress, IpRoundTripsInNetworkByteOrder) {
  auto h4 = to_host(Address::ipv4({192, 0, 2, 7}, 0x1234));
  ASSERT_TRUE(h4.ok());
  EXPECT_EQ(h4->family(), AF_INET);
  EXPECT_EQ(h4->length, sizeof(sockaddr_in));
  sockaddr_in sin;
  std::memcpy(&sin, &h4->storage, sizeof sin);
  EXPECT_EQ(sin.sin_port, htons(0x1234));
  EXPECT_EQ(sin.sin_addr.s_addr, htonl(0xC0000207));
  EXPECT_EQ(*from_host(*h4), Address::ipv4({192, 0, 2, 7}, 0x1234));

  const Address a6 = Address::ipv6(v6("fe80::abcd"), 8080, 3);
  auto h6 = to_host(a6);
  ASSERT_TRUE(h6.ok());
  EXPECT_EQ(h6->family(), AF_INET6);
  EXPECT_EQ(h6->length, sizeof(sockaddr_in6));
  sockaddr_in6 sin6;
  std::memcpy(&sin6, &h6->storage, sizeof sin6);
  EXPECT_EQ(sin6.sin6_port, htons(8080));
  EXPECT_EQ(sin6.sin6_scope_id, 3u);
  EXPECT_EQ(*from_host(*h6), a6);
}

TEST(HostAddress, UnixAndOtherFamilies) {
  EXPECT_EQ(to_host(Address::unix_path("/x")).error(), Errno::afnosupport);

  HostAddress h;
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::strcpy(sun.sun_path, "/tmp/s.sock");
  std::memcpy(&h.storage, &sun, sizeof sun);
  h.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 12);
  EXPECT_EQ(*from_host(h), Address::unix_path("/tmp/s.sock"));
  h.length = sizeof(sa_family_t);  // unnamed
  EXPECT_EQ(*from_host(h), Address::unix_path(""));

  HostAddress short4;
  short4.storage.ss_family = AF_INET;
  short4.length = 4;
  EXPECT_EQ(from_host(short4).error(), Errno::inval);
  HostAddress other;
  other.storage.ss_family = AF_PACKET;
  other.length = sizeof other.storage;
  EXPECT_EQ(from_host(other).error(), Errno::afnosupport);

  EXPECT_EQ(host_family(Family::inet), AF_INET);
  EXPECT_EQ(host_family(Family::inet6), AF_INET6);
  EXPECT_EQ(host_family(Family::unix_), AF_UNIX);
}

}  // namespace
}  // namespace wasinet::net
