// `--listen URL` (cli/listen_flag): any text parses or throws
// wasinet::Error (which the CLI reports as a usage error); nothing else may
// escape (main() catches only wasinet::Error: anything else would abort the
// CLI). What parses must print back as a URL that parses to the same spec.
#include <cstdint>
#include <string>

#include "cli/listen_flag.hh"
#include "fuzz_check.hh"
#include "wasinet/error.hh"

using namespace wasinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string value(reinterpret_cast<const char*>(data), size);
  ListenSpec spec;
  try {
    spec = cli::parse_listen_flag(value);
  } catch (const Error&) {
    return 0;
  }
  const std::string url = spec.url();
  ListenSpec again;
  try {
    again = cli::parse_listen_flag(url);
  } catch (const Error& e) {
    FUZZ_CHECK(false, "\"%s\" parsed, its url \"%s\" does not: %s", value.c_str(), url.c_str(), e.what());
  }
  FUZZ_CHECK(again.kind == spec.kind && again.ip == spec.ip && again.port == spec.port && again.path == spec.path,
             "\"%s\" → \"%s\" → \"%s\"", value.c_str(), url.c_str(), again.url().c_str());
  return 0;
}
