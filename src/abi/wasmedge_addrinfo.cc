// sock_getaddrinfo: names to addresses for WasmEdge's guests, through the
// core's resolver (the Network decides; answers are pinned as for every
// ABI). IP literals and an empty node are answered here without a lookup.
//
// The guest hands over a linked list of result structs it allocated, each
// pointing at a sockaddr struct that points at a data buffer; the host
// fills them in list order. Layouts (WasmEdge's witx, little-endian):
//
//   addrinfo (28 bytes): 0 u16 flags, 2 u8 family, 3 u8 socktype,
//     4 u8 protocol, 8 u32 addrlen, 12 u32 *sockaddr, 16 u32 *canonname,
//     20 u32 canonname_len, 24 u32 *next
//   sockaddr (12 bytes): 0 u8 family, 4 u32 data_len, 8 u32 *data
//   data: u16 port (network order), then the 4 or 16 address bytes
//
// Where WasmEdge's host and the guests disagree (IPv6 data, the buffer
// length it trusts), docs/wasmedge-abi.md says what we do and why.
#include <arpa/inet.h>

#include <array>
#include <optional>
#include <utility>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "abi/host_function.hh"
#include "abi/wasmedge_address.hh"
#include "abi/wasmedge_sockets.hh"
#include "net/socket_calls.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

// WasmEdge's getaddrinfo errors, numbered after WASI's errnos.
constexpr Errno kEaiAgain = Errno{78}, kEaiBadFlags = Errno{79}, kEaiFamily = Errno{81},
                kEaiMemory = Errno{82}, kEaiNoName = Errno{84}, kEaiService = Errno{85},
                kEaiSockType = Errno{86};

constexpr uint16_t kAiPassive = 1 << 0, kAiNumericHost = 1 << 2, kAiNumericServ = 1 << 3;
constexpr uint16_t kAiAllFlags = 0x7f;
constexpr uint32_t kProtoTcp = 1, kProtoUdp = 2;

constexpr uint32_t kInfoSize = 28, kInfoProtocol = 4, kInfoAddrlen = 8, kInfoAddr = 12,
                   kInfoCanonLen = 20, kInfoNext = 24;
constexpr uint32_t kSockaddrSize = 12, kSockaddrDataLen = 4, kSockaddrData = 8;
// What Linux's getaddrinfo reports as ai_addrlen, which WasmEdge passes on.
constexpr uint32_t kSockaddrIn = 16, kSockaddrIn6 = 28;

struct Hints {
  uint16_t flags = 0;
  uint8_t family = kWasmEdgeUnspec;
  uint8_t socktype = kWasmEdgeSockAny;
};

struct Found {
  net::Address address;
  uint8_t socktype;
};

// A C string the guest passed with its length; WasmEdge's guests count a
// trailing NUL.
std::string_view until_nul(std::string_view s) { return s.substr(0, s.find('\0')); }

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

Result<uint16_t> service_port(Call& c, std::string_view service, const Hints& hints) {
  if (service.empty()) return uint16_t{0};
  if (all_digits(service)) {
    if (service.size() > 5) return kEaiService;
    const unsigned long port = std::stoul(std::string(service));
    if (port > 65535) return kEaiService;
    return static_cast<uint16_t>(port);
  }
  if (hints.flags & kAiNumericServ) return kEaiNoName;
  const Result<uint16_t> port =
      net::resolve_port(c.ctx, hints.socktype == kWasmEdgeSockDgram ? "udp" : "tcp", service);
  if (!port.ok() && port.error() == Errno::noent) return kEaiService;
  return port;
}

std::optional<net::Address> ip_literal(std::string_view node) {
  const std::string text(node);
  std::array<uint8_t, 16> ip{};
  if (inet_pton(AF_INET, text.c_str(), ip.data()) == 1) return net::Address::ipv4({ip[0], ip[1], ip[2], ip[3]}, 0);
  if (inet_pton(AF_INET6, text.c_str(), ip.data()) == 1) return net::Address::ipv6(ip, 0);
  return std::nullopt;
}

Result<std::vector<net::Address>> node_addresses(Call& c, std::string_view node, const Hints& hints) {
  if (node.empty()) {
    // As getaddrinfo(NULL, ...): the wildcard to bind, or loopback.
    const uint8_t last = hints.flags & kAiPassive ? 0 : 1;
    return std::vector<net::Address>{
        net::Address::ipv4({last ? uint8_t{127} : uint8_t{0}, 0, 0, last}, 0),
        net::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}, 0)};
  }
  if (auto literal = ip_literal(node)) return std::vector<net::Address>{*literal};
  if (hints.flags & kAiNumericHost) return kEaiNoName;
  const char* network = hints.family == kWasmEdgeInet4 ? "ip4" : hints.family == kWasmEdgeInet6 ? "ip6" : "ip";
  Result<std::vector<net::Address>> found = net::resolve_host(c.ctx, network, node);
  if (!found.ok() && found.error() == Errno::noent) return kEaiNoName;
  if (!found.ok() && found.error() == Errno::again) return kEaiAgain;
  return found;
}

Result<std::vector<Found>> lookup(Call& c, std::string_view node, std::string_view service,
                                  const Hints& hints) {
  WASINET_TRY(const uint16_t port, service_port(c, service, hints));
  WASINET_TRY(const std::vector<net::Address> addresses, node_addresses(c, node, hints));
  std::vector<uint8_t> socktypes = {hints.socktype};
  if (hints.socktype == kWasmEdgeSockAny) socktypes = {kWasmEdgeSockStream, kWasmEdgeSockDgram};
  std::vector<Found> out;
  for (net::Address a : addresses) {
    if (a.family == net::Family::unix_) continue;
    if (hints.family != kWasmEdgeUnspec && wasmedge_family(a) != hints.family) continue;
    a.port = port;
    for (uint8_t t : socktypes) out.push_back({a, t});
  }
  if (out.empty()) return kEaiNoName;
  return out;
}

