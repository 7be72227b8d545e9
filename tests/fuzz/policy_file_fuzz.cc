// Policy files (--net-policy FILE, TOML or JSON; net/policy/policy_file):
// any bytes load or throw wasinet::Error naming the file, nothing else; a
// loaded policy validates or throws wasinet::Error, and compiles.
// load_policy_file reads a path, so the bytes go to a file in a scratch
// directory first.
//
// Input: u8 (even: policy.toml, odd: policy.json), then the file.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "fuzz_check.hh"
#include "fuzz_input.hh"
#include "net/policy/matcher.hh"
#include "wasinet/error.hh"
#include "wasinet/policy.hh"

using namespace wasinet;
namespace fs = std::filesystem;

namespace {

struct ScratchDir {
  fs::path dir;
  ScratchDir() {
    char tmpl[] = "/tmp/wasinet-fuzz-policy-XXXXXX";
    FUZZ_CHECK(::mkdtemp(tmpl) != nullptr, "mkdtemp");
    dir = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

void write_file(const fs::path& path, std::span<const uint8_t> bytes) {
  FILE* out = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(out != nullptr, "open %s", path.c_str());
  FUZZ_CHECK(std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size(), "write %s", path.c_str());
  std::fclose(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchDir scratch;
  fuzz::FuzzInput in(data, size);
  const fs::path file = scratch.dir / (in.take<uint8_t>() % 2 ? "policy.json" : "policy.toml");
  write_file(file, in.rest());
  NetPolicy p;
  try {
    load_policy_file(file, p);
  } catch (const Error& e) {
    FUZZ_CHECK(std::string_view(e.what()).find(file.string()) != std::string_view::npos,
               "an error that does not name the file: %s", e.what());
    return 0;
  }
  try {
    validate(p);
    net::policy::Matcher matcher(p);
  } catch (const Error&) {
  }
  return 0;
}
