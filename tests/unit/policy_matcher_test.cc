// The network policy's decisions, table-driven, through the public
// policy_network (the Network a guest's socket calls ask): rules of every
// kind, aliasing tricks, port ranges, named sets, deny over allow, pinning
// of resolved names, unix paths, and malformed rules.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "net/network.hh"
#include "net/policy/decision_log.hh"
#include "net/policy/matcher.hh"
#include "net/policy/rule.hh"
#include "wasinet/error.hh"
#include "wasinet/policy.hh"

namespace wasinet::net {
namespace {

namespace fs = std::filesystem;
using Op = Operation;

// "1.2.3.4:80", "[::1]:443": the test's own parser (inet_pton), so a
// mistake in the code under test cannot hide here.
Address ip(const std::string& text) {
  std::string host;
  std::string port;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const uint16_t p = static_cast<uint16_t>(std::stoi(port));
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
    std::array<uint8_t, 4> b{};
    std::memcpy(b.data(), &a4, 4);
    return Address::ipv4(b, p);
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) throw std::runtime_error("bad test address " + text);
  std::array<uint8_t, 16> b{};
  std::memcpy(b.data(), &a6, 16);
  return Address::ipv6(b, p);
}

struct Rules {
  std::vector<std::string> net = {};
  std::vector<std::string> deny = {};
  std::vector<std::string> listen = {};
  std::vector<std::string> unix_ = {};
  bool dns = false;
};

struct Pin {
  std::string name;
  std::vector<std::string> addresses;  // "1.2.3.4:0"
};

struct Case {
  const char* what;
  Rules rules;
  Op op;
  // IP ops: an address; resolve: a name (or "svc:NAME" for a service
  // lookup); unix ops: "unix:HOSTPATH" ($D is the test's directory);
  // open: "inet", "inet6" or "unix".
  std::string target;
  bool allowed;
  std::string rule = {};  // the deciding rule, when it matters
  std::vector<Pin> pins = {};
  bool by_operator = false;
};

std::string expand(std::string s, const std::string& dir) {
  for (size_t at; (at = s.find("$D")) != std::string::npos;) s.replace(at, 2, dir);
  return s;
}

class PolicyTable : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wasinet-policy-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sock" / "sub");
    fs::create_directories(dir_ / "sockets");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void run(const Case& c) {
    SCOPED_TRACE(c.what);
    NetPolicy p;
    p.allow_net = c.rules.net;
    p.deny_net = c.rules.deny;
    p.allow_listen = c.rules.listen;
    for (const std::string& u : c.rules.unix_) p.allow_unix.push_back(expand(u, dir_.string()));
    p.allow_dns = c.rules.dns;
    p.print_refusals = false;
    std::shared_ptr<Network> network = policy_network(p);
    policy::Matcher matcher(p);
    policy::Pins pins;
    for (const Pin& pin : c.pins) {
      std::vector<Address> as;
      for (const std::string& a : pin.addresses) as.push_back(ip(a));
      network->resolved(pin.name, as);
      pins.add(pin.name, as);
    }
    Request r;
    r.op = c.op;
    r.by_operator = c.by_operator;
    std::string name, host_path;
    if (c.op == Op::open) {
      r.family = c.target == "unix" ? Family::unix_ : c.target == "inet6" ? Family::inet6 : Family::inet;
    } else if (c.op == Op::resolve) {
      const bool service = c.target.starts_with("svc:");
      name = service ? c.target.substr(4) : c.target;
      r.name = name;
      r.network = service ? "tcp" : "ip";
    } else if (c.target.starts_with("unix:")) {
      host_path = expand(c.target.substr(5), dir_.string());
      r.family = Family::unix_;
      r.address = Address::unix_path("/guest/x.sock");
      r.host_path = host_path;
    } else {
      r.address = ip(c.target);
      r.family = r.address->family;
    }
    const wasi::Status s = network->check(r);
    EXPECT_EQ(s, c.allowed ? wasi::Errno::success : wasi::Errno::acces)
        << c.what << ": " << operation_name(c.op) << " " << c.target;
    const policy::Decision d = matcher.decide(r, pins);
    EXPECT_EQ(d.allowed, c.allowed) << d.reason;
    if (!c.rule.empty()) {
      EXPECT_EQ(d.rule, c.rule) << c.what;
    }
  }

  fs::path dir_;
};

