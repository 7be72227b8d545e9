// The embedding API takes the same policy object as `wasinet run`: its
// listeners are the embedder's own grant, which deny rules still refuse.
#include <gtest/gtest.h>

#include <string>

#include "wasinet/error.hh"
#include "wasinet/policy.hh"
#include "wasinet/wasmtime.hh"

namespace wasinet {
namespace {

TEST(PolicyEmbed, ListenersAreTheEmbeddersGrant) {
  GuestOptions options;
  options.dns_files = false;
  options.network = policy_network({.print_refusals = false});  // grants nothing else
  options.listeners.push_back(ListenSpec::tcp("127.0.0.1", 0));
  Host host(options);
  ASSERT_EQ(host.listeners().size(), 1u);
  EXPECT_TRUE(host.listeners()[0].url.starts_with("tcp://127.0.0.1:")) << host.listeners()[0].url;
}

TEST(PolicyEmbed, DenyRulesRefuseListeners) {
  GuestOptions options;
  options.dns_files = false;
  options.network = policy_network({.deny_net = {"loopback"}, .print_refusals = false});
  options.listeners.push_back(ListenSpec::tcp("127.0.0.1", 0));
  try {
    Host host(options);
    FAIL() << "the listener was opened";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("refused by the network policy"), std::string::npos) << e.what();
  }
}

TEST(PolicyEmbed, MalformedRuleThrows) {
  EXPECT_THROW((void)policy_network({.allow_net = {"10.0.0.0/33"}}), Error);
}

}  // namespace
}  // namespace wasinet
