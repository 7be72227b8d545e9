#include "cli/service_flags.hh"

#include <CLI/CLI.hpp>

#include "os/cpus.hh"
#include "runtime/limit_values.hh"
#include "wasinet/error.hh"

namespace wasinet::cli {

// More would be a typo: each instance is a thread with its own memory.
constexpr uint64_t kMaxInstances = 1024;

void add_service_flags(CLI::App& run, ServiceFlags& flags) {
  run.add_option("--instances", flags.instances,
                 "Run N instances of the program, each on its own thread with its own\n"
                 "memory, all serving on the same --listen sockets (auto: one per CPU\n"
                 "this process may use). Each finds its index in WASINET_INSTANCE and\n"
                 "the count in WASINET_INSTANCES. SIGHUP reloads the module with no\n"
                 "connection dropped, SIGTERM drains (docs/serving.md)")
      ->type_name("N|auto");
  run.add_option("--restart", flags.restart,
                 "Restart an instance that ends: on-failure (a status other than 0, or a\n"
                 "trap; the default with more than one instance), always, or no (the\n"
                 "default with one). Backoff from 100 ms up to 10 s")
      ->type_name("POLICY");
  run.add_option("--drain-timeout", flags.drain_timeout,
                 "How long draining instances (after SIGHUP or SIGTERM) may keep their\n"
                 "connections before they are stopped (default 30s)")
      ->type_name("DURATION");
}

bool wants_service(const ServiceFlags& flags) noexcept {
  return !flags.instances.empty() || !flags.restart.empty() || !flags.drain_timeout.empty();
}

void parse_service_flags(const ServiceFlags& flags, ServiceOptions& options) {
  options.instances = 1;
  if (flags.instances == "auto")
    options.instances = os::usable_cpus();
  else if (!flags.instances.empty())
    options.instances = runtime::parse_count("--instances", flags.instances, 1);
  if (options.instances > kMaxInstances)
    throw Error("--instances " + flags.instances + ": at most " + std::to_string(kMaxInstances));
  options.restart = options.instances > 1 ? RestartPolicy::on_failure : RestartPolicy::no;
  if (flags.restart == "on-failure")
    options.restart = RestartPolicy::on_failure;
  else if (flags.restart == "always")
    options.restart = RestartPolicy::always;
  else if (flags.restart == "no")
    options.restart = RestartPolicy::no;
  else if (!flags.restart.empty())
    throw Error("--restart " + flags.restart + ": expected on-failure, always or no");
  if (!flags.drain_timeout.empty())
    options.drain_timeout = runtime::parse_duration("--drain-timeout", flags.drain_timeout);
}

}  // namespace wasinet::cli
