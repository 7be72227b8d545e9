#include "runtime/runner.hh"

#include <cstdio>
#include <set>
#include <utility>

#include "abi/preview1.hh"
#include "engine/engine.hh"
#include "runtime/instance_setup.hh"
#include "runtime/module_loader.hh"
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

}  // namespace

int run(const RunConfig& config) {
  // Flags first (a --dir that does not exist), then the module.
  wasi::Context ctx;
  setup_context(ctx, config);

  engine::Engine engine;
  LoadOptions load;
  load.use_cache = config.use_cache;
  load.cache_dir = config.cache_dir;
  load.verbose = config.verbose;
  engine::Module module = load_module(engine, config.module, load);

  abi::HostFunctions functions = abi::preview1_functions();
  check_imports(module, functions, config.module.string());

  engine::RunOutcome outcome;
  try {
    outcome = engine.run(module, functions, &ctx);
  } catch (const Error& e) {
    throw Error(config.module.string() + ": " + e.what());
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
