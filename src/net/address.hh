#pragma once
// Socket addresses as a guest names them, independent of any ABI's byte
// layout: the ABI adapters decode into this and encode from it; the core
// turns it into a host sockaddr (for unix sockets, by resolving the guest
// path through the preopened directories).
#include <array>
#include <cstdint>
#include <string>

namespace wasinet::net {

enum class Family : uint8_t { inet, inet6, unix_ };
// Linux numbers, which wasinet_v0 guests pass as they are.
enum class SocketType : uint8_t { stream = 1, datagram = 2 };

struct Address {
  Family family = Family::inet;
  // inet: the first 4 bytes; inet6: all 16. Network byte order.
  std::array<uint8_t, 16> ip{};
  uint16_t port = 0;
  uint32_t scope_id = 0;  // inet6 zone
  // unix: the guest path; empty for an unnamed socket.
  std::string path;

  static Address ipv4(std::array<uint8_t, 4> bytes, uint16_t port);
  static Address ipv6(const std::array<uint8_t, 16>& bytes, uint16_t port, uint32_t scope_id = 0);
  static Address unix_path(std::string path);

  // "127.0.0.1:80", "[::1]:443", "[fe80::1%2]:22", "/run/app.sock", or "@"
  // for an unnamed unix socket: for host-side messages and logs.
  std::string to_string() const;

  // An IPv4-mapped inet6 address (::ffff:a.b.c.d) as inet; anything else
  // unchanged. Policy matching and logs see one form per host.
  Address unmapped() const;
  // The inverse: an inet address as IPv4-mapped inet6 (::ffff:a.b.c.d), the
  // port kept; anything else unchanged. What an inet6 socket takes for an
  // IPv4 peer.
  Address v4_mapped() const;

  bool operator==(const Address&) const = default;
};

// Whether `ip` (16 bytes) lies in ::ffff:0:0/96, the IPv4-mapped prefix.
bool is_v4_mapped(const std::array<uint8_t, 16>& ip) noexcept;

const char* family_name(Family f);
const char* socket_type_name(SocketType t);

}  // namespace wasinet::net
