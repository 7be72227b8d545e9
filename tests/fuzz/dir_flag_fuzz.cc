// `--dir HOST[::GUEST][:ro|:rw]` (cli/dir_flag): any text parses or throws
// wasinet::Error, nothing else; what parses has a host and a guest path,
// a guest without ':' after "::", and a cleaned absolute guest for a
// relative HOST alone.
#include <cstdint>
#include <string>

#include "cli/dir_flag.hh"
#include "fuzz_check.hh"
#include "wasinet/error.hh"

using namespace wasinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string value(reinterpret_cast<const char*>(data), size);
  DirMapping dir;
  try {
    dir = cli::parse_dir_flag(value);
  } catch (const Error&) {
    return 0;
  }
  FUZZ_CHECK(!dir.host.empty() && !dir.guest.empty(), "\"%s\" gave host \"%s\" guest \"%s\"", value.c_str(),
             dir.host.c_str(), dir.guest.c_str());
  if (value.find("::") != std::string::npos) {
    // A guest path holds no ':': what followed one was a suffix.
    FUZZ_CHECK(dir.guest.find(':') == std::string::npos, "\"%s\" gave guest \"%s\"", value.c_str(),
               dir.guest.c_str());
  } else if (dir.host.front() != '/') {
    // A relative HOST is seen from "/", cleaned: no ".", "..", or empty name.
    const std::string g = dir.guest + "/";
    FUZZ_CHECK(g.front() == '/' && g.find("/./") == std::string::npos && g.find("/../") == std::string::npos &&
                   (dir.guest == "/" || g.find("//") == std::string::npos),
               "\"%s\" gave guest \"%s\"", value.c_str(), dir.guest.c_str());
  }
  return 0;
}