const Rules kNone{};
const Rules kLoopback{{"loopback"}};
const Rules kPublic{{"public"}};
const Rules kAll{{"*"}};

const std::vector<Case> kCases = {
    // Deny by default.
    {"no flags: connect", kNone, Op::connect, "127.0.0.1:80", false},
    {"no flags: send", kNone, Op::send, "127.0.0.1:53", false},
    {"no flags: bind", kNone, Op::bind, "127.0.0.1:0", false},
    {"no flags: listen", kNone, Op::listen, "127.0.0.1:8080", false},
    {"no flags: open inet (reaches nothing by itself)", kNone, Op::open, "inet", true},
    {"no flags: open unix", kNone, Op::open, "unix", true},
    {"no flags: lookup", kNone, Op::resolve, "localhost", false},
    {"no flags: service lookup", kNone, Op::resolve, "svc:http", false},
    {"no flags: IP literal lookup", kNone, Op::resolve, "127.0.0.1", false},
    {"no flags: unix connect", kNone, Op::connect, "unix:$D/sock/a.sock", false},
    {"no flags: accepted peer (listener was the operator's)", kNone, Op::accept, "8.8.8.8:5555", true},
    // Loopback and its aliases.
    {"loopback: 127.0.0.1", kLoopback, Op::connect, "127.0.0.1:80", true, "--allow-net=loopback"},
    {"loopback: all of 127/8", kLoopback, Op::connect, "127.255.255.254:1", true},
    {"loopback: ::1", kLoopback, Op::connect, "[::1]:80", true},
    {"loopback: IPv4-mapped ::ffff:127.0.0.1", kLoopback, Op::connect, "[::ffff:127.0.0.1]:80", true},
    {"loopback: 0.0.0.0 as a target is loopback", kLoopback, Op::connect, "0.0.0.0:80", true},
    {"loopback: :: as a target is loopback", kLoopback, Op::connect, "[::]:80", true},
    {"loopback: ::ffff:0.0.0.0 as a target", kLoopback, Op::connect, "[::ffff:0.0.0.0]:80", true},
    {"loopback: 10.0.0.1 is not", kLoopback, Op::connect, "10.0.0.1:80", false},
    {"loopback: ::2 is not", kLoopback, Op::connect, "[::2]:80", false},
    {"loopback: IPv4-compatible ::127.0.0.1 is not", kLoopback, Op::connect, "[::127.0.0.1]:80", false},
    {"loopback: send to 127.0.0.1:53", kLoopback, Op::send, "127.0.0.1:53", true},
    {"loopback: NAT64 of 127.0.0.1 is loopback", kLoopback, Op::connect, "[64:ff9b::7f00:1]:80", true},
    // Ports and ranges.
    {"range: low end", {{"127.0.0.1:8000-8100"}}, Op::connect, "127.0.0.1:8000", true},
    {"range: high end", {{"127.0.0.1:8000-8100"}}, Op::connect, "127.0.0.1:8100", true},
    {"range: below", {{"127.0.0.1:8000-8100"}}, Op::connect, "127.0.0.1:7999", false},
    {"range: above", {{"127.0.0.1:8000-8100"}}, Op::connect, "127.0.0.1:8101", false},
    {"range: other address", {{"127.0.0.1:8000-8100"}}, Op::connect, "127.0.0.2:8050", false},
    {"range: mapped address", {{"127.0.0.1:8000-8100"}}, Op::connect, "[::ffff:127.0.0.1]:8050", true},
    {"[::1]:443", {{"[::1]:443"}}, Op::connect, "[::1]:443", true},
    {"[::1]:443 does not cover 127.0.0.1", {{"[::1]:443"}}, Op::connect, "127.0.0.1:443", false},
    {"[::1]:443 other port", {{"[::1]:443"}}, Op::connect, "[::1]:444", false},
    {"*:443", {{"*:443"}}, Op::connect, "1.2.3.4:443", true},
    {"*:443 other port", {{"*:443"}}, Op::connect, "1.2.3.4:80", false},
    {"loopback:8080", {{"loopback:8080"}}, Op::connect, "127.0.0.1:8080", true},
    {"loopback:8080 other port", {{"loopback:8080"}}, Op::connect, "127.0.0.1:8081", false},
    {"port *", {{"127.0.0.1:*"}}, Op::connect, "127.0.0.1:1", true},
    // CIDR blocks.
    {"10/8 inside", {{"10.0.0.0/8"}}, Op::connect, "10.255.0.1:5432", true},
    {"10/8 outside", {{"10.0.0.0/8"}}, Op::connect, "11.0.0.1:5432", false},
    {"10/8 mapped", {{"10.0.0.0/8"}}, Op::connect, "[::ffff:10.1.2.3]:1", true},
    {"mapped rule ::ffff:10.0.0.0/104", {{"::ffff:10.0.0.0/104"}}, Op::connect, "10.1.1.1:1", true},
    {"/0 covers IPv4 only", {{"0.0.0.0/0"}}, Op::connect, "[2606:4700::1]:443", false},
    {"[fd00::/8]:443", {{"[fd00::/8]:443"}}, Op::connect, "[fd12::1]:443", true},
    {"[fd00::/8]:443 other port", {{"[fd00::/8]:443"}}, Op::connect, "[fd12::1]:80", false},
    {"/31 block", {{"192.0.2.0/31"}}, Op::connect, "192.0.2.1:1", true},
    {"/31 block next", {{"192.0.2.0/31"}}, Op::connect, "192.0.2.2:1", false},
    // Deny wins.
    {"deny beats allow", {{"loopback"}, {"127.0.0.1:22"}}, Op::connect, "127.0.0.1:22", false,
     "--deny-net=127.0.0.1:22"},
    {"deny port only", {{"loopback"}, {"127.0.0.1:22"}}, Op::connect, "127.0.0.1:23", true},
    {"deny mapped target", {{"*"}, {"10.0.0.0/8"}}, Op::connect, "[::ffff:10.0.0.1]:80", false},
    {"deny 0.0.0.0 alias", {{"*"}, {"loopback"}}, Op::connect, "0.0.0.0:80", false, "--deny-net=loopback"},
    {"deny NAT64 of a denied IPv4", {{"*"}, {"10.0.0.0/8"}}, Op::connect, "[64:ff9b::a00:1]:80", false},
    {"deny applies to bind", {{}, {"127.0.0.2"}, {"loopback"}}, Op::bind, "127.0.0.2:80", false},
    {"deny applies to accepted peers", {{}, {"10.0.0.0/8"}, {"*"}}, Op::accept, "10.0.0.1:5555", false},
    {"accepted peer not denied", {{}, {"10.0.0.0/8"}, {"*"}}, Op::accept, "127.0.0.1:5555", true},
    {"deny *", {{"*"}, {"*"}}, Op::connect, "127.0.0.1:80", false},
    // Named sets.
    {"public: 8.8.8.8", kPublic, Op::connect, "8.8.8.8:53", true},
    {"public: metadata 169.254.169.254", kPublic, Op::connect, "169.254.169.254:80", false},
    {"public: metadata mapped", kPublic, Op::connect, "[::ffff:169.254.169.254]:80", false},
    {"public: CGNAT", kPublic, Op::connect, "100.64.0.1:80", false},
    {"public: 192.168/16", kPublic, Op::connect, "192.168.1.1:80", false},
    {"public: 172.16/12", kPublic, Op::connect, "172.31.255.255:80", false},
    {"public: 172.32.0.1 is public", kPublic, Op::connect, "172.32.0.1:80", true},
    {"public: multicast", kPublic, Op::connect, "224.0.0.1:80", false},
    {"public: broadcast", kPublic, Op::send, "255.255.255.255:67", false},
    {"public: benchmark 198.18/15", kPublic, Op::connect, "198.19.0.1:80", false},
    {"public: documentation 192.0.2/24", kPublic, Op::connect, "192.0.2.1:80", false},
    {"public: 0.0.0.0 target is loopback", kPublic, Op::connect, "0.0.0.0:80", false},
    {"public: loopback", kPublic, Op::connect, "127.0.0.1:80", false},
    {"public: 2606:4700::1111", kPublic, Op::connect, "[2606:4700::1111]:443", true},
    {"public: 2001:db8::/32", kPublic, Op::connect, "[2001:db8::1]:443", false},
    {"public: fe80::1", kPublic, Op::connect, "[fe80::1]:443", false},
    {"public: fd00::1", kPublic, Op::connect, "[fd00::1]:443", false},
    {"public: ff02::1", kPublic, Op::connect, "[ff02::1]:443", false},
    {"public: 6to4 2002::/16", kPublic, Op::connect, "[2002:a00:1::1]:443", false},
    {"public: outside 2000::/3", kPublic, Op::connect, "[4000::1]:443", false},
    {"public: NAT64 of 8.8.8.8", kPublic, Op::connect, "[64:ff9b::808:808]:53", true},
    {"public: NAT64 of 127.0.0.1", kPublic, Op::connect, "[64:ff9b::7f00:1]:53", false},
    {"public:443", {{"public:443"}}, Op::connect, "1.1.1.1:443", true},
    {"public:443 other port", {{"public:443"}}, Op::connect, "1.1.1.1:80", false},
    {"private: 10.1.1.1", {{"private"}}, Op::connect, "10.1.1.1:80", true},
    {"private: 192.168.0.1", {{"private"}}, Op::connect, "192.168.0.1:80", true},
    {"private: fd12::1", {{"private"}}, Op::connect, "[fd12::1]:80", true},
    {"private: 8.8.8.8 is not", {{"private"}}, Op::connect, "8.8.8.8:80", false},
    {"private: CGNAT is not", {{"private"}}, Op::connect, "100.64.0.1:80", false},
    {"link-local: metadata", {{"link-local"}}, Op::connect, "169.254.169.254:80", true},
    // Outbound and inbound are granted apart.
    {"listen rule: bind loopback", {{}, {}, {"loopback"}}, Op::bind, "127.0.0.1:8080", true,
     "--allow-listen=loopback"},
    {"net rule does not grant bind", kLoopback, Op::bind, "127.0.0.1:8080", false},
    {"listen rule does not grant connect", {{}, {}, {"loopback"}}, Op::connect, "127.0.0.1:8080", false},
    {"bind 0.0.0.0 is not loopback", {{}, {}, {"loopback"}}, Op::bind, "0.0.0.0:8080", false},
    {"bind :: is not loopback", {{}, {}, {"loopback"}}, Op::bind, "[::]:8080", false},
    {"bind 0.0.0.0 with 0.0.0.0", {{}, {}, {"0.0.0.0"}}, Op::bind, "0.0.0.0:8080", true},
    {"bind :: with 0.0.0.0 (either means every interface)", {{}, {}, {"0.0.0.0:8080"}}, Op::bind,
     "[::]:8080", true},
    {"bind 0.0.0.0 with *", {{}, {}, {"*"}}, Op::bind, "0.0.0.0:80", true},
    {"bind port 0 with a port rule", {{}, {}, {"127.0.0.1:8080"}}, Op::bind, "127.0.0.1:0", false},
    {"bind port 0 with loopback", {{}, {}, {"loopback"}}, Op::bind, "127.0.0.1:0", true},
    {"listen where bound", {{}, {}, {"loopback"}}, Op::listen, "127.0.0.1:41234", true},
    {"listen unbound socket (0.0.0.0:0)", {{}, {}, {"loopback"}}, Op::listen, "0.0.0.0:0", false},
    {"bind mapped loopback", {{}, {}, {"127.0.0.1:8080"}}, Op::bind, "[::ffff:127.0.0.1]:8080", true},
    {"--listen is the operator's grant", kNone, Op::listen, "127.0.0.1:8080", true, "--listen", {}, true},
    {"--listen still obeys deny", {{}, {"loopback"}}, Op::listen, "127.0.0.1:8080", false, "", {}, true},
    // Names: lookups and pinning.
    {"name rule: no pin, no connect", {{"*.example.com:443"}}, Op::connect, "93.184.216.34:443", false},
    {"name rule: pinned subdomain", {{"*.example.com:443"}}, Op::connect, "93.184.216.34:443", true,
     "--allow-net=*.example.com:443", {{"api.example.com", {"93.184.216.34:0"}}}},
    {"name rule: deep subdomain", {{"*.example.com:443"}}, Op::connect, "93.184.216.34:443", true, "",
     {{"a.b.example.com", {"93.184.216.34:0"}}}},
    {"name rule: wildcard is not the apex", {{"*.example.com:443"}}, Op::connect, "93.184.216.34:443",
     false, "", {{"example.com", {"93.184.216.34:0"}}}},
    {"name rule: suffix trick badexample.com", {{"*.example.com:443"}}, Op::connect, "93.184.216.34:443",
     false, "", {{"badexample.com", {"93.184.216.34:0"}}}},
    {"name rule: pinned but other port", {{"*.example.com:443"}}, Op::connect, "93.184.216.34:80", false,
     "", {{"api.example.com", {"93.184.216.34:0"}}}},
    {"name rule: other name pinned to the IP", {{"*.example.com:443"}}, Op::connect, "93.184.216.34:443",
     false, "", {{"evil.test", {"93.184.216.34:0"}}}},
    {"name rule: other address of the name", {{"*.example.com:443"}}, Op::connect, "93.184.216.35:443",
     false, "", {{"api.example.com", {"93.184.216.34:0"}}}},
    {"localhost pinned", {{"localhost"}}, Op::connect, "127.0.0.1:8080", true, "--allow-net=localhost",
     {{"localhost", {"127.0.0.1:0", "[::1]:0"}}}},
    {"localhost pinned, ::1", {{"localhost"}}, Op::connect, "[::1]:8080", true, "",
     {{"localhost", {"127.0.0.1:0", "[::1]:0"}}}},
    {"localhost pinned, mapped target", {{"localhost"}}, Op::connect, "[::ffff:127.0.0.1]:8080", true, "",
     {{"localhost", {"127.0.0.1:0"}}}},
    {"pin of a mapped answer", {{"localhost"}}, Op::connect, "127.0.0.1:8080", true, "",
     {{"localhost", {"[::ffff:127.0.0.1]:0"}}}},
    {"pin names compare in canonical form", {{"*.example.com"}}, Op::connect, "93.184.216.34:443", true, "",
     {{"API.Example.COM.", {"93.184.216.34:0"}}}},
    {"rebinding: public, then loopback", {{"*.example.com"}}, Op::connect, "127.0.0.1:80", false, "",
     {{"a.example.com", {"93.184.216.34:0"}}, {"a.example.com", {"127.0.0.1:0"}}}},
    {"rebinding: metadata in a mixed answer", {{"*.example.com"}}, Op::connect, "169.254.169.254:80", false,
     "", {{"a.example.com", {"93.184.216.34:0", "169.254.169.254:0"}}}},
    {"rebinding: the public answer still pins", {{"*.example.com"}}, Op::connect, "93.184.216.34:80", true,
     "", {{"a.example.com", {"93.184.216.34:0", "169.254.169.254:0"}}}},
    {"internal name pins internal addresses", {{"db.internal"}}, Op::connect, "10.1.2.3:5432", true, "",
     {{"db.internal", {"10.1.2.3:0"}}, {"db.internal", {"10.1.2.4:0"}}}},
    {"pinned name denied", {{"*"}, {"*.evil.test"}}, Op::connect, "1.2.3.4:80", false, "--deny-net=*.evil.test",
     {{"x.evil.test", {"1.2.3.4:0"}}}},
    {"name listen rule pins bind", {{}, {}, {"localhost:8080"}}, Op::bind, "127.0.0.1:8080", true, "",
     {{"localhost", {"127.0.0.1:0"}}}},
    {"lookup allowed by a wildcard", {{"*.example.com:443"}}, Op::resolve, "api.example.com", true,
     "--allow-net=*.example.com:443"},
    {"lookup of the apex is not", {{"*.example.com:443"}}, Op::resolve, "example.com", false},
    {"lookup of another name", {{"*.example.com:443"}}, Op::resolve, "other.org", false},
    {"lookup: IP rules allow no names", kLoopback, Op::resolve, "localhost", false},
    {"lookup with --allow-dns", {{}, {}, {}, {}, true}, Op::resolve, "other.org", true, "--allow-dns"},
    {"lookup with --allow-net (everything)", kAll, Op::resolve, "other.org", true},
    {"lookup denied beats --allow-dns", {{}, {"*.evil.test"}, {}, {}, true}, Op::resolve, "x.evil.test",
     false, "--deny-net=*.evil.test"},
    {"lookup allowed by a listen name rule", {{}, {}, {"localhost:8080"}}, Op::resolve, "LocalHost.", true},
    {"lookup of an IP literal with a grant", kLoopback, Op::resolve, "127.0.0.1", true},
    {"service lookup with a grant", kLoopback, Op::resolve, "svc:http", true},
    // Opening sockets: always, the calls that reach out are judged.
    {"open inet with a listen grant", {{}, {}, {"loopback"}}, Op::open, "inet", true},
    {"open inet6 with a net grant", kLoopback, Op::open, "inet6", true},
    {"open unix without --allow-unix", kLoopback, Op::open, "unix", true},
    {"open even under deny *", {{}, {"*"}}, Op::open, "inet", true},
    // Unix paths.
    {"unix: in the directory", {{}, {}, {}, {"$D/sock"}}, Op::connect, "unix:$D/sock/a.sock", true},
    {"unix: beneath the directory", {{}, {}, {}, {"$D/sock"}}, Op::connect, "unix:$D/sock/sub/b.sock", true},
    {"unix: prefix trick", {{}, {}, {}, {"$D/sock"}}, Op::connect, "unix:$D/sockets/a.sock", false},
    {"unix: elsewhere", {{}, {}, {}, {"$D/sock"}}, Op::connect, "unix:$D/a.sock", false},
    {"unix: bind in the directory", {{}, {}, {}, {"$D/sock"}}, Op::bind, "unix:$D/sock/new.sock", true},
    {"unix: send elsewhere", {{}, {}, {}, {"$D/sock"}}, Op::send, "unix:/run/other.sock", false},
    {"unix: one socket file", {{}, {}, {}, {"$D/sock/only.sock"}}, Op::connect, "unix:$D/sock/only.sock",
     true},
    {"unix: not its sibling", {{}, {}, {}, {"$D/sock/only.sock"}}, Op::connect, "unix:$D/sock/only.sock2",
     false},
    {"unix: written with /..", {{}, {}, {}, {"$D/sock/sub/.."}}, Op::connect, "unix:$D/sock/a.sock", true},
    {"unix: unknown host path", {{}, {}, {}, {"$D/sock"}}, Op::connect, "unix:", false},
    {"unix: IP rules do not grant", kAll, Op::connect, "unix:$D/sock/a.sock", false},
};

