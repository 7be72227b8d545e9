#include "runtime/runner.hh"


#include <cstdio>
#include <set>
#include <string>
#include <utility>

#include "abi/preview1.hh"
#include "abi/wasinet_v0.hh"
#include "engine/engine.hh"
#include "runtime/instance_setup.hh"
#include "runtime/module_loader.hh"
#include "runtime/stop_signals.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

// Names every import we cannot satisfy before the engine would, so the
// message says which module and function are missing and nothing else.
void check_imports(const engine::Module& module, const abi::HostFunctions& functions,
                   const std::string& file) {
  std::set<std::pair<std::string, std::string>> provided;
  for (const auto& f : functions) provided.emplace(f.module, f.name);
  for (const engine::Import& imp : module.imports()) {
    if (!imp.is_function)
      throw Error(file + " imports " + imp.module + "::" + imp.name +
                  ", which is not a function; wasinet provides only functions");
    if (!provided.count({imp.module, imp.name}))
      throw Error(file + " imports function " + imp.module + "::" + imp.name +
                  ", which wasinet does not provide");
  }
}

void report_listeners(const SetupResult& setup, bool verbose) {
  for (const net::PreopenedListener& l : setup.listeners)
    if (l.port_chosen_by_system || verbose)
      std::fprintf(stderr, "wasinet: listening on %s (fd %u)\n", l.url.c_str(), l.fd);
}

}  // namespace

int run(const RunConfig& config) {
  // Flags first (a --dir that does not exist), then the module.
  wasi::Context ctx;
  // The guest reaches only what config.net grants (deny by default).
  SetupResult setup = setup_context(ctx, config, policy_network(config.net));
  struct RemoveSocketFiles {
    const SetupResult& setup;
    ~RemoveSocketFiles() { remove_socket_files(setup); }
  } remove_socket_files_at_end{setup};

  engine::Engine engine;
  StopSignals stop(ctx.wake, engine, [&setup] { remove_socket_files(setup); });
  LoadOptions load;
  load.use_cache = config.use_cache;
  load.cache_dir = config.cache_dir;
  load.verbose = config.verbose;
  engine::Module module = load_module(engine, config.module, load);

  abi::HostFunctions functions = abi::preview1_functions();
  abi::add_wasinet_v0(functions);
  check_imports(module, functions, config.module.string());
  report_listeners(setup, config.verbose);

  engine::RunOutcome outcome;
  stop.guest_starting();
  try {
    outcome = engine.run(module, functions, &ctx);
  } catch (const Error& e) {
    throw Error(config.module.string() + ": " + e.what());
  }
  // A stopped guest ends however the stop reached it: an epoch trap, or
  // its own reaction to EINTR. Either way the signal decides the status,
  // as the shell expects of a program killed by it.
  if (int sig = stop.received()) {
    std::fprintf(stderr, "wasinet: stopped by %s\n", signal_name(sig));
    return 128 + sig;
  }
  switch (outcome.kind) {
    case engine::RunOutcome::Kind::returned: return 0;
    case engine::RunOutcome::Kind::exited: return outcome.exit_code;
    case engine::RunOutcome::Kind::interrupted:
    case engine::RunOutcome::Kind::trapped:
      std::fprintf(stderr, "wasinet: %s trapped: %s\n", config.module.filename().c_str(),
                   outcome.message.c_str());
      return kExitTrap;
  }
  return kExitTrap;
}

}  // namespace wasinet::runtime
