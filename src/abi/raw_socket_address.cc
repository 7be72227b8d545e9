#include "abi/raw_socket_address.hh"

#include <algorithm>
#include <array>
#include <cstring>

#include "net/unix_path.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

constexpr size_t kFamilyOffset = 0;
constexpr size_t kBodyFamilyOffset = 4;
constexpr size_t kPortOffset = 8;
constexpr size_t kIpOffset = 12;
constexpr size_t kScopeOffset = 28;
constexpr size_t kPathOffset = 8;
constexpr size_t kMaxPath = kRawSocketAddressSize - kPathOffset;
static_assert(kMaxPath == net::kMaxUnixPath);

template <class T>
T load(std::span<const uint8_t> raw, size_t offset) {
  T v;
  std::memcpy(&v, raw.data() + offset, sizeof v);
  return v;
}

template <class T>
void put(std::span<uint8_t> image, size_t offset, T v) {
  std::memcpy(image.data() + offset, &v, sizeof v);
}

wasi::Result<uint16_t> load_port(std::span<const uint8_t> raw) {
  const auto port = load<uint32_t>(raw, kPortOffset);
  if (port > 65535) return Errno::inval;
  return static_cast<uint16_t>(port);
}

}  // namespace

wasi::Result<net::Address> decode_socket_address(std::span<const uint8_t> raw) {
  raw = raw.first(std::min(raw.size(), kRawSocketAddressSize));
  if (raw.size() < sizeof(uint16_t)) return Errno::inval;
  switch (load<uint16_t>(raw, kFamilyOffset)) {
    case kHostAfInet: {
      if (raw.size() < kMinInetLength) return Errno::inval;
      WASINET_TRY(uint16_t port, load_port(raw));
      std::array<uint8_t, 4> ip;
      std::memcpy(ip.data(), raw.data() + kIpOffset, ip.size());
      return net::Address::ipv4(ip, port);
    }
    case kHostAfInet6: {
      if (raw.size() < kMinInet6Length) return Errno::inval;
      WASINET_TRY(uint16_t port, load_port(raw));
      std::array<uint8_t, 16> ip;
      std::memcpy(ip.data(), raw.data() + kIpOffset, ip.size());
      // The scope id is optional for the reader: a 28-byte address (no
      // zone) is a complete IPv6 address.
      const uint32_t scope = raw.size() >= kScopeOffset + 4 ? load<uint32_t>(raw, kScopeOffset) : 0;
      return net::Address::ipv6(ip, port, scope);
    }
    case kHostAfUnix:
    case kGuestLibUnixFamily: {
      if (raw.size() < kMinUnixLength) return Errno::inval;
      const auto body = raw.subspan(kPathOffset);
      const auto end = std::find(body.begin(), body.end(), uint8_t{0});
      return net::Address::unix_path(std::string(body.begin(), end));
    }
    default:
      return Errno::afnosupport;
  }
}

void encode_socket_address(const net::Address& address, std::span<uint8_t> out) {
  std::array<uint8_t, kRawSocketAddressSize> image{};
  uint16_t family = 0;
  switch (address.family) {
    case net::Family::inet:
      family = kHostAfInet;
      put<uint32_t>(image, kPortOffset, address.port);
      std::memcpy(image.data() + kIpOffset, address.ip.data(), 4);
      break;
    case net::Family::inet6:
      family = kHostAfInet6;
      put<uint32_t>(image, kPortOffset, address.port);
      std::memcpy(image.data() + kIpOffset, address.ip.data(), 16);
      put<uint32_t>(image, kScopeOffset, address.scope_id);
      break;
    case net::Family::unix_: {
      family = kHostAfUnix;
      // Unnamed sockets say "@", as the existing host did: guests print it.
      const std::string_view path = address.path.empty() ? "@" : std::string_view(address.path);
      std::memcpy(image.data() + kPathOffset, path.data(), std::min(path.size(), kMaxPath));
      break;
    }
  }
  put<uint16_t>(image, kFamilyOffset, family);
  put<uint16_t>(image, kBodyFamilyOffset, family);
  const size_t n = std::min(out.size(), image.size());
  std::memcpy(out.data(), image.data(), n);
}

}  // namespace wasinet::abi
