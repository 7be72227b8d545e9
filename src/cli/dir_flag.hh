#pragma once
// Parses `--dir HOST[::GUEST][:ro]`.
#include <string>

#include "wasinet/config.hh"

namespace wasinet::cli {

// Throws wasinet::Error on an empty host or guest path.
DirMapping parse_dir_flag(const std::string& value);

}  // namespace wasinet::cli
