#pragma once
// `wasinet run --instances N`: a wasinet::Service run to its end under the
// CLI's signals (service_signals.hh).
#include "wasinet/service.hh"

namespace wasinet::runtime {

// Returns the status of the instance that ended last, or 128 + the signal
// that drained (SIGTERM) or stopped (SIGINT) the service. Prints the bound
// address of each listener whose port the system chose (each one with
// options.verbose). Throws wasinet::Error for failures before any instance
// runs.
int run_service(const ServiceOptions& options);

}  // namespace wasinet::runtime