TEST_F(PolicyTable, Decisions) {
  ASSERT_GE(kCases.size(), 60u);
  for (const Case& c : kCases) run(c);
}

// A symlink to the granted directory and the directory itself are one.
TEST_F(PolicyTable, UnixGrantThroughSymlink) {
  fs::create_directory_symlink(dir_ / "sock", dir_ / "link");
  run({"grant names a symlink", {{}, {}, {}, {"$D/link"}}, Op::connect, "unix:$D/sock/a.sock", true});
}

struct Malformed {
  const char* rule;
  const char* mention;  // a word the message must hold
};

const std::vector<Malformed> kMalformed = {
    {"10.0.0.0/33", "prefix length"},
    {"::/129", "prefix length"},
    {"10.0.0.0/x", "prefix length"},
    {"10.1.2.3/8", "did you mean 10.0.0.0/8"},
    {"[::1", "missing ']'"},
    {"[::1]443", ":PORT"},
    {"[10.0.0.1]:80", "brackets are for IPv6"},
    {"1.2.3.4:", "missing port"},
    {"1.2.3.4:65536", "out of range"},
    {"1.2.3.4:http", "not a number"},
    {"1.2.3.4:80-70", "empty"},
    {"1.2.3.4:-5", "not a number"},
    {"foo.*.com", "'*'"},
    {"*foo.com", "'*'"},
    {"127.1", "not a valid IP address"},
    {"300.1.1.1", "not a valid IP address"},
    {"a b", "white space"},
    {"", "empty"},
    {"fe80::1%eth0", "zones"},
    // near-misses of a named set: typos, not host names
    {"loopbak", "looks like the named set loopback"},
    {"LOOPBACK", "looks like the named set loopback"},
    {"lopbakc", "loopback"},
    {"privat", "private"},
    {"pubilc", "public"},
    {"linklocal", "link-local"},
    {"link_local", "link-local"},
    {"loopbak:443", "loopbak. with a final dot"},
    // port 0 alone: no port a socket ends up with
    {"127.0.0.1:0", "port 0 in a rule means no port"},
    {"[::1]:0", "write [::1] for any port"},
    {"loopback:0-0", "write loopback for any port"},
    {"*:0", "port 0"},
    {"-bad.example", "not an IP address"},
    {"bad..example", "not an IP address"},
    {":443", "missing address"},
    {"1.2.3.4/8/9", "prefix length"},
};

