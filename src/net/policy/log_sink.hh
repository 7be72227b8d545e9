#pragma once
// Where --net-log lines go: a file (appended, as always), "-" (stderr), or
// a unix datagram socket someone listens on (an existing socket path: one
// line per datagram). For stderr and the socket a slow or absent reader
// never blocks a guest: a line that cannot go at once is dropped and
// counted (wasinet_net_log_dropped_lines_total).
#include <filesystem>
#include <memory>
#include <string>

namespace wasinet::net::policy {

class LogSink {
 public:
  virtual ~LogSink() = default;
  // `line` ends with '\n'. Thread-safe.
  virtual void write(const std::string& line) = 0;
};

// The sink for `target`; one per target in the process, shared by every
// guest that logs there. Throws wasinet::Error naming --net-log when a file
// cannot be opened.
std::shared_ptr<LogSink> open_log_sink(const std::filesystem::path& target);

}  // namespace wasinet::net::policy
