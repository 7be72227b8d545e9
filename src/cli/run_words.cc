#include "cli/run_words.hh"

#include <filesystem>
#include <string_view>

#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

// The rule flags, and where each one's values go.
struct RuleFlag {
  std::string_view name;
  std::vector<std::string> NetFlags::*values;
  bool bare_means_everything;
};

constexpr RuleFlag kRuleFlags[] = {
    {"--allow-net", &NetFlags::allow_net, true},
    {"--allow-listen", &NetFlags::allow_listen, true},
    {"--deny-net", &NetFlags::deny_net, false},
};

const RuleFlag* rule_flag(std::string_view name) {
  for (const RuleFlag& f : kRuleFlags)
    if (f.name == name) return &f;
  return nullptr;
}

[[noreturn]] void takes_rules_after_equals(std::string_view flag, const std::string& shown,
                                           const std::string& more) {
  throw Error(std::string(flag) + " takes its rules after '=' (" + std::string(flag) + "=" + shown +
              ")" + more);
}

}  // namespace

RunWords split_run_words(const std::vector<std::string>& words,
                         const std::function<bool(const std::string&)>& takes_value, NetFlags& net) {
  RunWords out;
  if (words.empty()) return out;
  out.flags.push_back(words.front());
  const RuleFlag* bare_before = nullptr;  // the word just before was this flag, alone
  size_t i = 1;
  while (i < words.size()) {
    const std::string& w = words[i];
    if (w == "--") {
      out.guest.assign(words.begin() + static_cast<long>(i) + 1, words.end());
      return out;
    }
    if (w.empty() || w[0] != '-') {
      // `--allow-net loopback app.wasm` would run a program named "loopback".
      if (bare_before && !std::filesystem::exists(w))
        takes_rules_after_equals(bare_before->name, w, ": \"" + w + "\" is no program");
      out.guest.assign(words.begin() + static_cast<long>(i), words.end());
      return out;
    }
    bare_before = nullptr;
    const size_t eq = w.find('=');
    const std::string_view name = std::string_view(w).substr(0, eq);
    if (const RuleFlag* f = rule_flag(name)) {
      if (eq != std::string::npos) {
        (net.*(f->values)).push_back(w.substr(eq + 1));
      } else if (f->bare_means_everything) {
        (net.*(f->values)).push_back("*");
        bare_before = f;
      } else {
        const bool next_is_rule = i + 1 < words.size() && !words[i + 1].empty() &&
                                  words[i + 1][0] != '-' && !std::filesystem::exists(words[i + 1]);
        takes_rules_after_equals(f->name, next_is_rule ? words[i + 1] : "RULE,...", "");
      }
      ++i;
      continue;
    }
    // `--net-log= app.wasm`: CLI11 would take the next word as the value.
    if (eq != std::string::npos && eq + 1 == w.size() && takes_value(std::string(name)))
      throw Error(std::string(name) + "=: empty value");
    out.flags.push_back(w);
    // An option that takes a value, written as two words, consumes the next one.
    if (eq == std::string::npos && takes_value(w) && i + 1 < words.size()) {
      out.flags.push_back(words[i + 1]);
      i += 2;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace wasinet::cli
