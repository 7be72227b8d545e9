#pragma once
// Where decisions go: one line on stderr per refusal ("wasinet: denied
// connect to 10.1.2.3:5432 (no --allow-net rule matches)"), and with
// --net-log every decision as one JSON object per line.
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include "net/network.hh"
#include "net/policy/matcher.hh"

namespace wasinet::net::policy {

class DecisionLog {
 public:
  // A guest refused in a loop must not bury everything else on stderr:
  // after this many refusal lines, one note, then silence (the JSON log
  // keeps everything).
  static constexpr size_t kMaxRefusalLines = 100;

  // Opens `file` for appending when not empty; throws wasinet::Error
  // naming it when it cannot.
  DecisionLog(const std::filesystem::path& file, bool print_refusals);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  void record(const Request& request, const Decision& decision);

 private:
  std::mutex mu_;
  std::FILE* file_ = nullptr;
  bool print_refusals_ = true;
  size_t refusal_lines_ = 0;
};

// "connect to 10.1.2.3:5432", "lookup of example.com", "open of an inet
// stream socket", "connect to /run/db.sock (host /srv/run/db.sock)".
std::string describe(const Request& request);

}  // namespace wasinet::net::policy
