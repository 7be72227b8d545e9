#pragma once
// Parses `--listen URL`: tcp://IP:PORT (IPv6 in brackets) or
// unix:///ABSOLUTE/PATH.
#include <string>

#include "wasinet/config.hh"

namespace wasinet::cli {

// Throws wasinet::Error with one line naming the value and what is wrong
// (the CLI reports it as a usage error). Host names are refused: the
// operator names the exact address the host binds.
ListenSpec parse_listen_flag(const std::string& value);

}  // namespace wasinet::cli
