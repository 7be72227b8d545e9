// Socket addresses as guests hand them over (wasinet_v0's RawSocketAddress,
// abi/raw_socket_address): any bytes decode to an address or to EINVAL /
// EAFNOSUPPORT, reading only the bytes given; an encoded address decodes
// back to itself; encoding never writes past the length the guest gave.
//
// Input: u8 output length (0..255; the encoder writes at most 130 of it),
// then the raw address bytes.
#include <cstdint>
#include <vector>

#include "abi/raw_socket_address.hh"
#include "fuzz_check.hh"
#include "fuzz_input.hh"
#include "guest_buffer.hh"

using namespace wasinet;

namespace {

bool same_address(const net::Address& a, const net::Address& b) {
  if (a.family != b.family) return false;
  switch (a.family) {
    case net::Family::inet:
      return a.port == b.port && std::equal(a.ip.begin(), a.ip.begin() + 4, b.ip.begin());
    case net::Family::inet6:
      return a.port == b.port && a.ip == b.ip && a.scope_id == b.scope_id;
    case net::Family::unix_:
      return a.path == b.path;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const size_t out_len = in.take<uint8_t>();
  const fuzz::GuestBuffer raw(in.rest());  // exactly the guest's bytes

  const wasi::Result<net::Address> decoded =
      abi::decode_socket_address(std::span<const uint8_t>(raw.data(), raw.size()));
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error() == wasi::Errno::inval || decoded.error() == wasi::Errno::afnosupport,
               "errno %d", static_cast<int>(decoded.error()));
    return 0;
  }
  const net::Address& a = *decoded;
  (void)a.to_string();
  (void)a.unmapped().to_string();
  if (a.family == net::Family::unix_)
    FUZZ_CHECK(a.path.size() <= abi::kRawSocketAddressSize - 8 && a.path.find('\0') == std::string::npos,
               "unix path of %zu bytes", a.path.size());

  // Encode into exactly out_len bytes (ASan checks the bound), then the
  // whole address must read back the same.
  fuzz::GuestBuffer out(std::vector<uint8_t>(out_len, 0xA5));
  abi::encode_socket_address(a, std::span<uint8_t>(out.data(), out.size()));
  if (out_len >= abi::kRawSocketAddressSize) {
    for (size_t i = abi::kRawSocketAddressSize; i < out_len; ++i)
      FUZZ_CHECK(out.data()[i] == 0xA5, "encoder wrote byte %zu of %zu", i, out_len);
    const auto again = abi::decode_socket_address(std::span<const uint8_t>(out.data(), out.size()));
    FUZZ_CHECK(again.ok(), "re-decoding failed: %d", static_cast<int>(again.error()));
    const bool unnamed = a.family == net::Family::unix_ && a.path.empty();
    if (!unnamed) FUZZ_CHECK(same_address(a, *again), "%s came back as %s", a.to_string().c_str(), again->to_string().c_str());
  }
  return 0;
}
