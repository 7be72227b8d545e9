// The --metrics exposition (runtime/metrics_registry.hh): Prometheus text
// format, one family per metric with HELP and TYPE, a `guest` label per
// instance, and only decisions that happened.
#include <gtest/gtest.h>

#include <string>

#include "metrics/counters.hh"
#include "runtime/metrics_registry.hh"

namespace wasinet::runtime {
namespace {

TEST(MetricsRegistry, GuestsKeepTheirCountersAndRenderAsText) {
  MetricsRegistry registry;
  auto zero = registry.guest(0);
  auto one = registry.guest(1);
  EXPECT_EQ(registry.guest(0), zero) << "a restarted instance carries on counting";
  metrics::add(zero->connections_accepted, 3);
  metrics::add(zero->connections_closed, 1);
  metrics::add(one->bytes_sent, 1234);
  metrics::add(one->decisions[2][1]);  // connect, denied
  one->open_fds.store(5);
  const std::string text = registry.render();
  for (const char* want : {
           "# HELP wasinet_connections_accepted_total ",
           "# TYPE wasinet_connections_accepted_total counter\n",
           "wasinet_connections_accepted_total{guest=\"0\"} 3\n",
           "wasinet_connections_accepted_total{guest=\"1\"} 0\n",
           "# TYPE wasinet_connections_open gauge\n",
           "wasinet_connections_open{guest=\"0\"} 2\n",
           "wasinet_sent_bytes_total{guest=\"1\"} 1234\n",
           "wasinet_policy_decisions_total{guest=\"1\",op=\"connect\",decision=\"deny\"} 1\n",
           "wasinet_guest_open_fds{guest=\"1\"} 5\n",
           "# TYPE wasinet_module_cache_hits_total counter\n",
       })
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\n" << text;
  EXPECT_EQ(text.find("decision=\"allow\""), std::string::npos) << "decisions that never happened are not listed";
  // Every sample line: NAME{LABELS} VALUE or NAME VALUE; every family typed once.
  size_t families = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t nl = text.find('\n', at);
    ASSERT_NE(nl, std::string::npos) << "the last line is not terminated";
    const std::string line = text.substr(at, nl - at);
    if (line.starts_with("# TYPE ")) ++families;
    else if (!line.starts_with("# HELP ")) EXPECT_TRUE(line.starts_with("wasinet_")) << line;
    at = nl + 1;
  }
  EXPECT_GE(families, 20u);
}

}  // namespace
}  // namespace wasinet::runtime
