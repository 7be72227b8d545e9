#include "runtime/service_runner.hh"

#include <cstdio>

#include "runtime/metrics_server.hh"
#include "runtime/service_signals.hh"

namespace wasinet::runtime {

int run_service(const ServiceOptions& options) {
  // Before the service compiles: the engine's threads inherit the mask.
  ServiceSignals signals;
  Service service(options);
  for (const ServiceListener& l : service.listeners())
    if (l.port_chosen_by_system || options.verbose)
      std::fprintf(stderr, "wasinet: listening on %s (fd %u)\n", l.url.c_str(), l.fd);
  if (!service.metrics_url().empty())
    std::fprintf(stderr, "wasinet: metrics on %s\n", metrics_address(service.metrics_url()).c_str());
  signals.attach(&service);
  const int status = service.run();
  signals.attach(nullptr);
  if (int sig = signals.received()) return 128 + sig;
  return status;
}

}  // namespace wasinet::runtime
