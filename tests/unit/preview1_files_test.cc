// The fd_* file and path_* adapters, called exactly as the engine calls
// them (raw 64-bit arguments, a view of guest memory), on a real temp dir
// preopened at fd 3: hostile pointers, rights, fd_readdir's truncation.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "abi/layout.hh"
#include "abi/preview1.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "test_options.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;
using wasi::Errno;

class Preview1FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-p1files-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    fs::create_directories(base_ / "rw" / "sub");
    fs::create_directories(base_ / "ro");
    std::ofstream(base_ / "rw" / "file") << "0123456789";
    std::ofstream(base_ / "ro" / "file") << "readonly";
    GuestOptions config = testkit::test_options("test.wasm");
    config.dirs = {{(base_ / "rw").string(), "/rw", false}, {(base_ / "ro").string(), "/ro", true}};
    testkit::setup_test_context(ctx_, config);
    memory_.assign(64 * 1024, 0);
  }
  void TearDown() override { fs::remove_all(base_); }

  Errno call(const std::string& name, std::initializer_list<uint64_t> args) {
    for (const auto& f : functions_) {
      if (f.name != name) continue;
      EXPECT_EQ(f.params.size(), args.size()) << name;
      std::vector<uint64_t> raw(args);
      engine::HostReturn r = f.callback(&ctx_, memory_, raw.data());
      return static_cast<Errno>(r.value);
    }
    ADD_FAILURE() << "no host function " << name;
    return Errno::nosys;
  }

  uint32_t put(uint32_t at, std::string_view s) {
    std::memcpy(memory_.data() + at, s.data(), s.size());
    return static_cast<uint32_t>(s.size());
  }
  template <class T>
  T get(uint32_t at) {
    T v;
    std::memcpy(&v, memory_.data() + at, sizeof v);
    return v;
  }

  // path_open on `dir` returning the new fd (or ~0u on failure, with the errno in `err`).
  uint32_t open(uint32_t dir, std::string_view path, uint32_t oflags, uint64_t base,
                uint64_t inheriting = 0, uint32_t fdflags = 0, Errno* err = nullptr) {
    const uint32_t len = put(1000, path);
    Errno e = call("path_open", {dir, 1, 1000, len, oflags, base, inheriting, fdflags, 2000});
    if (err) *err = e;
    return e == Errno::success ? get<uint32_t>(2000) : ~0u;
  }

  fs::path base_;
  wasi::Context ctx_;
  abi::HostFunctions functions_ = abi::preview1_functions();
  std::vector<uint8_t> memory_;
  static constexpr uint32_t kRw = 3, kRo = 4;
  static constexpr uint64_t kAll = ~uint64_t{0};
};

TEST_F(Preview1FilesTest, PathOpenIntersectsRightsInsteadOfFailing) {
  const uint32_t fd = open(kRw, "file", 0, kAll, kAll);
  ASSERT_NE(fd, ~0u);
  ASSERT_EQ(call("fd_fdstat_get", {fd, 3000}), Errno::success);
  auto st = get<abi::WasiFdstat>(3000);
  EXPECT_EQ(st.fs_filetype, static_cast<uint8_t>(wasi::Filetype::regular_file));
  EXPECT_EQ(st.fs_rights_base, wasi::rights::regular_file);
  EXPECT_EQ(st.fs_rights_inheriting, runtime::preopen_rights_inheriting(false));

  // Without oflags::directory, and with every right but writing.
  const uint64_t no_write = kAll & ~wasi::rights::fd_write;
  const uint32_t dir = open(kRw, "sub", 0, no_write, kAll);
  ASSERT_NE(dir, ~0u);
  ASSERT_EQ(call("fd_fdstat_get", {dir, 3000}), Errno::success);
  st = get<abi::WasiFdstat>(3000);
  EXPECT_EQ(st.fs_filetype, static_cast<uint8_t>(wasi::Filetype::directory));
  EXPECT_EQ(st.fs_rights_base, wasi::rights::directory);

  // Under a read-only preopen nothing mutating is granted, at any depth.
  const uint32_t ro = open(kRo, "file", 0, kAll, kAll);
  ASSERT_NE(ro, ~0u);
  ASSERT_EQ(call("fd_fdstat_get", {ro, 3000}), Errno::success);
  EXPECT_EQ(get<abi::WasiFdstat>(3000).fs_rights_base & wasi::rights::mutating, 0u);
  const uint32_t iov = 3100;
  put(iov, std::string("\x00\x0c\x00\x00\x01\x00\x00\x00", 8));  // {3072, 1}
  EXPECT_EQ(call("fd_write", {ro, iov, 1, 3200}), Errno::notcapable);
  Errno err;
  open(kRo, "new", wasi::oflags::creat, kAll, kAll, 0, &err);
  EXPECT_EQ(err, Errno::notcapable);  // the preopen lacks path_create_file
  EXPECT_FALSE(fs::exists(base_ / "ro" / "new"));
}

