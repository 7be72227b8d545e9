// HostFile over real temp files and FIFOs.
#include "wasi/host_file.hh"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace wasinet::wasi {
namespace {

namespace fs = std::filesystem;

class HostFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-hostfile-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
  }
  void TearDown() override { fs::remove_all(base_); }

  HostFile open_file(const char* name, int flags, bool read_only = false) {
    int fd = ::open((base_ / name).c_str(), flags | O_CLOEXEC, 0644);
    EXPECT_GE(fd, 0);
    return HostFile(os::UniqueFd(fd), Filetype::regular_file, read_only);
  }

  Result<size_t> write_str(HostFile& f, std::string s) {
    std::span<uint8_t> buf(reinterpret_cast<uint8_t*>(s.data()), s.size());
    return f.write(IoVecs(&buf, 1), false);
  }
  std::string read_str(HostFile& f, size_t n) {
    std::string s(n, '\0');
    std::span<uint8_t> buf(reinterpret_cast<uint8_t*>(s.data()), s.size());
    auto r = f.read(IoVecs(&buf, 1), true);  // non-blocking: a regular file never says EAGAIN
    EXPECT_TRUE(r.ok());
    s.resize(r.ok() ? *r : 0);
    return s;
  }

  fs::path base_;
};

TEST_F(HostFileTest, ReadWriteSeekTell) {
  HostFile f = open_file("a", O_RDWR | O_CREAT);
  EXPECT_TRUE(f.always_ready());
  EXPECT_GE(f.host_fd(), 0);
  ASSERT_EQ(*write_str(f, "hello world"), 11u);
  EXPECT_EQ(*f.seek(0, Whence::cur), 11u);
  EXPECT_EQ(*f.seek(-5, Whence::end), 6u);
  EXPECT_EQ(read_str(f, 100), "world");
  EXPECT_EQ(*f.seek(0, Whence::set), 0u);
  EXPECT_EQ(read_str(f, 5), "hello");
  EXPECT_EQ(f.seek(-100, Whence::cur).error(), Errno::inval);
  EXPECT_EQ(f.seek(0, static_cast<Whence>(7)).error(), Errno::inval);
}

TEST_F(HostFileTest, PreadPwriteLeaveOffsetAlone) {
  HostFile f = open_file("a", O_RDWR | O_CREAT);
  ASSERT_TRUE(write_str(f, "0123456789").ok());
  ASSERT_TRUE(f.seek(2, Whence::set).ok());
  std::string patch = "AB";
  std::span<uint8_t> in(reinterpret_cast<uint8_t*>(patch.data()), 2);
  EXPECT_EQ(*f.pwrite(IoVecs(&in, 1), 5), 2u);
  std::string out(4, '\0');
  std::span<uint8_t> o(reinterpret_cast<uint8_t*>(out.data()), 4);
  EXPECT_EQ(*f.pread(IoVecs(&o, 1), 4), 4u);
  EXPECT_EQ(out, "4AB7");
  EXPECT_EQ(*f.seek(0, Whence::cur), 2u);
  EXPECT_EQ(f.pread(IoVecs(&o, 1), uint64_t{1} << 63).error(), Errno::inval);
}

