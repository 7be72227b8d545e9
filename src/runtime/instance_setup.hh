#pragma once
// Builds one guest's WASI context from a RunConfig: argv, environment,
// stdio on fds 0-2, then the preopened directories from fd 3 in order.
#include "wasi/context.hh"
#include "wasinet/config.hh"

namespace wasinet::runtime {

// Throws wasinet::Error naming the flag at fault (e.g. a --dir that does
// not exist).
void setup_context(wasi::Context& ctx, const RunConfig& config);

// Rights of a preopened directory and of what is opened beneath it.
wasi::Rights preopen_rights_base(bool read_only);
wasi::Rights preopen_rights_inheriting(bool read_only);

}  // namespace wasinet::runtime
