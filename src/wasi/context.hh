#pragma once
// Everything one guest instance's WASI calls share: arguments, environment,
// the fd table, and the clock origin.
#include <string>
#include <vector>

#include "wasi/fd_table.hh"

namespace wasinet::wasi {

struct Context {
  std::vector<std::string> args;     // args[0] is the program name
  std::vector<std::string> environ;  // "KEY=VALUE"
  FdTable fds;
};

}  // namespace wasinet::wasi
