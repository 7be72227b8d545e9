#pragma once
// The exit statuses of `wasinet run` besides the guest's own.

namespace wasinet::runtime {

// A usage error (unknown flag, malformed value), as CLI tools report it.
inline constexpr int kExitUsage = 2;
inline constexpr int kExitHostError = 125;  // bad flag, module or setup
inline constexpr int kExitTrap = 134;       // the guest trapped (as SIGABRT would)
// Stopped by SIGINT or SIGTERM: 128 + the signal, as a shell reports a
// program that signal killed.
inline constexpr int kExitSigint = 130;
inline constexpr int kExitSigterm = 143;
// Stopped by --timeout, as timeout(1) reports it.
inline constexpr int kExitTimeout = 124;

}  // namespace wasinet::runtime
