#pragma once
// Which allowed names resolved to which addresses, for one guest: a name
// rule (*.example.com:443) lets the guest reach an address only when that
// guest itself was told the address for a matching name. A guest cannot
// reach an address by IP alone through a name rule.
//
// Rebinding guard: once a name has answered with a public address, its
// answers outside `public` (loopback, private, link-local, ...) are not
// pinned, as dnsmasq's --stop-dns-rebind drops them: a name that turns
// from the internet to 127.0.0.1 or 169.254.169.254 does not take a name
// rule there. Names that are internal from the start (localhost,
// db.internal) pin as usual.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "net/address.hh"

namespace wasinet::net::policy {

class Pins {
 public:
  // Bounds the memory a guest resolving names in a loop can take; the
  // oldest pins go first.
  static constexpr size_t kMaxPins = 8192;

  // Records that `name` resolved to `addresses` (IPv4-mapped ones as IPv4;
  // ports ignored). Names are compared in canonical form (lower case, no
  // final dot). IP literals are not names and are skipped.
  void add(std::string_view name, const std::vector<Address>& addresses);

  // Whether `matches` is true for some name pinned to `a` (ports ignored).
  // Thread-safe.
  bool any_name(const Address& a, const std::function<bool(std::string_view)>& matches,
                std::string* which = nullptr) const;

  size_t size() const;

 private:
  using Key = std::pair<Family, std::array<uint8_t, 16>>;
  static Key key_of(const Address& a);

  mutable std::mutex mu_;
  std::map<Key, std::vector<std::string>> names_;
  std::deque<std::pair<Key, std::string>> order_;  // oldest first
  std::set<std::string> public_names_;  // names that answered a public address
};

}  // namespace wasinet::net::policy
