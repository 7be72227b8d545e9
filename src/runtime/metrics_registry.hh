#pragma once
// The figures `--metrics` serves (docs/metrics.md): every guest's counters
// (by instance index, kept across its restarts) and the process's, in the
// Prometheus text exposition format.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "metrics/counters.hh"

namespace wasinet::runtime {

class MetricsRegistry {
 public:
  // The counters of guest `index` (the instance index; 0 without
  // instances), made on first use and kept for the process, so that a
  // restarted instance carries on counting where it stopped.
  std::shared_ptr<metrics::GuestCounters> guest(size_t index);

  // Every metric, in the text format (version 0.0.4). Reads the counters
  // without stopping any guest.
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<size_t, std::shared_ptr<metrics::GuestCounters>> guests_;
};

}  // namespace wasinet::runtime
