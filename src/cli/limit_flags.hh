#pragma once
// The limit flags of `wasinet run` (--max-fds, --max-conns, --max-memory,
// --timeout, --max-wasm-stack) and how they become GuestOptions fields.
// docs/limits.md.
#include <string>

#include "wasinet/config.hh"

namespace CLI {
class App;
}

namespace wasinet::cli {

// As typed; empty when not given.
struct LimitFlags {
  std::string max_fds;
  std::string max_conns;
  std::string max_memory;
  std::string timeout;
  std::string max_wasm_stack;
};

// Registers the flags on `run`.
void add_limit_flags(CLI::App& run, LimitFlags& flags);

// Reads the values into `config`. Throws wasinet::Error with one line
// naming the flag and value at fault ("--timeout 5x: expected ...").
// Leaves config.max_fds alone: apply_fd_limit() sets it.
void parse_limit_flags(const LimitFlags& flags, GuestOptions& config);

// Raises this process's fd limit to its hard limit and sets config.max_fds:
// --max-fds when given (an Error when the host cannot hold that many),
// else what the raised limit leaves for the guest.
void apply_fd_limit(const LimitFlags& flags, GuestOptions& config);

}  // namespace wasinet::cli
