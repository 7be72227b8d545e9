#include "cli/dir_flag.hh"

#include "wasinet/error.hh"

namespace wasinet::cli {

DirMapping parse_dir_flag(const std::string& value) {
  DirMapping d;
  std::string v = value;
  if (v.size() > 3 && v.compare(v.size() - 3, 3, ":ro") == 0) {
    d.read_only = true;
    v.resize(v.size() - 3);
  }
  if (auto sep = v.find("::"); sep != std::string::npos) {
    d.host = v.substr(0, sep);
    d.guest = v.substr(sep + 2);
  } else {
    d.host = d.guest = v;
  }
  if (d.host.empty() || d.guest.empty())
    throw Error("--dir " + value + ": expected HOST, HOST::GUEST or HOST::GUEST:ro");
  return d;
}

}  // namespace wasinet::cli
