// WasmEdge socket addresses as guests hand them over (abi/wasmedge_address):
// any bytes of any length, with any port, decode to an address or to
// EINVAL / EAFNOSUPPORT, reading only the bytes given; an address encodes
// into a buffer of any length without writing past it, and what it wrote
// (when it fit) decodes back to the same address.
//
// Input: u32 port, u8 output length (0..255), then the address bytes.
#include <cstdint>
#include <vector>

#include "abi/wasmedge_address.hh"
#include "fuzz_check.hh"
#include "fuzz_input.hh"
#include "guest_buffer.hh"

using namespace wasinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const uint32_t port = in.take<uint32_t>();
  const size_t out_len = in.take<uint8_t>();
  const fuzz::GuestBuffer raw(in.rest());  // exactly the guest's bytes

  const wasi::Result<net::Address> decoded =
      abi::decode_wasmedge_address(std::span<const uint8_t>(raw.data(), raw.size()), port);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error() == wasi::Errno::inval || decoded.error() == wasi::Errno::afnosupport,
               "errno %d", static_cast<int>(decoded.error()));
    return 0;
  }
  const net::Address& a = *decoded;
  FUZZ_CHECK(port <= 65535, "port %u accepted", port);
  FUZZ_CHECK(raw.size() == 4 || raw.size() == 16 || raw.size() == abi::kWasmEdgeStorageSize,
             "length %zu accepted", raw.size());
  (void)a.to_string();
  if (a.family == net::Family::unix_)
    FUZZ_CHECK(a.path.size() < abi::kWasmEdgeStorageSize - abi::kWasmEdgeAddressOffset &&
                   a.path.find('\0') == std::string::npos,
               "unix path of %zu bytes", a.path.size());

  fuzz::GuestBuffer out(std::vector<uint8_t>(out_len, 0xA5));
  const wasi::Status st = abi::encode_wasmedge_address(a, std::span<uint8_t>(out.data(), out.size()));
  if (out_len > abi::kWasmEdgeStorageSize)
    for (size_t i = abi::kWasmEdgeStorageSize; i < out_len; ++i)
      FUZZ_CHECK(out.data()[i] == 0xA5, "encoder wrote byte %zu of %zu", i, out_len);
  if (st != wasi::Errno::success) {
    FUZZ_CHECK(st == wasi::Errno::inval, "encode errno %d", static_cast<int>(st));
    return 0;
  }
  // Unix paths over the core's limit are cut by the encoder.
  if (a.family == net::Family::unix_ && a.path.size() > 122) return 0;
  // A raw buffer holds an IPv4 address in its first 4 bytes (with the
  // first version's address type to tell it apart): read those back.
  size_t used = out_len >= abi::kWasmEdgeStorageSize ? abi::kWasmEdgeStorageSize : out_len;
  if (used < abi::kWasmEdgeStorageSize && a.family == net::Family::inet) {
    for (size_t i = 4; i < used; ++i) FUZZ_CHECK(out.data()[i] == 0, "byte %zu after an IPv4 address", i);
    used = 4;
  }
  const wasi::Result<net::Address> back =
      abi::decode_wasmedge_address(std::span<const uint8_t>(out.data(), used), a.port);
  FUZZ_CHECK(back.ok(), "own encoding (%zu bytes) does not decode", used);
  const net::Address& b = *back;
  FUZZ_CHECK(b.family == a.family && b.port == a.port && b.path == a.path &&
                 std::equal(a.ip.begin(), a.ip.begin() + (a.family == net::Family::inet ? 4 : 16), b.ip.begin()),
             "round trip changed %s into %s", a.to_string().c_str(), b.to_string().c_str());
  return 0;
}
