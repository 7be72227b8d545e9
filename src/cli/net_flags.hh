#pragma once
// The network flags of `wasinet run` (--allow-net, --deny-net,
// --allow-listen, --allow-unix, --allow-dns, --net-policy, --net-log) and
// how they become a NetPolicy.
#include <string>
#include <vector>

#include "wasinet/policy.hh"

namespace CLI {
class App;
}

namespace wasinet::cli {

struct NetFlags {
  // One entry per flag given, as written after '=' (split_run_words fills
  // these three); each may hold several comma-separated rules. A bare
  // --allow-net or --allow-listen holds "*".
  std::vector<std::string> allow_net;
  std::vector<std::string> deny_net;
  std::vector<std::string> allow_listen;
  std::vector<std::string> allow_unix;
  bool allow_dns = false;
  std::string policy_file;
  std::string log_file;
};

// Registers the flags on `run`.
void add_net_flags(CLI::App& run, NetFlags& flags);

// The policy the flags describe, the policy file's rules merged in. Throws
// wasinet::Error with one line naming the flag and value at fault
// ("--allow-net=10.0.0.0/33: prefix length ...").
NetPolicy net_policy_from_flags(const NetFlags& flags);

}  // namespace wasinet::cli
