// Network policy rules (net/policy): the rule parser, then a Matcher
// compiled from the fuzzed rules asked fuzzed questions.
//
// Input: lines up to a NUL byte, each "K RULE" with K one of a (allow-net),
// d (deny-net), l (allow-listen), u (allow-unix), D (allow-dns, no rule);
// after the NUL, requests: u8 operation, u8 family, u8 type, u8 flags,
// u16 port, 16 address bytes, u8 name length, then the name (also pinned
// to the address when flags bit 1 is set).
//
// Every rule parses or throws wasinet::Error; a Matcher is built or throws
// wasinet::Error naming a rule; decide() always answers, and a refusal
// says why.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hh"
#include "fuzz_input.hh"
#include "net/policy/matcher.hh"
#include "net/policy/rule.hh"
#include "wasinet/error.hh"
#include "wasinet/policy.hh"

using namespace wasinet;
namespace policy = wasinet::net::policy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const std::string_view rules = in.text_until('\0');
  NetPolicy p;
  for (size_t at = 0; at < rules.size();) {
    const size_t end = std::min(rules.find('\n', at), rules.size());
    const std::string_view line = rules.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    const std::string rule(line.substr(std::min<size_t>(2, line.size())));
    try {
      const policy::Rule r = policy::parse_rule(rule);
      (void)policy::canonical_name(rule);
      if (r.kind == policy::Rule::Kind::host_name || r.kind == policy::Rule::Kind::everything)
        (void)r.matches_name(policy::canonical_name(rule));
      FUZZ_CHECK(r.ports.low <= r.ports.high, "\"%s\": ports %u-%u", rule.c_str(), r.ports.low, r.ports.high);
    } catch (const Error&) {
    }
    switch (line[0]) {
      case 'a': p.allow_net.push_back(rule); break;
      case 'd': p.deny_net.push_back(rule); break;
      case 'l': p.allow_listen.push_back(rule); break;
      case 'u': p.allow_unix.push_back(rule); break;
      case 'D': p.allow_dns = true; break;
      default: break;
    }
  }
  try {
    validate(p);
  } catch (const Error&) {
  }
  std::optional<policy::Matcher> matcher;
  try {
    matcher.emplace(p);
  } catch (const Error&) {
    return 0;
  }

  policy::Pins pins;
  for (int i = 0; i < 16 && !in.empty(); ++i) {
    net::Request r;
    r.op = static_cast<net::Operation>(in.take<uint8_t>() % 7);
    r.family = static_cast<net::Family>(in.take<uint8_t>() % 3);
    r.type = static_cast<net::SocketType>(1 + in.take<uint8_t>() % 2);
    const uint8_t flags = in.take<uint8_t>();
    net::Address a;
    a.family = r.family;
    a.port = in.take<uint16_t>();
    const auto ip = in.bytes(16);
    std::copy(ip.begin(), ip.end(), a.ip.begin());
    const auto name_bytes = in.bytes(in.take<uint8_t>());
    const std::string name(name_bytes.begin(), name_bytes.end());
    if (a.family == net::Family::unix_) a.path = name;
    if (flags & 1) r.address = a;
    r.by_operator = flags & 4;
    r.name = name;
    r.network = (flags & 8) ? "ip4" : "tcp";
    r.host_path = (flags & 16) ? std::string_view(name) : std::string_view();
    if ((flags & 2) && a.family != net::Family::unix_) pins.add(name, {a});
    const policy::Decision d = matcher->decide(r, pins);
    FUZZ_CHECK(d.allowed || !d.reason.empty(), "a refusal without a reason (rule \"%s\")", d.rule.c_str());
    if (r.address) (void)policy::normalise(*r.address, r.op);
  }
  return 0;
}