TEST_F(Preview1FilesTest, PathOpenChecksTheParent) {
  Errno err;
  open(99, "file", 0, kAll, kAll, 0, &err);
  EXPECT_EQ(err, Errno::badf);
  open(1, "file", 0, kAll, kAll, 0, &err);  // stdout is not a directory
  EXPECT_EQ(err, Errno::notdir);
  const uint32_t file = open(kRw, "file", 0, kAll, kAll);
  open(file, "x", 0, kAll, kAll, 0, &err);
  EXPECT_EQ(err, Errno::notdir);
  open(kRw, "file", 1 << 4, kAll, kAll, 0, &err);  // unknown oflag
  EXPECT_EQ(err, Errno::inval);
  open(kRw, "file", 0, kAll, kAll, 1 << 5, &err);  // unknown fdflag
  EXPECT_EQ(err, Errno::inval);
  open(kRw, "../escape", wasi::oflags::creat, kAll, kAll, 0, &err);
  EXPECT_EQ(err, Errno::notcapable);
  ASSERT_EQ(call("fd_fdstat_set_rights", {kRw, wasi::rights::directory & ~wasi::rights::path_create_file,
                                           runtime::preopen_rights_inheriting(false)}),
            Errno::success);
  open(kRw, "new", wasi::oflags::creat, kAll, kAll, 0, &err);
  EXPECT_EQ(err, Errno::notcapable);
}

TEST_F(Preview1FilesTest, HostilePointersAreEfaultAndLeakNothing) {
  const uint64_t end = memory_.size();
  EXPECT_EQ(call("path_open", {kRw, 1, end - 2, 10, 0, kAll, kAll, 0, 2000}), Errno::fault);
  EXPECT_EQ(call("path_open", {kRw, 1, 0xffffffff, 0xffffffff, 0, kAll, kAll, 0, 2000}),
            Errno::fault);
  const uint32_t len = put(1000, "file");
  EXPECT_EQ(call("path_open", {kRw, 1, 1000, len, 0, kAll, kAll, 0, end - 3}), Errno::fault);
  EXPECT_EQ(ctx_.fds.end(), 5u);  // nothing was inserted
  EXPECT_EQ(call("path_filestat_get", {kRw, 0, 1000, len, end - 10}), Errno::fault);
  EXPECT_EQ(call("fd_readdir", {kRw, end - 10, 100, 0, 2000}), Errno::fault);
  EXPECT_EQ(call("fd_readdir", {kRw, 100, 100, 0, end}), Errno::fault);
  EXPECT_EQ(call("path_readlink", {kRw, 1000, len, end - 1, 2, 2000}), Errno::fault);
  const uint32_t file = open(kRw, "file", 0, kAll, kAll);
  EXPECT_EQ(call("fd_seek", {file, 0, 0, end - 4}), Errno::fault);
  EXPECT_EQ(call("fd_tell", {file, end}), Errno::fault);
  EXPECT_EQ(call("fd_pread", {file, end - 4, 1, 0, 2000}), Errno::fault);
  put(1000, std::string("\x00\xff\x00\x00\x00\x10\x00\x00", 8));  // {65280, 4096}: past the end
  EXPECT_EQ(call("fd_pwrite", {file, 1000, 1, 0, 2000}), Errno::fault);
  EXPECT_EQ(call("fd_pread", {file, 1000, 5000, 0, 2000}), Errno::inval);  // > IOV_MAX
  EXPECT_EQ(call("fd_filestat_get", {file, end - 63}), Errno::fault);
  put(1000, "file");
  EXPECT_EQ(call("path_create_directory", {kRw, 1000, 0}), Errno::noent);
  const uint32_t nul = put(1000, std::string_view("a\0b", 3));
  EXPECT_EQ(call("path_create_directory", {kRw, 1000, nul}), Errno::inval);
  EXPECT_EQ(call("fd_seek", {kRw, 0, 3, 2000}), Errno::inval);
  EXPECT_EQ(call("fd_advise", {kRw, 0, 0, 6}), Errno::inval);
  EXPECT_EQ(call("path_filestat_set_times", {kRw, 0, 1000, 1, 0, 0, 0x10}), Errno::inval);
}

