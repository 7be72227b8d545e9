#pragma once
// Runs one guest to completion: load, link, run, and turn the outcome into
// a process exit code.
#include "wasinet/config.hh"

namespace wasinet::runtime {

// Exit codes of `wasinet run` besides the guest's own.
inline constexpr int kExitHostError = 125;  // bad flag, module or setup
inline constexpr int kExitTrap = 134;       // the guest trapped (as SIGABRT would)
// Stopped by SIGINT or SIGTERM: 128 + the signal, as a shell reports a
// program that signal killed.
inline constexpr int kExitSigint = 130;
inline constexpr int kExitSigterm = 143;
// Stopped by --timeout, as timeout(1) reports it.
inline constexpr int kExitTimeout = 124;

// Returns the guest's exit code (0 when _start returns), kExitTrap after
// printing the trap, kExitTimeout when --timeout stopped it, or 128 + signal
// after SIGINT/SIGTERM stopped it (which
// run() handles itself while the guest runs; see runner.cc). Prints the
// bound address of each --listen whose port the system chose. Throws
// wasinet::Error for failures before the guest runs.
int run(const RunConfig& config);

}  // namespace wasinet::runtime
