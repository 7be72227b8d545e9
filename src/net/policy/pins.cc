#include "net/policy/pins.hh"

#include <arpa/inet.h>

#include <algorithm>

#include "net/policy/named_sets.hh"
#include "net/policy/rule.hh"

namespace wasinet::net::policy {
namespace {

bool is_ip_literal(const std::string& s) {
  in6_addr a6{};
  in_addr a4{};
  return inet_pton(AF_INET, s.c_str(), &a4) == 1 || inet_pton(AF_INET6, s.c_str(), &a6) == 1;
}

}  // namespace

Pins::Key Pins::key_of(const Address& a) {
  const Address u = a.unmapped();
  Key k{u.family, {}};
  const size_t n = u.family == Family::inet ? 4 : 16;
  std::copy(u.ip.begin(), u.ip.begin() + static_cast<long>(n), k.second.begin());
  return k;
}

void Pins::add(std::string_view name, const std::vector<Address>& addresses) {
  const std::string canonical = canonical_name(name);
  if (canonical.empty() || is_ip_literal(canonical)) return;
  std::lock_guard lock(mu_);
  bool seen_public = public_names_.contains(canonical);
  for (const Address& a : addresses) {
    if ((a.family == Family::inet || a.family == Family::inet6) &&
        in_named_set(NamedSet::public_, a.unmapped()))
      seen_public = true;
  }
  if (seen_public && !public_names_.contains(canonical)) {
    // Bounded like the pins; forgetting only weakens the guard.
    if (public_names_.size() >= kMaxPins) public_names_.clear();
    public_names_.insert(canonical);
  }
  for (const Address& a : addresses) {
    if (a.family != Family::inet && a.family != Family::inet6) continue;
    if (seen_public && !in_named_set(NamedSet::public_, a.unmapped())) continue;
    const Key k = key_of(a);
    std::vector<std::string>& names = names_[k];
    if (std::find(names.begin(), names.end(), canonical) != names.end()) continue;
    names.push_back(canonical);
    order_.emplace_back(k, canonical);
    while (order_.size() > kMaxPins) {
      const auto& [old_key, old_name] = order_.front();
      auto it = names_.find(old_key);
      if (it != names_.end()) {
        std::erase(it->second, old_name);
        if (it->second.empty()) names_.erase(it);
      }
      order_.pop_front();
    }
  }
}

bool Pins::any_name(const Address& a, const std::function<bool(std::string_view)>& matches,
                    std::string* which) const {
  if (a.family != Family::inet && a.family != Family::inet6) return false;
  std::lock_guard lock(mu_);
  auto it = names_.find(key_of(a));
  if (it == names_.end()) return false;
  for (const std::string& n : it->second) {
    if (matches(n)) {
      if (which) *which = n;
      return true;
    }
  }
  return false;
}

size_t Pins::size() const {
  std::lock_guard lock(mu_);
  return order_.size();
}

}  // namespace wasinet::net::policy