// Where one answer goes: a result struct of the guest's list, its sockaddr
// struct and its data buffer, every range already checked.
struct Slot {
  std::span<uint8_t> entry, sockaddr, data;
};

// The guest's slot at `info` for `f`, or nullopt when its data buffer is
// too small for the address: the answer is left out (the guest could not
// read it) and the slot takes the next one.
Result<std::optional<Slot>> slot_for(Call& c, uint32_t info, const Found& f) {
  WASINET_TRY(std::span<uint8_t> entry, c.memory.bytes(info, kInfoSize));
  uint32_t sockaddr;
  std::memcpy(&sockaddr, entry.data() + kInfoAddr, 4);
  WASINET_TRY(std::span<uint8_t> sa, c.memory.bytes(sockaddr, kSockaddrSize));
  uint32_t data_len, data;
  std::memcpy(&data_len, sa.data() + kSockaddrDataLen, 4);
  std::memcpy(&data, sa.data() + kSockaddrData, 4);
  const uint32_t need = 2 + (f.address.family == net::Family::inet ? 4 : 16);
  if (data_len < need) return std::optional<Slot>();
  WASINET_TRY(std::span<uint8_t> bytes, c.memory.bytes(data, need));
  return std::optional<Slot>(Slot{entry, sa, bytes});
}

void fill(const Slot& s, const Found& f, const Hints& hints) {
  const bool v4 = f.address.family == net::Family::inet;
  const uint32_t used = static_cast<uint32_t>(s.data.size());
  const uint8_t be_port[2] = {static_cast<uint8_t>(f.address.port >> 8), static_cast<uint8_t>(f.address.port)};
  std::memcpy(s.data.data(), be_port, 2);
  std::memcpy(s.data.data() + 2, f.address.ip.data(), used - 2);
  const uint32_t family = wasmedge_family(f.address);  // u8, written with its padding
  std::memcpy(s.sockaddr.data(), &family, 4);
  std::memcpy(s.sockaddr.data() + kSockaddrDataLen, &used, 4);

  std::memcpy(s.entry.data(), &hints.flags, 2);
  s.entry[2] = static_cast<uint8_t>(family);
  s.entry[3] = f.socktype;
  const uint32_t protocol = f.socktype == kWasmEdgeSockStream ? kProtoTcp : kProtoUdp;
  std::memcpy(s.entry.data() + kInfoProtocol, &protocol, 4);  // u8, with its padding
  const uint32_t addrlen = v4 ? kSockaddrIn : kSockaddrIn6;
  std::memcpy(s.entry.data() + kInfoAddrlen, &addrlen, 4);
  const uint32_t no_canonical_name = 0;
  std::memcpy(s.entry.data() + kInfoCanonLen, &no_canonical_name, 4);
}

Errno sock_getaddrinfo(Call& c, uint32_t node_ptr, uint32_t node_len, uint32_t service_ptr,
                       uint32_t service_len, uint32_t hints_ptr, uint32_t res_ptr,
                       uint32_t max_results, uint32_t res_len_out) {
  WASINET_TRY(std::string_view node, c.memory.string(node_ptr, node_len));
  WASINET_TRY(std::string_view service, c.memory.string(service_ptr, service_len));
  WASINET_TRY(std::span<uint8_t> raw_hints, c.memory.bytes(hints_ptr, kInfoSize));
  WASINET_TRY(uint32_t first, c.memory.load<uint32_t>(res_ptr));
  WASINET_CHECK(c.memory.check_range<uint32_t>(res_len_out));
  node = until_nul(node);
  service = until_nul(service);
  Hints hints;
  std::memcpy(&hints.flags, raw_hints.data(), 2);
  hints.family = raw_hints[2];
  hints.socktype = raw_hints[3];
  if (node.empty() && service.empty()) return kEaiNoName;
  if (max_results == 0) return kEaiMemory;
  if (hints.flags & ~kAiAllFlags) return kEaiBadFlags;
  if (hints.family > kWasmEdgeInet6) return kEaiFamily;
  if (hints.socktype > kWasmEdgeSockStream) return kEaiSockType;

  WASINET_TRY(const std::vector<Found> found, lookup(c, node, service, hints));
  // Every slot is found and checked before anything is written, so a bad
  // pointer deep in the list fails the call with the guest's memory as it
  // was. A hostile list may loop or end early: at most max_results structs
  // are visited, and a null next ends the walk. (Slots may alias; the last
  // write wins, inside the guest's own memory.)
  std::vector<std::pair<Slot, const Found*>> plan;
  uint32_t info = first;
  for (const Found& f : found) {
    if (plan.size() == max_results || info == 0) break;
    WASINET_TRY(const std::optional<Slot> slot, slot_for(c, info, f));
    if (!slot) continue;
    plan.emplace_back(*slot, &f);
    uint32_t next;
    std::memcpy(&next, slot->entry.data() + kInfoNext, 4);
    info = next;
  }
  for (const auto& [slot, f] : plan) fill(slot, *f, hints);
  const auto written = static_cast<uint32_t>(plan.size());
  return c.memory.store<uint32_t>(res_len_out, written);
}

}  // namespace

void add_wasmedge_addrinfo(HostFunctions& out) {
  out.push_back(bind<&sock_getaddrinfo>(kPreview1, "sock_getaddrinfo"));
}

}  // namespace wasinet::abi