TEST(PolicyRules, MalformedRulesAreRefusedWithAReason) {
  for (const Malformed& m : kMalformed) {
    SCOPED_TRACE(m.rule);
    try {
      (void)policy::parse_rule(m.rule);
      ADD_FAILURE() << "accepted: " << m.rule;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(m.mention), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
}

TEST(PolicyRules, PolicyNetworkNamesTheFlagOfAMalformedRule) {
  NetPolicy p;
  p.allow_net = {"loopback"};
  p.deny_net = {"10.0.0.0/33"};
  try {
    (void)policy_network(p);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--deny-net=10.0.0.0/33: ", 0), 0u) << e.what();
  }
}

// A name written with a final dot is a host name even when it spells a set.
TEST(PolicyRules, FinalDotMakesAName) {
  const policy::Rule r = policy::parse_rule("loopback.");
  EXPECT_EQ(r.kind, policy::Rule::Kind::host_name);
  EXPECT_EQ(r.name, "loopback");
  EXPECT_EQ(policy::parse_rule("loopback").kind, policy::Rule::Kind::named_set);
}

TEST(PolicyRules, WellFormedRules) {
  for (const char* text : {"*", "*:443", "loopback", "private:1-1024", "link-local", "public:443",
                           "10.0.0.0/8", "::1", "::1/128", "[::1]:443", "[fd00::/8]:443-444",
                           "127.0.0.1:8000-8100", "localhost", "*.example.com:443", "Example.COM.",
                           "0.0.0.0", "::", "xn--bcher-kva.example", "_srv.example.com",
                           // names on purpose, or not near a set
                           "loopbak.", "loopback.", "publish", "privacy", "link", "*.loopbak",
                           // ranges from 0 cover real ports
                           "127.0.0.1:0-1024", "loopback:0-65535"}) {
    SCOPED_TRACE(text);
    EXPECT_NO_THROW((void)policy::parse_rule(text));
  }
}

// What each well-formed spelling parses to: its kind, its block, set or name
// pattern, and its ports.
struct ParsedAs {
  const char* text;
  policy::Rule::Kind kind;
  const char* block = "";  // cidr: "ADDRESS/PREFIX" as inet_pton reads it
  policy::NamedSet set = policy::NamedSet::loopback;
  const char* name = "";  // host_name: canonical, without the "*."
  bool wildcard = false;
  uint16_t low = 0, high = 65535;
};

TEST(PolicyRules, WellFormedRulesParseToWhatTheySay) {
  using K = policy::Rule::Kind;
  using S = policy::NamedSet;
  const ParsedAs cases[] = {
      {"*", K::everything},
      {"*:443", K::everything, "", S::loopback, "", false, 443, 443},
      {"loopback", K::named_set, "", S::loopback},
      {"private:1-1024", K::named_set, "", S::private_, "", false, 1, 1024},
      {"link-local", K::named_set, "", S::link_local},
      {"public:443", K::named_set, "", S::public_, "", false, 443, 443},
      {"10.0.0.0/8", K::cidr, "10.0.0.0/8"},
      {"::1", K::cidr, "::1/128"},
      {"::1/128", K::cidr, "::1/128"},
      {"[::1]:443", K::cidr, "::1/128", S::loopback, "", false, 443, 443},
      {"[fd00::/8]:443-444", K::cidr, "fd00::/8", S::loopback, "", false, 443, 444},
      {"127.0.0.1:8000-8100", K::cidr, "127.0.0.1/32", S::loopback, "", false, 8000, 8100},
      {"0.0.0.0", K::cidr, "0.0.0.0/32"},
      {"::", K::cidr, "::/128"},
      // An IPv4-mapped block is kept as the IPv4 block it is.
      {"::ffff:10.0.0.0/104", K::cidr, "10.0.0.0/8"},
      {"localhost", K::host_name, "", S::loopback, "localhost"},
      {"*.example.com:443", K::host_name, "", S::loopback, "example.com", true, 443, 443},
      {"Example.COM.", K::host_name, "", S::loopback, "example.com"},
      {"xn--bcher-kva.example", K::host_name, "", S::loopback, "xn--bcher-kva.example"},
      {"_srv.example.com", K::host_name, "", S::loopback, "_srv.example.com"},
  };
  for (const ParsedAs& c : cases) {
    SCOPED_TRACE(c.text);
    policy::Rule r;
    ASSERT_NO_THROW(r = policy::parse_rule(c.text));
    EXPECT_EQ(r.kind, c.kind);
    EXPECT_EQ(r.text, c.text);
    EXPECT_EQ(r.ports.low, c.low);
    EXPECT_EQ(r.ports.high, c.high);
    switch (c.kind) {
      case K::everything: break;
      case K::cidr: {
        const std::string block = c.block;
        const std::string address = block.substr(0, block.find('/'));
        const unsigned prefix = static_cast<unsigned>(std::stoul(block.substr(block.find('/') + 1)));
        const bool v6 = address.find(':') != std::string::npos;
        std::array<uint8_t, 16> want{};
        ASSERT_EQ(inet_pton(v6 ? AF_INET6 : AF_INET, address.c_str(), want.data()), 1);
        EXPECT_EQ(r.cidr.family, v6 ? Family::inet6 : Family::inet);
        EXPECT_EQ(r.cidr.ip, want);
        EXPECT_EQ(r.cidr.prefix, prefix);
        break;
      }
      case K::named_set: EXPECT_EQ(r.set, c.set); break;
      case K::host_name:
        EXPECT_EQ(r.name, c.name);
        EXPECT_EQ(r.wildcard, c.wildcard);
        break;
    }
  }
}

// The JSON lines of --net-log: one per decision, allowed or denied.
TEST(PolicyLog, EveryDecisionIsOneJsonLine) {
  const fs::path log = fs::temp_directory_path() / ("wasinet-policy-log-" + std::to_string(::getpid()));
  fs::remove(log);
  NetPolicy p;
  p.allow_net = {"loopback"};
  p.log_file = log;
  p.print_refusals = false;
  {
    std::shared_ptr<Network> n = policy_network(p);
    Request r;
    r.op = Op::connect;
    r.address = ip("127.0.0.1:80");
    EXPECT_EQ(n->check(r), wasi::Errno::success);
    r.address = ip("10.1.2.3:5432");
    EXPECT_EQ(n->check(r), wasi::Errno::acces);
  }
  std::ifstream in(log);
  std::string first, second, third;
  ASSERT_TRUE(std::getline(in, first));
  ASSERT_TRUE(std::getline(in, second));
  EXPECT_FALSE(std::getline(in, third));
  EXPECT_NE(first.find(R"("decision":"allow")"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("rule":"--allow-net=loopback")"), std::string::npos) << first;
  EXPECT_NE(second.find(R"("decision":"deny")"), std::string::npos) << second;
  EXPECT_NE(second.find(R"("address":"10.1.2.3:5432")"), std::string::npos) << second;
  EXPECT_NE(second.find(R"("reason":"no --allow-net rule matches")"), std::string::npos) << second;
  fs::remove(log);
}

// What the guest names (host names, unix paths) reaches the operator's
// terminal only as printable text on one line.
TEST(PolicyLog, RefusalLinesEscapeGuestText) {
  Request r;
  r.op = Op::resolve;
  r.network = "ip";
  r.name = "evil\nwasinet: allowed everything\x1b[2J";
  EXPECT_EQ(policy::describe(r), "lookup of evil\\x0awasinet: allowed everything\\x1b[2J");
  const std::string long_name(1000, 'a');
  r.name = long_name;
  EXPECT_EQ(policy::describe(r), "lookup of " + std::string(256, 'a') + "...");
  r.op = Op::connect;
  r.family = Family::unix_;
  r.address = Address::unix_path("/run/a\rb.sock");
  r.host_path = "/srv/a\rb.sock";
  EXPECT_EQ(policy::describe(r), "connect to /run/a\\x0db.sock (host /srv/a\\x0db.sock)");
}

TEST(PolicyPins, BoundedAndOldestFirst) {
  policy::Pins pins;
  for (size_t i = 0; i < policy::Pins::kMaxPins + 10; ++i) {
    const uint32_t v = 0x0a000000u + static_cast<uint32_t>(i);
    pins.add("h" + std::to_string(i) + ".example",
             {Address::ipv4({uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)}, 0)});
  }
  EXPECT_EQ(pins.size(), policy::Pins::kMaxPins);
  auto any = [](std::string_view) { return true; };
  EXPECT_FALSE(pins.any_name(Address::ipv4({10, 0, 0, 0}, 0), any));  // the oldest went first
  EXPECT_TRUE(pins.any_name(Address::ipv4({10, 0, 0, 20}, 0), any));
}

}  // namespace
}  // namespace wasinet::net
