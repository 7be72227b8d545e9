#include "abi/wasmedge_address.hh"

#include <algorithm>
#include <array>
#include <cstring>

#include "net/unix_path.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

constexpr size_t kInet4Size = 4, kInet6Size = 16;

template <size_t N>
std::array<uint8_t, N> ip_bytes(std::span<const uint8_t> raw) {
  std::array<uint8_t, N> ip;
  std::memcpy(ip.data(), raw.data(), N);
  return ip;
}

}  // namespace

wasi::Result<std::span<uint8_t>> wasmedge_address_buffer(const GuestMemory& memory, uint32_t ptr) {
  WASINET_TRY(const uint32_t buf, memory.load<uint32_t>(ptr));
  WASINET_TRY(const uint32_t len, memory.load<uint32_t>(ptr + 4));
  return memory.bytes(buf, len);
}

wasi::Result<net::Address> decode_wasmedge_address(std::span<const uint8_t> raw, uint32_t port) {
  if (port > 65535) return Errno::inval;
  const auto p = static_cast<uint16_t>(port);
  switch (raw.size()) {
    case kInet4Size: return net::Address::ipv4(ip_bytes<kInet4Size>(raw), p);
    case kInet6Size: return net::Address::ipv6(ip_bytes<kInet6Size>(raw), p);
    case kWasmEdgeStorageSize: break;
    default: return Errno::inval;
  }
  uint16_t family;
  std::memcpy(&family, raw.data(), sizeof family);
  const auto body = raw.subspan(kWasmEdgeAddressOffset);
  switch (family) {
    case kWasmEdgeInet4: return net::Address::ipv4(ip_bytes<kInet4Size>(body), p);
    case kWasmEdgeInet6: return net::Address::ipv6(ip_bytes<kInet6Size>(body), p);
    case kWasmEdgeUnix: {
      const auto end = std::find(body.begin(), body.end(), uint8_t{0});
      if (end == body.end()) return Errno::inval;
      return net::Address::unix_path(std::string(body.begin(), end));
    }
    default: return Errno::afnosupport;
  }
}

uint16_t wasmedge_family(const net::Address& address) {
  switch (address.family) {
    case net::Family::inet: return kWasmEdgeInet4;
    case net::Family::inet6: return kWasmEdgeInet6;
    case net::Family::unix_: return kWasmEdgeUnix;
  }
  return kWasmEdgeUnspec;
}

wasi::Status encode_wasmedge_address(const net::Address& address, std::span<uint8_t> out) {
  const bool is_ip = address.family != net::Family::unix_;
  const size_t ip_size = address.family == net::Family::inet ? kInet4Size : kInet6Size;
  if (out.size() >= kWasmEdgeStorageSize) {
    std::array<uint8_t, kWasmEdgeStorageSize> image{};
    const uint16_t family = wasmedge_family(address);
    std::memcpy(image.data(), &family, sizeof family);
    uint8_t* body = image.data() + kWasmEdgeAddressOffset;
    if (is_ip) {
      std::memcpy(body, address.ip.data(), ip_size);
    } else {
      // Room for the path and its NUL; the core's paths are shorter.
      static_assert(net::kMaxUnixPath < kWasmEdgeStorageSize - kWasmEdgeAddressOffset);
      std::memcpy(body, address.path.data(), std::min(address.path.size(), net::kMaxUnixPath));
    }
    std::memcpy(out.data(), image.data(), image.size());
    return Errno::success;
  }
  if (!is_ip || (out.size() != kInet4Size && out.size() != kInet6Size) || out.size() < ip_size)
    return Errno::inval;
  std::fill(out.begin(), out.end(), uint8_t{0});
  std::memcpy(out.data(), address.ip.data(), ip_size);
  return Errno::success;
}

}  // namespace wasinet::abi
