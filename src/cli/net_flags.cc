#include "cli/net_flags.hh"

#include <CLI/CLI.hpp>
#include <string_view>

#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

// "a,b" → a, b. An empty value or item is an error, never "nothing" nor
// "everything": `--allow-net="$RULES"` with RULES unset must not widen the
// sandbox, and `--deny-net=` must not look like a deny that denies nothing.
void split_rules(const char* flag, const std::vector<std::string>& values,
                 std::vector<std::string>& out) {
  for (const std::string& value : values) {
    if (value.empty())
      throw Error(std::string(flag) + "=: empty rule" +
                  (std::string_view(flag) == "--deny-net"
                       ? std::string()
                       : " (" + std::string(flag) + " alone, without '=', allows everything)"));
    std::string_view rest = value;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view rule = rest.substr(0, comma);
      if (rule.empty())
        throw Error(std::string(flag) + "=" + value + ": empty rule (a comma too many?)");
      out.emplace_back(rule);
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
}

}  // namespace

void add_net_flags(CLI::App& run, NetFlags& f) {
  // --allow-net, --allow-listen and --deny-net are registered for --help
  // only: split_run_words takes them out of the words first (run_words.hh
  // says why), so these flags never see a value.
  run.add_flag("--allow-net")
      ->description(
          "Let the program connect and send to RULE[,RULE...] (repeatable), or\n"
          "anywhere when given alone (which also allows every name lookup). The\n"
          "rules go after '='; an empty one is an error. RULE: a CIDR\n"
          "(10.0.0.0/8), an address with optional port or range\n"
          "(127.0.0.1:8000-8100, [::1]:443), a host name or *.wildcard with\n"
          "optional port (*.example.com:443), or a named set: loopback,\n"
          "private, link-local, public. Nothing is allowed by default.")
      ->type_name("[=RULE,...]");
  run.add_flag("--deny-net")
      ->description(
          "Refuse RULE[,RULE...] whatever else allows it: outbound, inbound and\n"
          "accepted peers. Deny wins over allow. Repeatable.")
      ->type_name("=RULE,...");
  run.add_flag("--allow-listen")
      ->description(
          "Let the program bind and listen on RULE[,RULE...] (e.g. loopback,\n"
          "127.0.0.1:8080), or anywhere when given alone. A --listen socket needs\n"
          "no rule: the operator opened it.")
      ->type_name("[=RULE,...]");
  run.add_option("--allow-unix", f.allow_unix,
                 "Let the program use unix sockets at this host path: a socket file, or a\n"
                 "directory (everything beneath it). Repeatable.")
      ->type_name("PATH");
  run.add_flag("--allow-dns", f.allow_dns,
               "Let the program resolve any host name (by default only names that an\n"
               "--allow-net or --allow-listen name rule could allow)");
  run.add_option("--net-policy", f.policy_file,
                 "Read more rules from a policy file (TOML or JSON; keys as the flags:\n"
                 "allow-net, deny-net, allow-listen, allow-unix, allow-dns, net-log)")
      ->type_name("FILE");
  run.add_option("--net-log", f.log_file,
                 "Every network decision, allowed or denied, as JSON lines: appended to\n"
                 "FILE; - for stderr; or one datagram each to an existing unix datagram\n"
                 "socket at that path (stderr and the socket never make a guest wait:\n"
                 "lines a slow or absent reader cannot take are dropped and counted)")
      ->type_name("FILE|-|SOCKET");
}

NetPolicy net_policy_from_flags(const NetFlags& f) {
  NetPolicy p;
  split_rules("--allow-net", f.allow_net, p.allow_net);
  split_rules("--deny-net", f.deny_net, p.deny_net);
  split_rules("--allow-listen", f.allow_listen, p.allow_listen);
  for (const std::string& path : f.allow_unix) {
    if (path.empty()) throw Error("--allow-unix=: empty path");
    p.allow_unix.push_back(path);
  }
  p.allow_dns = f.allow_dns;
  p.log_file = f.log_file;
  if (!f.policy_file.empty()) load_policy_file(f.policy_file, p);
  validate(p);
  return p;
}

}  // namespace wasinet::cli
