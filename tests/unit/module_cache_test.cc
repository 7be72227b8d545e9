// ModuleCache: keys, store/find/evict, and failures reported, not thrown.
#include "runtime/module_cache.hh"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace wasinet::runtime {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class ModuleCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "wasinet-cache-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(root_, ec);
  }
  static std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
  static std::vector<uint8_t> read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  fs::path root_;
};

TEST_F(ModuleCacheTest, KeyIsStableHexSha256) {
  const auto wasm = bytes("\0asm\1\0\0\0");
  const std::string k = ModuleCache::key("engine-1", wasm);
  EXPECT_EQ(k, ModuleCache::key("engine-1", wasm));
  ASSERT_EQ(k.size(), 64u);
  EXPECT_EQ(k.find_first_not_of("0123456789abcdef"), std::string::npos) << k;
}

TEST_F(ModuleCacheTest, KeyChangesWithFingerprint) {
  const auto wasm = bytes("module bytes");
  EXPECT_NE(ModuleCache::key("engine-1", wasm), ModuleCache::key("engine-2", wasm));
}

TEST_F(ModuleCacheTest, KeyChangesWithBytes) {
  EXPECT_NE(ModuleCache::key("engine", bytes("module a")), ModuleCache::key("engine", bytes("module b")));
  EXPECT_NE(ModuleCache::key("engine", bytes("abc")), ModuleCache::key("engine", bytes("abcd")));
}

// The fingerprint and the bytes are separated: moving a byte from one to
// the other must not give the same key.
TEST_F(ModuleCacheTest, KeyDoesNotConfuseFingerprintAndBytes) {
  EXPECT_NE(ModuleCache::key("engineX", bytes("Y")), ModuleCache::key("engine", bytes("XY")));
}

TEST_F(ModuleCacheTest, FindOnEmptyOrMissingDirectory) {
  ModuleCache cache(root_ / "does-not-exist-yet");
  EXPECT_FALSE(cache.find(ModuleCache::key("e", bytes("m"))).has_value());
}

TEST_F(ModuleCacheTest, StoreThenFindReturnsTheSameBytes) {
  ModuleCache cache(root_ / "nested" / "cache");  // created on demand
  const std::string key = ModuleCache::key("e", bytes("m"));
  const auto compiled = bytes("\x7f" "ELF compiled code");
  std::string error;
  ASSERT_TRUE(cache.store(key, compiled, &error)) << error;
  auto found = cache.find(key);
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(fs::is_regular_file(*found));
  EXPECT_EQ(found->parent_path(), root_ / "nested" / "cache");
  EXPECT_EQ(read(*found), compiled);
  // Another key is still absent.
  EXPECT_FALSE(cache.find(ModuleCache::key("e", bytes("other"))).has_value());
}

TEST_F(ModuleCacheTest, StoreLeavesNoTemporaryFiles) {
  ModuleCache cache(root_);
  std::string error;
  ASSERT_TRUE(cache.store("k1", bytes("one"), &error)) << error;
  ASSERT_TRUE(cache.store("k2", bytes("two"), &error)) << error;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(root_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].rfind("k1", 0), 0u) << names[0];
  EXPECT_EQ(names[1].rfind("k2", 0), 0u) << names[1];
}

TEST_F(ModuleCacheTest, StoreReplacesAnEntry) {
  ModuleCache cache(root_);
  std::string error;
  ASSERT_TRUE(cache.store("k", bytes("first version"), &error)) << error;
  ASSERT_TRUE(cache.store("k", bytes("second"), &error)) << error;
  ASSERT_TRUE(cache.find("k").has_value());
  EXPECT_EQ(read(*cache.find("k")), bytes("second"));
}

TEST_F(ModuleCacheTest, StoreEmptyEntry) {
  ModuleCache cache(root_);
  std::string error;
  ASSERT_TRUE(cache.store("empty", {}, &error)) << error;
  ASSERT_TRUE(cache.find("empty").has_value());
  EXPECT_TRUE(read(*cache.find("empty")).empty());
}

TEST_F(ModuleCacheTest, EvictRemovesTheEntryOnly) {
  ModuleCache cache(root_);
  std::string error;
  ASSERT_TRUE(cache.store("a", bytes("A"), &error)) << error;
  ASSERT_TRUE(cache.store("b", bytes("B"), &error)) << error;
  cache.evict("a");
  EXPECT_FALSE(cache.find("a").has_value());
  ASSERT_TRUE(cache.find("b").has_value());
  EXPECT_EQ(read(*cache.find("b")), bytes("B"));
  cache.evict("a");        // again: nothing to do, no throw
  cache.evict("missing");  // never stored
}

