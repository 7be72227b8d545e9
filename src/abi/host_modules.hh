#pragma once
// The host modules a guest can import from, in one table: WASI preview1
// (`wasi_snapshot_preview1`) and the socket ABIs beside it. A new ABI
// adapter joins by adding one line to host_modules() (host_modules.cc).
#include <span>
#include <string_view>

#include "abi/preview1.hh"
#include "engine/engine.hh"
#include "wasinet/error.hh"

namespace wasinet::abi {

struct HostModule {
  std::string_view name;  // what messages and docs call it ("wasinet_v0")
  void (*add)(HostFunctions& out);
};

std::span<const HostModule> host_modules();

// Every function of every host module, in table order. Two functions may
// share a module and name when their signatures differ (one ABI's version
// of a call beside another's): link_imports picks by signature.
HostFunctions all_host_functions();

// A module imports what wasinet does not provide. The message starts with
// "imports ...": the caller puts the module's name before it.
class ImportError : public Error {
 public:
  using Error::Error;
};

// The functions a module with `imports` is linked with: for each imported
// function, the one of `available` with the same module, name and
// signature. Only what the module imports is linked. Throws wasinet::Error
// naming the first import that is no function, or that no host module
// provides (with that signature, when the name is known).
HostFunctions link_imports(const HostFunctions& available, std::span<const engine::Import> imports);

// The functions for an embedder's linker, where no module is known yet:
// the first of each module and name (preview1's own before any other
// ABI's version of the same call).
HostFunctions first_of_each_name(const HostFunctions& available);

}  // namespace wasinet::abi
