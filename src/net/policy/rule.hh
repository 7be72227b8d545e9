#pragma once
// One network rule as the operator writes it (--allow-net=RULE and the
// like), parsed once: an address block, a named set, a host name pattern,
// or everything, each with the ports it covers.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/address.hh"

namespace wasinet::net::policy {

struct PortRange {
  uint16_t low = 0;
  uint16_t high = 65535;
  bool contains(uint16_t port) const noexcept { return port >= low && port <= high; }
  bool any() const noexcept { return low == 0 && high == 65535; }
};

// An IPv4 or IPv6 prefix. IPv4-mapped IPv6 blocks (::ffff:a.b.c.d/104) are
// stored as IPv4, the form addresses are matched in.
struct Cidr {
  Family family = Family::inet;
  std::array<uint8_t, 16> ip{};
  unsigned prefix = 0;
  // Family and prefix match; `a` must be inet or inet6.
  bool contains(const Address& a) const noexcept;
};

enum class NamedSet : uint8_t { loopback, private_, link_local, public_ };
const char* named_set_name(NamedSet s);

struct Rule {
  enum class Kind : uint8_t { everything, cidr, named_set, host_name };
  Kind kind = Kind::everything;
  Cidr cidr;
  NamedSet set = NamedSet::loopback;
  // host_name: lower case, without a trailing dot; `wildcard` for "*.NAME",
  // which matches names ending in ".NAME" (not NAME itself).
  std::string name;
  bool wildcard = false;
  PortRange ports;
  std::string text;  // as written, for messages

  // Whether the name pattern covers `host` (lower case, no trailing dot).
  // Only for host_name and everything rules.
  bool matches_name(std::string_view host) const;
};

// Throws wasinet::Error saying what is wrong with `text` (without naming
// the flag: the caller adds it).
Rule parse_rule(std::string_view text);

// "Example.COM." → "example.com": the form names are compared in.
std::string canonical_name(std::string_view host);

}  // namespace wasinet::net::policy
