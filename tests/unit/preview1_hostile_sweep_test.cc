// A hostile guest, simulated: every preview1 function is called many times
// with arguments drawn from values that break naive hosts (pointers at and
// past the end of memory, lengths near 2^32, huge fds, every flag bit) over
// a guest memory fenced by guard bytes. Each call must return a WASI errno,
// must not crash, and must not write a byte outside the guest's memory.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "abi/preview1.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasi/stdio.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMemory = 64 * 1024;
constexpr size_t kGuard = 4096;
constexpr uint8_t kGuardByte = 0xA5;
constexpr int kCallsPerFunction = 3000;

// Functions whose point is to block or stop the guest: they get their own
// tests (poll_test.cc, preview1_engine_test.cc). A random poll_oneoff clock
// could sleep for centuries.
const std::set<std::string> kSkipped = {"proc_exit", "poll_oneoff"};

class HostileSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-sweep-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "tree" / "sub");
    RunConfig config;
    config.module = "sweep.wasm";
    config.args = {"a", "b"};
    config.environ = {"K=V"};
    config.dirs = {{(root_ / "tree").string(), "/tree", false}};
    runtime::setup_context(ctx_, config);
    // Stdio on /dev/null: random writes must not reach the test's output,
    // and reads of stdin must not wait for a terminal.
    for (wasi::Fd fd = 0; fd < 3; ++fd) {
      auto entry = ctx_.fds.get(fd);
      ASSERT_TRUE(entry.ok());
      (*entry)->object = std::make_shared<wasi::Stdio>(os::UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC)));
    }
    buffer_.assign(kGuard + kMemory + kGuard, kGuardByte);
  }
  void TearDown() override { fs::remove_all(root_); }

  uint64_t hostile_value(std::mt19937_64& rng, bool is_i64) {
    static constexpr uint64_t kInteresting[] = {
        0, 1, 2, 3, 4, 5, 7, 8, 16, 24, 32, 48, 64, 1024, 1025,
        kMemory - 1, kMemory, kMemory + 1, kMemory - 4, kMemory - 8, kMemory - 24,
        0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffe, 0xffffffff};
    switch (rng() % 4) {
      case 0: return kInteresting[rng() % std::size(kInteresting)];
      case 1: return rng() % kMemory;     // a plausible pointer
      case 2: return rng() % 8;           // a plausible fd, flag or small length
      default: return is_i64 ? rng() : rng() & 0xffffffffu;
    }
  }

  fs::path root_;
  wasi::Context ctx_;
  std::vector<uint8_t> buffer_;
};

TEST_F(HostileSweepTest, EveryFunctionSurvivesHostileArguments) {
  std::mt19937_64 rng(20261125);
  const abi::HostFunctions functions = abi::preview1_functions();
  int exercised = 0;
  for (const engine::HostFunction& f : functions) {
    if (kSkipped.count(f.name)) continue;
    ++exercised;
    for (int i = 0; i < kCallsPerFunction; ++i) {
      // Guest memory full of random bytes (iovecs, structs and strings the
      // host decodes are garbage too), refreshed now and then.
      if (i % 64 == 0) {
        for (size_t b = 0; b < kMemory; b += 8) {
          const uint64_t r = rng();
          std::memcpy(buffer_.data() + kGuard + b, &r, 8);
        }
      }
      uint64_t args[16] = {};
      for (size_t p = 0; p < f.params.size(); ++p)
        args[p] = hostile_value(rng, f.params[p] == engine::ValType::i64);
      abi::GuestMemory memory(buffer_.data() + kGuard, kMemory);
      const engine::HostReturn r = f.callback(&ctx_, memory, args);
      ASSERT_EQ(r.trap, nullptr) << f.name << " trapped: " << r.trap;
      ASSERT_FALSE(r.exit) << f.name;
      ASSERT_LE(r.value, 76u) << f.name << " returned a value that is no WASI errno";
      for (size_t g = 0; g < kGuard; ++g) {
        ASSERT_EQ(buffer_[g], kGuardByte) << f.name << " wrote before guest memory";
        ASSERT_EQ(buffer_[kGuard + kMemory + g], kGuardByte) << f.name << " wrote past guest memory";
      }
    }
  }
  EXPECT_GE(exercised, 40) << "the sweep should reach nearly every preview1 function";
}

// What the sweep may create stays inside the preopened tree.
TEST_F(HostileSweepTest, NothingAppearsOutsideThePreopen) {
  std::mt19937_64 rng(7);
  int succeeded = 0;
  const abi::HostFunctions functions = abi::preview1_functions();
  for (const engine::HostFunction& f : functions) {
    if (f.name.rfind("path_", 0) != 0) continue;
    for (int i = 0; i < kCallsPerFunction; ++i) {
      // Paths made of the characters that matter for escapes.
      static constexpr char kChars[] = "./.a/..b/";
      for (size_t b = 0; b < 256; ++b)  // every pointer below is < 64, every length < 64
        buffer_[kGuard + b] = static_cast<uint8_t>(kChars[rng() % (sizeof kChars - 1)]);
      uint64_t args[16] = {};
      for (size_t p = 0; p < f.params.size(); ++p)
        args[p] = p == 0 ? 3 : (p == 1 ? rng() % 4 : rng() % 64);  // fd 3, small flags, short paths
      abi::GuestMemory memory(buffer_.data() + kGuard, kMemory);
      const engine::HostReturn r = f.callback(&ctx_, memory, args);
      ASSERT_LE(r.value, 76u) << f.name;
      succeeded += r.value == 0;
    }
  }
  // The sweep must reach real operations, not only argument errors.
  EXPECT_GT(succeeded, 100);
  for (const auto& entry : fs::directory_iterator(root_))
    EXPECT_EQ(entry.path().filename(), "tree") << "created outside the preopen: " << entry.path();
}

}  // namespace
}  // namespace wasinet