TEST_F(HostFileTest, SizeAllocateAdviseStatTimes) {
  HostFile f = open_file("a", O_RDWR | O_CREAT);
  EXPECT_EQ(f.set_size(100), Errno::success);
  EXPECT_EQ(f.filestat()->size, 100u);
  EXPECT_EQ(f.filestat()->filetype, Filetype::regular_file);
  EXPECT_EQ(f.allocate(0, 200), Errno::success);
  EXPECT_EQ(f.filestat()->size, 200u);
  EXPECT_EQ(f.allocate(0, 0), Errno::inval);
  EXPECT_EQ(f.allocate(INT64_MAX, 1), Errno::fbig);
  EXPECT_EQ(f.advise(0, 10, Advice::sequential), Errno::success);
  EXPECT_EQ(f.advise(0, 10, static_cast<Advice>(9)), Errno::inval);
  EXPECT_EQ(f.set_size(uint64_t{1} << 63), Errno::inval);
  TimesUpdate t{1'000'000'000ull * 1000, 1'000'000'000ull * 2000 + 5, fstflags::atim | fstflags::mtim};
  EXPECT_EQ(f.set_times(t), Errno::success);
  EXPECT_EQ(f.filestat()->atim, 1'000'000'000ull * 1000);
  EXPECT_EQ(f.filestat()->mtim, 1'000'000'000ull * 2000 + 5);
  EXPECT_EQ(f.set_times({0, 0, fstflags::atim | fstflags::atim_now}), Errno::inval);
  EXPECT_EQ(f.sync(), Errno::success);
  EXPECT_EQ(f.datasync(), Errno::success);
}

TEST_F(HostFileTest, AppendFlagChangesAtRuntime) {
  HostFile f = open_file("a", O_RDWR | O_CREAT);
  ASSERT_TRUE(write_str(f, "abc").ok());
  ASSERT_TRUE(f.seek(0, Whence::set).ok());
  ASSERT_EQ(f.set_host_flags(fdflags::append), Errno::success);
  ASSERT_TRUE(write_str(f, "def").ok());
  EXPECT_EQ(f.filestat()->size, 6u);
  ASSERT_EQ(f.set_host_flags(fdflags::sync), Errno::success);  // append off, sync emulated
  EXPECT_EQ(::fcntl(f.host_fd(), F_GETFL) & O_APPEND, 0);
  ASSERT_TRUE(f.seek(0, Whence::set).ok());
  ASSERT_TRUE(write_str(f, "X").ok());
  ASSERT_TRUE(f.seek(0, Whence::set).ok());
  EXPECT_EQ(read_str(f, 10), "Xbcdef");
}

TEST_F(HostFileTest, ReadOnlyDescriptorRefusesWrites) {
  { HostFile w = open_file("a", O_RDWR | O_CREAT); ASSERT_TRUE(write_str(w, "x").ok()); }
  HostFile f = open_file("a", O_RDONLY);
  EXPECT_EQ(write_str(f, "y").error(), Errno::badf);
  EXPECT_EQ(f.allocate(0, 10), Errno::badf);
}

TEST_F(HostFileTest, ReadOnlyTreeRefusesMetadataChanges) {
  { HostFile w = open_file("a", O_RDWR | O_CREAT); }
  HostFile f = open_file("a", O_RDONLY, /*read_only=*/true);
  EXPECT_EQ(f.set_times({0, 0, fstflags::mtim_now}), Errno::rofs);
  EXPECT_EQ(f.set_size(0), Errno::rofs);
  EXPECT_EQ(f.allocate(0, 1), Errno::rofs);
  EXPECT_TRUE(f.read_only());
}

TEST_F(HostFileTest, FifoIsNotAlwaysReadyAndHonoursNonblocking) {
  const fs::path fifo = base_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int rfd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(rfd, 0);
  int wfd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(wfd, 0);
  ::fcntl(rfd, F_SETFL, 0);
  HostFile r(os::UniqueFd(rfd), Filetype::unknown, false);
  HostFile w(os::UniqueFd(wfd), Filetype::unknown, false);
  EXPECT_FALSE(r.always_ready());
  uint8_t byte = 0;
  std::span<uint8_t> b(&byte, 1);
  EXPECT_EQ(r.read(IoVecs(&b, 1), true).error(), Errno::again);
  EXPECT_EQ(r.seek(0, Whence::cur).error(), Errno::spipe);
  EXPECT_EQ(r.pread(IoVecs(&b, 1), 0).error(), Errno::spipe);
  byte = 'z';
  EXPECT_EQ(*w.write(IoVecs(&b, 1), true), 1u);
  byte = 0;
  EXPECT_EQ(*r.read(IoVecs(&b, 1), true), 1u);
  EXPECT_EQ(byte, 'z');
}

}  // namespace
}  // namespace wasinet::wasi
