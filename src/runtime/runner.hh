#pragma once
// Runs one guest to completion: load, link, run, and turn the outcome into
// a process exit code.
#include "wasinet/config.hh"

namespace wasinet::runtime {

// Exit codes of `wasinet run` besides the guest's own.
inline constexpr int kExitHostError = 125;  // bad flag, module or setup
inline constexpr int kExitTrap = 134;       // the guest trapped (as SIGABRT would)

// Returns the guest's exit code (0 when _start returns), or kExitTrap after
// printing the trap. Throws wasinet::Error for failures before the guest runs.
int run(const RunConfig& config);

}  // namespace wasinet::runtime
