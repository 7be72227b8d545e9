#include "net/address.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace wasinet::net {
namespace {

// ::ffff:0:0/96, the IPv4-mapped prefix (RFC 4291 2.5.5.2).
constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

bool is_v4_mapped(const std::array<uint8_t, 16>& ip) noexcept {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), ip.begin());
}

Address Address::ipv4(std::array<uint8_t, 4> bytes, uint16_t port) {
  Address a;
  a.family = Family::inet;
  std::copy(bytes.begin(), bytes.end(), a.ip.begin());
  a.port = port;
  return a;
}

Address Address::ipv6(const std::array<uint8_t, 16>& bytes, uint16_t port, uint32_t scope_id) {
  Address a;
  a.family = Family::inet6;
  a.ip = bytes;
  a.port = port;
  a.scope_id = scope_id;
  return a;
}

Address Address::unix_path(std::string path) {
  Address a;
  a.family = Family::unix_;
  a.path = std::move(path);
  return a;
}

std::string Address::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  switch (family) {
    case Family::inet:
      ::inet_ntop(AF_INET, ip.data(), text, sizeof text);
      return std::string(text) + ":" + std::to_string(port);
    case Family::inet6: {
      ::inet_ntop(AF_INET6, ip.data(), text, sizeof text);
      std::string s = "[";
      s += text;
      if (scope_id != 0) s += "%" + std::to_string(scope_id);
      return s + "]:" + std::to_string(port);
    }
    case Family::unix_:
      return path.empty() ? "@" : path;
  }
  return "?";
}

Address Address::unmapped() const {
  if (family != Family::inet6 || !is_v4_mapped(ip)) return *this;
  return ipv4({ip[12], ip[13], ip[14], ip[15]}, port);
}

Address Address::v4_mapped() const {
  if (family != Family::inet) return *this;
  std::array<uint8_t, 16> mapped{};
  std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), mapped.begin());
  std::copy(ip.begin(), ip.begin() + 4, mapped.begin() + kMappedPrefix.size());
  return ipv6(mapped, port);
}

const char* family_name(Family f) {
  switch (f) {
    case Family::inet: return "inet";
    case Family::inet6: return "inet6";
    case Family::unix_: return "unix";
  }
  return "?";
}

const char* socket_type_name(SocketType t) {
  switch (t) {
    case SocketType::stream: return "stream";
    case SocketType::datagram: return "datagram";
  }
  return "?";
}

}  // namespace wasinet::net
