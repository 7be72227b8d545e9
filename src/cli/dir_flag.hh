#pragma once
// Parses `--dir HOST[::GUEST][:ro|:rw]`.
#include <string>
#include <vector>

#include "wasinet/config.hh"

namespace wasinet::cli {

// One --dir value. GUEST defaults to HOST when HOST is absolute; a relative
// HOST without ::GUEST is seen at "/" plus the cleaned path ("." → "/",
// "data" and "./data" → "/data", "a/../b" → "/b"), since the guest has no
// host working directory to be relative to. `:ro` makes it read-only; `:rw`
// is the default, written out. Throws wasinet::Error (one line naming the
// value) on an empty host or guest, an unknown suffix (":RO", ":xyz"), or a
// relative HOST above the working directory ("..", "../x") without ::GUEST.
DirMapping parse_dir_flag(const std::string& value);

// Whether `value` names a relative HOST without ::GUEST (seen from "/").
bool dir_flag_seen_from_root(const std::string& value);

// Every --dir in order, and the guest's working directory they imply:
// "/" when the first is a relative HOST without ::GUEST (the host's working
// directory is the guest's "/"), otherwise empty (Go then takes the first
// preopen; wasi-libc's is "/" anyway). Throws as parse_dir_flag.
struct DirFlags {
  std::vector<DirMapping> dirs;
  std::string working_dir;
};
DirFlags parse_dir_flags(const std::vector<std::string>& values);

}  // namespace wasinet::cli
