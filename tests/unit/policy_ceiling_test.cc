// A node ceiling (wasinet/policy.hh, NetCeiling) bounds a guest's own
// grants, operator grants (--listen) included; and policies from memory
// (load_policy_text), as the containerd shim and the C API pass them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/network.hh"
#include "wasinet/error.hh"
#include "wasinet/policy.hh"

namespace wasinet {
namespace {

using net::Operation;

net::Request connect_to(std::array<uint8_t, 4> ip, uint16_t port) {
  net::Request r;
  r.op = Operation::connect;
  r.address = net::Address::ipv4(ip, port);
  return r;
}

NetCeiling ceiling(const std::string& toml) {
  NetCeiling c;
  c.origin = "/etc/wasinet/node-policy.toml";
  load_policy_text(toml, "toml", c.origin, c.policy);
  return c;
}

TEST(NetCeiling, BothMustAllow) {
  const NetPolicy pod{.allow_net = {"*"}, .print_refusals = false};
  const auto n = policy_network(pod, {ceiling("allow-net = [\"10.0.0.0/8:5432\"]\n")});
  EXPECT_EQ(n->check(connect_to({10, 1, 2, 3}, 5432)), wasi::Errno::success);
  EXPECT_EQ(n->check(connect_to({10, 1, 2, 3}, 80)), wasi::Errno::acces) << "beyond the ceiling";
  EXPECT_EQ(n->check(connect_to({1, 1, 1, 1}, 5432)), wasi::Errno::acces);

  const NetPolicy narrow{.allow_net = {"10.9.0.0/16"}, .print_refusals = false};
  const auto m = policy_network(narrow, {ceiling("allow-net = [\"10.0.0.0/8\"]\n")});
  EXPECT_EQ(m->check(connect_to({10, 9, 1, 1}, 1)), wasi::Errno::success);
  EXPECT_EQ(m->check(connect_to({10, 8, 1, 1}, 1)), wasi::Errno::acces) << "beyond the pod's own rules";
}

TEST(NetCeiling, BoundsOperatorGrantsAndOutbound) {
  net::Request listen;
  listen.op = Operation::bind;
  listen.address = net::Address::ipv4({0, 0, 0, 0}, 8080);
  listen.by_operator = true;  // a --listen socket: granted by itself
  EXPECT_EQ(policy_network({.print_refusals = false})->check(listen), wasi::Errno::success);
  const auto n = policy_network({.print_refusals = false}, {ceiling("allow-listen = [\"127.0.0.1\"]\n")});
  EXPECT_EQ(n->check(listen), wasi::Errno::acces) << "the ceiling bounds --listen too";

  EXPECT_TRUE(policy_network({.allow_dns = true})->grants_outbound());
  EXPECT_FALSE(policy_network({.allow_dns = true}, {ceiling("")})->grants_outbound())
      << "an empty ceiling allows nothing, so the guest is shown no DNS files";
}

TEST(NetCeiling, TwoCeilingsBothApply) {
  const auto n = policy_network({.allow_net = {"*"}, .print_refusals = false},
                                {ceiling("allow-net = [\"10.0.0.0/8\"]\n"), ceiling("allow-net = [\"10.1.0.0/16\"]\n")});
  EXPECT_EQ(n->check(connect_to({10, 1, 0, 1}, 1)), wasi::Errno::success);
  EXPECT_EQ(n->check(connect_to({10, 2, 0, 1}, 1)), wasi::Errno::acces);
}

TEST(PolicyText, FormatsOriginAndRelativePaths) {
  NetPolicy p;
  load_policy_text(R"({"allow-net": ["loopback"], "allow-dns": true})", "json", "ConfigMap app", p);
  EXPECT_EQ(p.allow_net, std::vector<std::string>{"loopback"});
  EXPECT_TRUE(p.allow_dns);
  try {
    load_policy_text("allow-net = [\"10.0.0.0/33\"]\n", "toml", "ConfigMap app", p);
    FAIL() << "a malformed rule was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ConfigMap app"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_policy_text("net-log = \"decisions.log\"\n", "toml", "x", p), Error)
      << "a relative path has no directory to resolve it against";
  EXPECT_THROW(load_policy_text("{}", "yaml", "x", p), Error);
}

}  // namespace
}  // namespace wasinet
