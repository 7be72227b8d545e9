#include "net/policy/decision_log.hh"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "wasinet/error.hh"

namespace wasinet::net::policy {
namespace {

std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // room for any int the compiler imagines
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string address_text(const Request& r) {
  if (!r.address) return {};
  return r.address->unmapped().to_string();
}

// Names and unix paths come from the guest: on the operator's terminal
// they must not start lines of their own or send escape sequences. Control
// bytes become \xNN, and a long one is cut.
std::string printable(std::string_view s) {
  constexpr size_t kMax = 256;
  std::string out;
  for (unsigned char c : s.substr(0, kMax)) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > kMax) out += "...";
  return out;
}

}  // namespace

std::string describe(const Request& r) {
  std::string target = printable(address_text(r));
  if (r.address && r.address->family == Family::unix_ && !r.host_path.empty() &&
      r.host_path != r.address->path)
    target += " (host " + printable(r.host_path) + ")";
  switch (r.op) {
    case Operation::open:
      return std::string("open of ") + (r.family == Family::inet ? "an " : "a ") + family_name(r.family) +
             " " + socket_type_name(r.type) + " socket";
    case Operation::resolve:
      return (r.network.starts_with("ip") ? "lookup of " : "service lookup of ") + printable(r.name);
    case Operation::bind: return "bind to " + target;
    case Operation::connect: return "connect to " + target;
    case Operation::listen: return target.empty() ? "listen" : "listen on " + target;
    case Operation::accept: return "accept from " + target;
    case Operation::send: return "send to " + target;
  }
  return "?";
}

DecisionLog::DecisionLog(const std::filesystem::path& file, bool print_refusals, size_t guest)
    : print_refusals_(print_refusals), guest_(guest) {
  if (!file.empty()) sink_ = open_log_sink(file);
}

DecisionLog::~DecisionLog() = default;

void DecisionLog::record(const Request& r, const Decision& d) {
  std::string line;
  if (!d.allowed && print_refusals_) {
    line = "wasinet: denied " + describe(r);
    if (d.matched_as) line += " (as " + d.matched_as->to_string() + ")";
    if (!d.via_name.empty()) line += " (resolved from " + printable(d.via_name) + ")";
    line += " (" + d.reason + ")\n";
  }
  std::string json;
  if (sink_) {
    nlohmann::ordered_json j;  // fields in this order, time first
    j["time"] = now_utc();
    j["guest"] = guest_;
    j["decision"] = d.allowed ? "allow" : "deny";
    j["op"] = operation_name(r.op);
    if (r.op == Operation::resolve) {
      j["name"] = std::string(r.name);
      j["network"] = std::string(r.network);
    } else {
      j["family"] = family_name(r.family);
      j["type"] = socket_type_name(r.type);
    }
    if (r.address) j["address"] = address_text(r);
    if (!r.host_path.empty()) j["host_path"] = std::string(r.host_path);
    if (d.matched_as) j["matched_as"] = d.matched_as->to_string();
    if (!d.rule.empty()) j["rule"] = d.rule;
    if (!d.via_name.empty()) j["via_name"] = d.via_name;
    if (!d.allowed) {
      j["reason"] = d.reason;
      j["errno"] = "EACCES";
    }
    if (r.by_operator) j["by_operator"] = true;
    // Guest strings may hold anything: replace invalid UTF-8 rather than throw.
    json = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }
  std::lock_guard lock(mu_);
  if (!line.empty()) {
    if (refusal_lines_ < kMaxRefusalLines) {
      std::fputs(line.c_str(), stderr);
    } else if (refusal_lines_ == kMaxRefusalLines) {
      std::fputs("wasinet: more network refusals are not shown (--net-log FILE records all)\n", stderr);
    }
    ++refusal_lines_;
  }
  if (sink_) sink_->write(json);
}

}  // namespace wasinet::net::policy
