#pragma once
// `wasinet run`'s work: one guest from a module file, run to completion,
// its outcome reported on stderr and turned into a process exit status.
#include <filesystem>
#include <optional>

#include "runtime/exit_codes.hh"
#include "runtime/module_loader.hh"
#include "wasinet/config.hh"

namespace wasinet::runtime {

// Returns the guest's exit code (0 when _start returns), kExitTrap after
// printing the trap, kExitTimeout when --timeout stopped it, or 128 + signal
// after SIGINT/SIGTERM stopped it (handled while the guest runs; see
// stop_signals.hh). Prints the bound address of each --listen whose port
// the system chose (each one with `load.verbose`). Throws wasinet::Error
// for failures before the guest runs.
// With `metrics`, serves the guest's metrics there while it runs
// (docs/metrics.md).
int run(const std::filesystem::path& module, const GuestOptions& options, const LoadOptions& load,
        const std::optional<ListenSpec>& metrics = std::nullopt);

}  // namespace wasinet::runtime
