#pragma once
// Socket addresses of WasmEdge's socket extension, decoded into and encoded
// from the core's net::Address. A guest passes a pointer to an address
// buffer {u32 buf, u32 buf_len}; the port travels apart, as a number. What
// the buffer holds follows its length (docs/wasmedge-abi.md):
//
//   4 bytes     an IPv4 address, raw (the first version of the extension)
//   16 bytes    an IPv6 address, raw
//   128 bytes   u16 family first (1 inet4, 2 inet6, 3 unix), then at offset
//               2 the raw address or a NUL-terminated unix path
//
// Any other length is EINVAL, as in WasmEdge's own host.
#include <cstddef>
#include <cstdint>
#include <span>

#include "abi/guest_memory.hh"
#include "net/address.hh"
#include "wasi/result.hh"

namespace wasinet::abi {

// WasmEdge's address family numbers (its witx `address_family`), and its
// socket type numbers (`sock_type`), which sock_open, SO_TYPE and
// sock_getaddrinfo's hints and results share.
inline constexpr uint16_t kWasmEdgeUnspec = 0, kWasmEdgeInet4 = 1, kWasmEdgeInet6 = 2,
                          kWasmEdgeUnix = 3;
inline constexpr uint8_t kWasmEdgeSockAny = 0, kWasmEdgeSockDgram = 1, kWasmEdgeSockStream = 2;
inline constexpr size_t kWasmEdgeStorageSize = 128;
inline constexpr size_t kWasmEdgeAddressOffset = 2;  // after the u16 family

// The address buffer a guest named with `{buf, buf_len}` at `ptr`: EFAULT
// when the struct or the buffer is outside guest memory.
wasi::Result<std::span<uint8_t>> wasmedge_address_buffer(const GuestMemory& memory, uint32_t ptr);

// Decodes a guest's address with `port` (EINVAL above 65535). EINVAL for a
// length other than 4, 16 or 128, and for a unix path with no NUL in its
// 126 bytes; EAFNOSUPPORT for another family number.
wasi::Result<net::Address> decode_wasmedge_address(std::span<const uint8_t> raw, uint32_t port);

// Writes `address` into `out` by its length: 128 or more bytes take the
// family-first form (only the first 128 are written); an IP address also
// fits a raw buffer of 4 (IPv4) or 16 bytes (IPv4 in the first 4, the rest
// zeroed; or IPv6). EINVAL when it does not fit. The port is the caller's to
// write. Unnamed unix addresses are written as an empty path.
wasi::Status encode_wasmedge_address(const net::Address& address, std::span<uint8_t> out);

// WasmEdge's family number for `address` (for the first version's
// address-type out-parameter, see wasmedge_sockets.cc).
uint16_t wasmedge_family(const net::Address& address);

}  // namespace wasinet::abi