TEST_F(Preview1FilesTest, FileCallsEndToEnd) {
  const uint32_t fd = open(kRw, "file", 0, kAll, kAll);
  ASSERT_NE(fd, ~0u);
  put(3000, std::string("\x00\x10\x00\x00\x04\x00\x00\x00", 8));  // iovec {4096, 4}
  ASSERT_EQ(call("fd_pread", {fd, 3000, 1, 3, 3100}), Errno::success);
  EXPECT_EQ(get<uint32_t>(3100), 4u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory_.data() + 4096), 4), "3456");
  ASSERT_EQ(call("fd_seek", {fd, static_cast<uint64_t>(-2), 2, 3100}), Errno::success);
  EXPECT_EQ(get<uint64_t>(3100), 8u);
  ASSERT_EQ(call("fd_tell", {fd, 3100}), Errno::success);
  EXPECT_EQ(get<uint64_t>(3100), 8u);
  ASSERT_EQ(call("fd_filestat_set_size", {fd, 4}), Errno::success);
  ASSERT_EQ(call("fd_filestat_get", {fd, 3200}), Errno::success);
  auto st = get<abi::WasiFilestat>(3200);
  EXPECT_EQ(st.size, 4u);
  EXPECT_EQ(st.filetype, static_cast<uint8_t>(wasi::Filetype::regular_file));
  EXPECT_EQ(call("fd_sync", {fd}), Errno::success);
  EXPECT_EQ(call("fd_datasync", {fd}), Errno::success);
  EXPECT_EQ(call("fd_allocate", {fd, 0, 10}), Errno::success);
  EXPECT_EQ(call("fd_filestat_set_times", {fd, 0, 5'000'000'000ull, 4}), Errno::success);
  ASSERT_EQ(call("fd_filestat_get", {fd, 3200}), Errno::success);
  EXPECT_EQ(get<abi::WasiFilestat>(3200).mtim, 5'000'000'000ull);
  // Rights gate everything: drop fd_seek and pread is refused.
  ASSERT_EQ(call("fd_fdstat_set_rights", {fd, wasi::rights::fd_read | wasi::rights::fd_tell, 0}),
            Errno::success);
  EXPECT_EQ(call("fd_pread", {fd, 3000, 1, 0, 3100}), Errno::notcapable);
  EXPECT_EQ(call("fd_seek", {fd, 1, 0, 3100}), Errno::notcapable);
  EXPECT_EQ(call("fd_seek", {fd, 0, 1, 3100}), Errno::success);  // a tell needs fd_tell only
  EXPECT_EQ(call("fd_readdir", {fd, 100, 100, 0, 2000}), Errno::notdir);
}

TEST_F(Preview1FilesTest, ReaddirTruncatesLastEntryAndResumes) {
  // Only "." and ".." plus the entries below, whose names differ in length.
  fs::remove(base_ / "rw" / "file");
  fs::remove(base_ / "rw" / "sub");
  const std::vector<std::string> made = {"a", "bbbbbbbbbbbbbbbbbbbb", "cc"};
  for (const auto& n : made) std::ofstream(base_ / "rw" / n) << "";
  const uint32_t buf = 8000;
  // A buffer too small for one entry comes back completely full.
  ASSERT_EQ(call("fd_readdir", {kRw, buf, 30, 0, 2000}), Errno::success);
  EXPECT_EQ(get<uint32_t>(2000), 30u);
  // Read with a 40-byte buffer: at most one whole entry (24 + name) fits;
  // whenever bufused == buf_len the last entry may be cut, so resume from
  // the last complete one.
  std::vector<std::string> names;
  uint64_t cookie = 0;
  for (int i = 0; i < 50; ++i) {
    const uint32_t size = 40;
    ASSERT_EQ(call("fd_readdir", {kRw, buf, size, cookie, 2000}), Errno::success);
    const uint32_t used = get<uint32_t>(2000);
    uint32_t off = 0;
    bool progressed = false;
    while (off + sizeof(abi::WasiDirent) <= used) {
      auto d = get<abi::WasiDirent>(buf + off);
      if (off + sizeof d + d.d_namlen > used) break;  // truncated: re-read later
      names.emplace_back(reinterpret_cast<char*>(memory_.data() + buf + off + sizeof d), d.d_namlen);
      cookie = d.d_next;
      off += sizeof d + d.d_namlen;
      progressed = true;
    }
    if (used < size) break;
    if (!progressed) {
      // The entry is longer than the buffer: read it with a larger one.
      ASSERT_EQ(call("fd_readdir", {kRw, buf, 200, cookie, 2000}), Errno::success);
      auto d = get<abi::WasiDirent>(buf);
      names.emplace_back(reinterpret_cast<char*>(memory_.data() + buf + sizeof d), d.d_namlen);
      cookie = d.d_next;
    }
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "a", "bbbbbbbbbbbbbbbbbbbb", "cc"}));
}

TEST_F(Preview1FilesTest, PathCallsEndToEnd) {
  auto path = [&](uint32_t at, std::string_view s) { return put(at, s); };
  uint32_t l1 = path(1000, "newdir");
  ASSERT_EQ(call("path_create_directory", {kRw, 1000, l1}), Errno::success);
  uint32_t l2 = path(1100, "newdir/moved");
  ASSERT_EQ(call("path_rename", {kRw, 1200, path(1200, "file"), kRw, 1100, l2}), Errno::success);
  EXPECT_TRUE(fs::exists(base_ / "rw" / "newdir" / "moved"));
  ASSERT_EQ(call("path_symlink", {1300, path(1300, "newdir/moved"), kRw, 1400, path(1400, "l")}),
            Errno::success);
  ASSERT_EQ(call("path_readlink", {kRw, 1400, 1, 1500, 6, 2000}), Errno::success);
  EXPECT_EQ(get<uint32_t>(2000), 6u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory_.data() + 1500), 6), "newdir");
  ASSERT_EQ(call("path_filestat_get", {kRw, 1, 1400, 1, 3000}), Errno::success);
  EXPECT_EQ(get<abi::WasiFilestat>(3000).size, 10u);
  ASSERT_EQ(call("path_filestat_get", {kRw, 0, 1400, 1, 3000}), Errno::success);
  EXPECT_EQ(get<abi::WasiFilestat>(3000).filetype, static_cast<uint8_t>(wasi::Filetype::symbolic_link));
  ASSERT_EQ(call("path_link", {kRw, 1, 1400, 1, kRw, 1600, path(1600, "hard")}), Errno::success);
  ASSERT_EQ(call("path_filestat_set_times", {kRw, 0, 1600, 4, 0, 9'000'000'000ull, 4}), Errno::success);
  EXPECT_EQ(call("path_remove_directory", {kRw, 1000, l1}), Errno::notempty);
  EXPECT_EQ(call("path_unlink_file", {kRw, 1100, l2}), Errno::success);
  EXPECT_EQ(call("path_unlink_file", {kRw, 1400, 1}), Errno::success);
  EXPECT_EQ(call("path_remove_directory", {kRw, 1000, l1}), Errno::success);
  // Read-only preopen: refused before anything is touched.
  EXPECT_EQ(call("path_unlink_file", {kRo, 1700, path(1700, "file")}), Errno::notcapable);
  EXPECT_EQ(call("path_rename", {kRw, 1600, 4, kRo, 1800, path(1800, "stolen")}), Errno::notcapable);
  EXPECT_TRUE(fs::exists(base_ / "ro" / "file"));
}

TEST_F(Preview1FilesTest, RenumberReplacesAndChecksBoth) {
  const uint32_t a = open(kRw, "file", 0, kAll, kAll);
  const uint32_t b = open(kRw, "sub", wasi::oflags::directory, wasi::rights::directory, kAll);
  ASSERT_EQ(call("fd_renumber", {a, b}), Errno::success);
  EXPECT_EQ(call("fd_fdstat_get", {a, 3000}), Errno::badf);
  ASSERT_EQ(call("fd_fdstat_get", {b, 3000}), Errno::success);
  EXPECT_EQ(get<abi::WasiFdstat>(3000).fs_filetype, static_cast<uint8_t>(wasi::Filetype::regular_file));
  EXPECT_EQ(call("fd_renumber", {b, 77}), Errno::badf);
  EXPECT_EQ(call("fd_renumber", {77, b}), Errno::badf);
}

// Calls on an fd's bytes, offset or open mode answer EBADF on a directory,
// as in wasmtime, whatever its rights: a preopen, read-only or not, and one
// opened with path_open. fsync of a directory still works (RATIONALE.md).
TEST_F(Preview1FilesTest, DirectoriesAnswerEbadfForByteCalls) {
  const uint32_t sub = open(kRw, "sub", wasi::oflags::directory, wasi::rights::directory, kAll);
  ASSERT_NE(sub, ~0u);
  const uint32_t iov = 3100;
  put(iov, std::string("\x00\x0c\x00\x00\x01\x00\x00\x00", 8));  // {3072, 1}
  for (uint32_t fd : {kRw, kRo, sub}) {
    SCOPED_TRACE(fd);
    EXPECT_EQ(call("fd_read", {fd, iov, 1, 3200}), Errno::badf);
    EXPECT_EQ(call("fd_write", {fd, iov, 1, 3200}), Errno::badf);
    EXPECT_EQ(call("fd_pread", {fd, iov, 1, 0, 3200}), Errno::badf);
    EXPECT_EQ(call("fd_pwrite", {fd, iov, 1, 0, 3200}), Errno::badf);
    EXPECT_EQ(call("fd_seek", {fd, 0, 1, 3200}), Errno::badf);
    EXPECT_EQ(call("fd_seek", {fd, 4, 0, 3200}), Errno::badf);
    EXPECT_EQ(call("fd_tell", {fd, 3200}), Errno::badf);
    EXPECT_EQ(call("fd_advise", {fd, 0, 0, 0}), Errno::badf);
    EXPECT_EQ(call("fd_allocate", {fd, 0, 1}), Errno::badf);
    EXPECT_EQ(call("fd_filestat_set_size", {fd, 0}), Errno::badf);
    EXPECT_EQ(call("fd_fdstat_set_flags", {fd, 0}), Errno::badf);
    EXPECT_EQ(call("fd_filestat_get", {fd, 3000}), Errno::success);
  }
  EXPECT_EQ(call("fd_sync", {kRw}), Errno::success);
  EXPECT_EQ(call("fd_sync", {sub}), Errno::success);
}

// As wasmtime: O_DIRECTORY with the write right is EISDIR, and with creat,
// excl or trunc EINVAL; the write right without O_DIRECTORY reaches the
// kernel, which says EISDIR. Beneath a read-only preopen the write right is
// never granted, so the same open gives a read-only directory.
TEST_F(Preview1FilesTest, PathOpenOfADirectoryForWriting) {
  namespace of = wasi::oflags;
  const uint64_t write = wasi::rights::fd_write;
  Errno err;
  EXPECT_EQ(open(kRw, "sub", of::directory, write, kAll, 0, &err), ~0u);
  EXPECT_EQ(err, Errno::isdir);
  EXPECT_EQ(open(kRw, "sub", of::directory, kAll, kAll, 0, &err), ~0u);
  EXPECT_EQ(err, Errno::isdir);
  EXPECT_EQ(open(kRw, "sub", 0, write, kAll, 0, &err), ~0u);
  EXPECT_EQ(err, Errno::isdir);
  for (uint32_t bad : {of::creat, of::excl, of::trunc}) {
    EXPECT_EQ(open(kRw, "sub", of::directory | bad, wasi::rights::directory, kAll, 0, &err), ~0u);
    EXPECT_EQ(err, Errno::inval) << bad;
  }
  const uint32_t ro = open(kRo, ".", of::directory, kAll, kAll, 0, &err);
  ASSERT_NE(ro, ~0u) << static_cast<int>(err);
  ASSERT_EQ(call("fd_fdstat_get", {ro, 3000}), Errno::success);
  EXPECT_EQ(get<abi::WasiFdstat>(3000).fs_rights_base, runtime::preopen_rights_base(true));
}

// A directory opened from a preopen may do what the preopen may do,
// whatever rights the guest asked for (Go asks for read-only file rights,
// without path_filestat_set_size, then creates and truncates through the
// directory: os.Root). A read-only preopen's directories stay read-only.
TEST_F(Preview1FilesTest, OpenedDirectoriesHaveThePreopensRights) {
  namespace r = wasi::rights;
  // What Go's syscall.Open asks for with O_RDONLY|O_DIRECTORY.
  const uint64_t go_file = r::regular_file | r::directory;
  const uint64_t go_write = r::fd_datasync | r::fd_write | r::fd_allocate | r::path_filestat_set_size;
  const uint64_t go_dir_ro = go_file & ~go_write & (r::directory | r::fd_seek);
  const uint32_t sub = open(kRw, "sub", wasi::oflags::directory, go_dir_ro, go_file);
  ASSERT_NE(sub, ~0u);
  ASSERT_EQ(call("fd_fdstat_get", {sub, 3000}), Errno::success);
  auto st = get<abi::WasiFdstat>(3000);
  EXPECT_EQ(st.fs_rights_base, runtime::preopen_rights_base(false));
  EXPECT_EQ(st.fs_rights_inheriting, runtime::preopen_rights_inheriting(false));
  std::ofstream(base_ / "rw" / "sub" / "old") << "old contents";
  const uint32_t f = open(sub, "old", wasi::oflags::creat | wasi::oflags::trunc, go_file, go_file);
  ASSERT_NE(f, ~0u);
  EXPECT_EQ(fs::file_size(base_ / "rw" / "sub" / "old"), 0u);
  EXPECT_EQ(call("path_create_directory", {sub, 1000, put(1000, "made")}), Errno::success);
  EXPECT_TRUE(fs::is_directory(base_ / "rw" / "sub" / "made"));

  // Rights the guest dropped from the parent's inheriting set stay dropped.
  const uint32_t narrowed = open(kRw, "sub", wasi::oflags::directory, go_dir_ro, go_file);
  ASSERT_EQ(call("fd_fdstat_set_rights", {narrowed, r::directory, r::directory & ~r::path_create_file}),
            Errno::success);
  const uint32_t below = open(narrowed, "made", wasi::oflags::directory, go_dir_ro, go_file);
  ASSERT_NE(below, ~0u);
  Errno err;
  open(below, "new", wasi::oflags::creat, go_file, go_file, 0, &err);
  EXPECT_EQ(err, Errno::notcapable);

  const uint32_t ro = open(kRo, ".", wasi::oflags::directory, go_dir_ro, go_file);
  ASSERT_NE(ro, ~0u);
  ASSERT_EQ(call("fd_fdstat_get", {ro, 3000}), Errno::success);
  st = get<abi::WasiFdstat>(3000);
  EXPECT_EQ(st.fs_rights_base, runtime::preopen_rights_base(true));
  EXPECT_EQ(st.fs_rights_inheriting, runtime::preopen_rights_inheriting(true));
  open(ro, "new", wasi::oflags::creat, go_file, go_file, 0, &err);
  EXPECT_EQ(err, Errno::notcapable);
  EXPECT_FALSE(fs::exists(base_ / "ro" / "new"));
}

}  // namespace
}  // namespace wasinet
