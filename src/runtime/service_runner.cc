#include "runtime/service_runner.hh"

#include <cstdio>

#include "runtime/service_signals.hh"

namespace wasinet::runtime {

int run_service(const ServiceOptions& options) {
  // Before the service compiles: the engine's threads inherit the mask.
  ServiceSignals signals;
  Service service(options);
  for (const ServiceListener& l : service.listeners())
    if (l.port_chosen_by_system || options.verbose)
      std::fprintf(stderr, "wasinet: listening on %s (fd %u)\n", l.url.c_str(), l.fd);
  signals.attach(&service);
  const int status = service.run();
  signals.attach(nullptr);
  if (int sig = signals.received()) return 128 + sig;
  return status;
}

}  // namespace wasinet::runtime
