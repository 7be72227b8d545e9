#pragma once
// The flags that make `wasinet run` a service (docs/serving.md):
// --instances N|auto, --restart on-failure|always|no, --drain-timeout.
#include <optional>
#include <string>

#include "wasinet/service.hh"

namespace CLI {
class App;
}

namespace wasinet::cli {

// As typed; empty when not given.
struct ServiceFlags {
  std::string instances;
  std::string restart;
  std::string drain_timeout;
};

void add_service_flags(CLI::App& run, ServiceFlags& flags);

// Whether any of the flags was given: the run is then a service.
bool wants_service(const ServiceFlags& flags) noexcept;

// Fills the service settings of `options` from the flags (instances,
// restart: on-failure when there is more than one instance, else no;
// drain timeout). Throws wasinet::Error naming the flag and value at fault.
void parse_service_flags(const ServiceFlags& flags, ServiceOptions& options);

}  // namespace wasinet::cli
