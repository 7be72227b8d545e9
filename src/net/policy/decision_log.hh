#pragma once
// Where decisions go: one line on stderr per refusal ("wasinet: denied
// connect to 10.1.2.3:5432 (no --allow-net rule matches)"), and with
// --net-log every decision as one JSON object per line.
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include "net/network.hh"
#include "net/policy/log_sink.hh"
#include "net/policy/matcher.hh"

namespace wasinet::net::policy {

class DecisionLog {
 public:
  // A guest refused in a loop must not bury everything else on stderr:
  // after this many refusal lines, one note, then silence (the JSON log
  // keeps everything).
  static constexpr size_t kMaxRefusalLines = 100;

  // Logs to `file` when not empty (log_sink.hh: a file, "-" or a unix
  // datagram socket); throws wasinet::Error naming it when it cannot.
  // `guest`: the instance index written in every line.
  DecisionLog(const std::filesystem::path& file, bool print_refusals, size_t guest = 0);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  void record(const Request& request, const Decision& decision);

 private:
  std::mutex mu_;
  std::shared_ptr<LogSink> sink_;
  bool print_refusals_ = true;
  size_t guest_ = 0;
  size_t refusal_lines_ = 0;
};

// "connect to 10.1.2.3:5432", "lookup of example.com", "open of an inet
// stream socket", "connect to /run/db.sock (host /srv/run/db.sock)".
std::string describe(const Request& request);

}  // namespace wasinet::net::policy
