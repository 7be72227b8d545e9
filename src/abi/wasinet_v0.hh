#pragma once
// The host module `wasinet_v0`: the socket calls of the existing Go guest
// library for WASI networking (../shared/design/wasinet_v0-abi.md is the
// contract; docs/wasinet_v0.md says how this host behaves).
#include "abi/preview1.hh"

namespace wasinet::abi {

inline constexpr const char* kWasinetV0 = "wasinet_v0";

// All 15 functions of the module.
void add_wasinet_v0(HostFunctions& out);

}  // namespace wasinet::abi
