#include "abi/host_modules.hh"

#include <set>
#include <string>
#include <utility>

#include "abi/wasinet_v0.hh"
#include "abi/wasmedge_sockets.hh"

namespace wasinet::abi {
namespace {

void add_preview1(HostFunctions& out) {
  HostFunctions p1 = preview1_functions();
  out.insert(out.end(), p1.begin(), p1.end());
}

constexpr HostModule kHostModules[] = {
    {"wasi_snapshot_preview1", add_preview1},
    {"wasinet_v0", add_wasinet_v0},
    {"WasmEdge sockets", add_wasmedge_sockets},
};

std::string type_name(engine::ValType t) {
  switch (t) {
    case engine::ValType::i32: return "i32";
    case engine::ValType::i64: return "i64";
    case engine::ValType::other: break;
  }
  return "(a non-integer type)";
}

// "(i32, i32) -> i32"
std::string signature(const std::vector<engine::ValType>& params,
                      const std::vector<engine::ValType>& results) {
  std::string s = "(";
  for (size_t i = 0; i < params.size(); ++i) s += (i ? ", " : "") + type_name(params[i]);
  s += ") -> ";
  if (results.empty()) return s + "()";
  for (size_t i = 0; i < results.size(); ++i) s += (i ? ", " : "") + type_name(results[i]);
  return s;
}

}  // namespace

std::span<const HostModule> host_modules() { return kHostModules; }

HostFunctions all_host_functions() {
  HostFunctions out;
  for (const HostModule& m : kHostModules) m.add(out);
  return out;
}

HostFunctions link_imports(const HostFunctions& available, std::span<const engine::Import> imports) {
  HostFunctions out;
  std::set<std::pair<std::string, std::string>> linked;
  for (const engine::Import& imp : imports) {
    const std::string what = imp.module + "::" + imp.name;
    if (!imp.is_function)
      throw ImportError("imports " + what + ", which is not a function; wasinet provides only functions");
    if (!linked.emplace(imp.module, imp.name).second) continue;  // imported twice
    const engine::HostFunction* same_name = nullptr;
    const engine::HostFunction* match = nullptr;
    for (const engine::HostFunction& f : available) {
      if (f.module != imp.module || f.name != imp.name) continue;
      same_name = &f;
      if (f.params == imp.params && f.results == imp.results) {
        match = &f;
        break;
      }
    }
    if (!same_name) throw ImportError("imports function " + what + ", which wasinet does not provide");
    if (!match)
      throw ImportError("imports function " + what + " as " + signature(imp.params, imp.results) +
                  ", a signature wasinet does not provide (it has " +
                  signature(same_name->params, same_name->results) + ")");
    out.push_back(*match);
  }
  return out;
}

HostFunctions first_of_each_name(const HostFunctions& available) {
  HostFunctions out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const engine::HostFunction& f : available)
    if (seen.emplace(f.module, f.name).second) out.push_back(f);
  return out;
}

}  // namespace wasinet::abi