// A cache directory that cannot be created (a regular file stands in the
// way; that fails for root too, unlike permission bits) is reported through
// `error`, never thrown.
TEST_F(ModuleCacheTest, StoreUnderAFileReportsAnError) {
  const fs::path file = root_ / "a-file";
  std::ofstream(file) << "not a directory";
  ModuleCache cache(file / "cache");
  std::string error;
  bool stored = true;
  EXPECT_NO_THROW(stored = cache.store("k", bytes("code"), &error));
  EXPECT_FALSE(stored);
  EXPECT_NE(error.find("cannot create cache directory " + (file / "cache").string()),
            std::string::npos)
      << error;
  EXPECT_FALSE(cache.find("k").has_value());
}

// An existing directory where no file can be created, even by root: /proc.
TEST_F(ModuleCacheTest, StoreIntoDirectoryRefusingFilesReportsAnError) {
  if (!fs::is_directory("/proc/self")) GTEST_SKIP() << "no /proc";
  ModuleCache cache("/proc");
  std::string error;
  bool stored = true;
  EXPECT_NO_THROW(stored = cache.store("wasinet-test-key", bytes("code"), &error));
  EXPECT_FALSE(stored);
  EXPECT_NE(error.find("/proc"), std::string::npos) << error;
  EXPECT_FALSE(cache.find("wasinet-test-key").has_value());
}

// Guests starting the same module at once store the same key at once: a
// reader sees no entry or a whole one, never a half-written file, and no
// temporary file is left behind.
TEST_F(ModuleCacheTest, ConcurrentStoresOfOneKeyLeaveOnlyWholeEntries) {
  ModuleCache cache(root_);
  const std::vector<uint8_t> a(64 * 1024, 'a'), b(96 * 1024, 'b');
  std::atomic<bool> failed{false};
  const auto writer = [&](const std::vector<uint8_t>& content) {
    for (int i = 0; i < 40; ++i) {
      std::string error;
      if (!cache.store("k", content, &error)) failed = true;
    }
  };
  std::thread wa(writer, std::cref(a)), wb(writer, std::cref(b));
  for (int i = 0; i < 200; ++i) {
    if (auto found = cache.find("k")) {
      const std::vector<uint8_t> got = read(*found);
      EXPECT_TRUE(got == a || got == b) << "a partial entry of " << got.size() << " bytes";
    }
  }
  wa.join();
  wb.join();
  EXPECT_FALSE(failed);
  ASSERT_TRUE(cache.find("k").has_value());
  const std::vector<uint8_t> last = read(*cache.find("k"));
  EXPECT_TRUE(last == a || last == b);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root_)) ++files;
  EXPECT_EQ(files, 1u) << "temporary files left behind";
}

TEST(ModuleCacheDefaultDir, FollowsEnvironment) {
  const char* saved_wasinet = std::getenv("WASINET_CACHE_DIR");
  const char* saved_xdg = std::getenv("XDG_CACHE_HOME");
  const std::string keep_wasinet = saved_wasinet ? saved_wasinet : "";
  const std::string keep_xdg = saved_xdg ? saved_xdg : "";

  ::setenv("WASINET_CACHE_DIR", "/tmp/wasinet-explicit", 1);
  ::setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(ModuleCache::default_dir(), fs::path("/tmp/wasinet-explicit"));
  ::unsetenv("WASINET_CACHE_DIR");
  EXPECT_EQ(ModuleCache::default_dir(), fs::path("/tmp/xdg/wasinet/modules"));
  ::setenv("WASINET_CACHE_DIR", "", 1);  // empty counts as unset
  EXPECT_EQ(ModuleCache::default_dir(), fs::path("/tmp/xdg/wasinet/modules"));

  if (saved_wasinet) ::setenv("WASINET_CACHE_DIR", keep_wasinet.c_str(), 1);
  else ::unsetenv("WASINET_CACHE_DIR");
  if (saved_xdg) ::setenv("XDG_CACHE_HOME", keep_xdg.c_str(), 1);
  else ::unsetenv("XDG_CACHE_HOME");
}

}  // namespace
}  // namespace wasinet::runtime
