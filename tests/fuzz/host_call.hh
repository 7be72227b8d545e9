#pragma once
// Calls a real host function (preview1 or wasinet_v0) the way the engine
// does, with raw arguments and a guest memory, and checks what every host
// function owes a hostile guest: an errno back, never a trap or an exit.
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "abi/preview1.hh"
#include "abi/wasinet_v0.hh"
#include "fuzz_check.hh"
#include "guest_buffer.hh"
#include "wasi/context.hh"

namespace wasinet::fuzz {

inline const abi::HostFunctions& all_host_functions() {
  static const abi::HostFunctions functions = [] {
    abi::HostFunctions f = abi::preview1_functions();
    abi::add_wasinet_v0(f);
    return f;
  }();
  return functions;
}

inline const engine::HostFunction& host_function(std::string_view module, std::string_view name) {
  for (const engine::HostFunction& f : all_host_functions())
    if (f.module == module && f.name == name) return f;
  FUZZ_CHECK(false, "no host function %.*s.%.*s", int(module.size()), module.data(),
             int(name.size()), name.data());
  __builtin_unreachable();
}

// The WASI errno the call returned.
inline uint16_t call_host(const engine::HostFunction& f, wasi::Context& ctx,
                          const GuestBuffer& memory, std::initializer_list<uint64_t> args) {
  FUZZ_CHECK(args.size() == f.params.size(), "%s takes %zu arguments", f.name.c_str(), f.params.size());
  const engine::HostReturn r = f.callback(&ctx, {memory.data(), memory.size()}, args.begin());
  FUZZ_CHECK(r.trap == nullptr, "%s trapped: %s", f.name.c_str(), r.trap);
  FUZZ_CHECK(!r.exit, "%s exited", f.name.c_str());
  // Any errno is a fair answer to fuzzed input; the highest is ENOTCAPABLE.
  FUZZ_CHECK(r.value <= static_cast<uint16_t>(wasi::Errno::notcapable),
             "%s returned %llu, no WASI errno", f.name.c_str(),
             static_cast<unsigned long long>(r.value));
  return static_cast<uint16_t>(r.value);
}

}  // namespace wasinet::fuzz
