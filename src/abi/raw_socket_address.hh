#pragma once
// wasinet_v0's RawSocketAddress (130 bytes), decoded into and encoded from
// the core's net::Address. Layout (little-endian, offsets from the start):
//
//   0  u16 family      host AF number: 1 unix, 2 inet, 10 inet6
//   2  u16 socktype    0 when the host writes it; ignored when read
//   4  u16 family, u16 socktype   (a second copy: the body starts here)
//   inet:  8 u32 port (a plain number), 12 u8[4] address
//   inet6: 8 u32 port, 12 u8[16] address, 28 u32 scope id
//   unix:  8 u8[122] path, NUL-terminated or NUL-padded
//
// Readers take the family from offset 0 and need only the bytes that
// family uses; writers write at most the length the guest gave.
#include <cstddef>
#include <cstdint>
#include <span>

#include "net/address.hh"
#include "wasi/result.hh"

namespace wasinet::abi {

inline constexpr size_t kRawSocketAddressSize = 130;

// Host (Linux) AF numbers, which wasinet_v0 guests use after
// sock_determine_host_af_family.
inline constexpr uint16_t kHostAfUnix = 1, kHostAfInet = 2, kHostAfInet6 = 10;
// compat: the existing Go guest library writes family 99 (and socktype
// 99) in the unix addresses it sends datagrams to (its NetUnixToRaw).
inline constexpr uint16_t kGuestLibUnixFamily = 99;

// Bytes of a RawSocketAddress a family's reader needs: the family field
// and every field after it up to the last one read (inet6: through the
// address; the scope id is read only when present).
inline constexpr size_t kMinInetLength = 16;
inline constexpr size_t kMinInet6Length = 28;
inline constexpr size_t kMinUnixLength = 9;  // the family and one path byte

// Decodes `raw` (the guest's bytes, at most kRawSocketAddressSize of them
// are looked at). EINVAL when `raw` is too short for its family or a port
// is over 65535; EAFNOSUPPORT for any other family number. A unix path
// ends at its first NUL or at the end of `raw`; an empty one decodes as an
// unnamed unix address (the core refuses it where a name is needed).
wasi::Result<net::Address> decode_socket_address(std::span<const uint8_t> raw);

// Writes `address` into `out`, which may be shorter than a whole
// RawSocketAddress: only its first out.size() bytes (at most 130) are
// written. Unused bytes of those are zero; an unnamed unix address is
// written as "@"; a unix path longer than 122 bytes is cut there.
void encode_socket_address(const net::Address& address, std::span<uint8_t> out);

}  // namespace wasinet::abi
