#pragma once
// `wasinet run [FLAGS] APP.wasm [ARGS...]`: its flags, as CLI11 options,
// and the command itself (flags -> GuestOptions -> runtime::run).
#include <string>
#include <vector>

#include "cli/limit_flags.hh"
#include "cli/net_flags.hh"
#include "cli/service_flags.hh"
#include "runtime/exit_codes.hh"

namespace CLI {
class App;
}

namespace wasinet::cli {

using runtime::kExitUsage;

struct RunFlags {
  std::vector<std::string> dirs;
  std::vector<std::string> envs;
  std::vector<std::string> listens;
  NetFlags net;
  LimitFlags limits;
  ServiceFlags service;
  bool no_dns_files = false;
  bool no_ca_certs = false;
  bool inherit_env = false;
  bool no_cache = false;
  std::string cache_dir;
  bool verbose = false;
  std::string metrics;  // --metrics ADDRESS
  // Bound to the usage line's APP.wasm and ARGS only: the words from
  // APP.wasm on are split off before CLI11 parses (run_words.hh).
  std::string usage_module;
  std::vector<std::string> usage_args;
};

// Adds the `run` subcommand and its options to `app`, filling `flags`.
CLI::App* add_run_command(CLI::App& app, RunFlags& flags);

// Runs `positional` (APP.wasm and its arguments) with `flags`; returns the
// exit status (kExitUsage for a malformed flag value). Throws
// wasinet::Error for failures before the guest runs (exit 125).
int run_command(const RunFlags& flags, const std::vector<std::string>& positional);

}  // namespace wasinet::cli
