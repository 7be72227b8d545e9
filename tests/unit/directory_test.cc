// Directory: path operations beneath a real temp dir, escapes, read-only
// trees, and readdir cookies.
#include "wasi/directory.hh"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "wasi/host_file.hh"

namespace wasinet::wasi {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-dir-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ / "root";
    fs::create_directories(root_ / "sub");
    std::ofstream(base_ / "outside") << "secret";
    std::ofstream(root_ / "file") << "inside";
    fs::create_symlink("/", root_ / "abs_root");
    fs::create_symlink("../outside", root_ / "rel_escape");
    fs::create_symlink("sub", root_ / "sub_link");
    fs::create_symlink("file", root_ / "file_link");
    rw_ = Directory::open_host(root_, false);
    ro_ = Directory::open_host(root_, true);
  }
  void TearDown() override { fs::remove_all(base_); }

  static OpenRequest req(uint16_t oflags = 0, bool read = true, bool write = false,
                         uint16_t fdflags = 0, uint32_t lookup = lookupflags::symlink_follow) {
    OpenRequest r;
    r.lookupflags = lookup;
    r.oflags = oflags;
    r.fdflags = fdflags;
    r.read = read;
    r.write = write;
    return r;
  }

  std::vector<std::string> names(Directory& d) {
    std::vector<std::string> out;
    EXPECT_EQ(d.readdir(0, [&](const DirEntry& e) {
      out.emplace_back(e.name);
      return true;
    }), Errno::success);
    return out;
  }

  fs::path base_, root_;
  std::shared_ptr<Directory> rw_, ro_;
};

TEST_F(DirectoryTest, CreateWriteReadBack) {
  auto f = rw_->open("sub/new.txt", req(oflags::creat | oflags::excl, true, true));
  ASSERT_TRUE(f.ok());
  ASSERT_EQ((*f)->filetype(), Filetype::regular_file);
  std::string data = "payload";
  std::span<uint8_t> b(reinterpret_cast<uint8_t*>(data.data()), data.size());
  EXPECT_EQ(*(*f)->write(IoVecs(&b, 1), false), data.size());
  EXPECT_EQ(slurp(root_ / "sub" / "new.txt"), "payload");
  EXPECT_EQ(rw_->open("sub/new.txt", req(oflags::creat | oflags::excl)).error(), Errno::exist);
  auto t = rw_->open("sub/new.txt", req(oflags::trunc, false, true));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(fs::file_size(root_ / "sub" / "new.txt"), 0u);
}

TEST_F(DirectoryTest, OpenFlagsAndKinds) {
  auto d = rw_->open("sub", req(oflags::directory));
  ASSERT_TRUE(d.ok());
  EXPECT_NE(dynamic_cast<Directory*>(d->get()), nullptr);
  // A directory opened without oflags::directory is still a Directory.
  auto d2 = rw_->open("sub", req());
  ASSERT_TRUE(d2.ok());
  EXPECT_NE(dynamic_cast<Directory*>(d2->get()), nullptr);
  EXPECT_EQ(rw_->open("file", req(oflags::directory)).error(), Errno::notdir);
  EXPECT_EQ(rw_->open("file/", req()).error(), Errno::notdir);
  EXPECT_EQ(rw_->open("x", req(oflags::creat | oflags::directory)).error(), Errno::inval);
  // Write rights on a directory are EISDIR, as POSIX open(dir, O_RDWR) and
  // wasmtime (Go retries with directory rights).
  EXPECT_EQ(rw_->open("sub", req(0, true, true)).error(), Errno::isdir);
  EXPECT_EQ(rw_->open("sub", req(oflags::trunc, true, true)).error(), Errno::isdir);
  EXPECT_EQ(rw_->open("sub", req(0, true, true, fdflags::append)).error(), Errno::isdir);
  EXPECT_EQ(rw_->open("file_link", req(0, true, false, 0, 0)).error(), Errno::loop);
  EXPECT_TRUE(rw_->open("file_link", req()).ok());
  EXPECT_EQ(rw_->open("missing", req()).error(), Errno::noent);
  EXPECT_EQ(rw_->open("", req()).error(), Errno::noent);
  // Host fd is blocking even though FIFOs are opened O_NONBLOCK.
  auto f = rw_->open("file", req());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(::fcntl((*f)->host_fd(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(DirectoryTest, FifoOpenDoesNotHang) {
  ASSERT_EQ(::mkfifo((root_ / "fifo").c_str(), 0600), 0);
  auto f = rw_->open("fifo", req());
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE((*f)->always_ready());
  uint8_t b;
  std::span<uint8_t> s(&b, 1);
  EXPECT_EQ(*(*f)->read(IoVecs(&s, 1), false), 0u);  // no writer: EOF, not a hang
}

TEST_F(DirectoryTest, EscapesAreNotCapable) {
  EXPECT_EQ(rw_->open("../outside", req()).error(), Errno::notcapable);
  EXPECT_EQ(rw_->open("sub/../../outside", req()).error(), Errno::notcapable);
  EXPECT_EQ(rw_->open("abs_root/etc/passwd", req()).error(), Errno::notcapable);
  EXPECT_EQ(rw_->open("rel_escape", req()).error(), Errno::notcapable);
  EXPECT_EQ(rw_->open("rel_escape", req(oflags::trunc, false, true)).error(), Errno::notcapable);
  EXPECT_EQ(rw_->path_filestat(lookupflags::symlink_follow, "rel_escape").error(),
            Errno::notcapable);
  EXPECT_EQ(rw_->path_filestat(0, "..").error(), Errno::notcapable);
  EXPECT_EQ(rw_->path_filestat(0, "abs_root/").error(), Errno::notcapable);
  EXPECT_EQ(rw_->create_directory("../newdir"), Errno::notcapable);
  EXPECT_EQ(rw_->unlink_file("../outside"), Errno::notcapable);
  EXPECT_EQ(rw_->rename("file", *rw_, "../moved"), Errno::notcapable);
  EXPECT_EQ(rw_->rename("../outside", *rw_, "stolen"), Errno::notcapable);
  EXPECT_EQ(rw_->link(lookupflags::symlink_follow, "rel_escape", *rw_, "hard"), Errno::notcapable);
  EXPECT_EQ(rw_->link(0, "../outside", *rw_, "hard"), Errno::notcapable);
  EXPECT_EQ(rw_->link(0, "abs_root/", *rw_, "hard"), Errno::notcapable);
  EXPECT_EQ(rw_->symlink("/etc/passwd", "abs"), Errno::notcapable);
  EXPECT_EQ(rw_->symlink("x", "../link"), Errno::notcapable);
  EXPECT_EQ(rw_->path_set_times(lookupflags::symlink_follow, "rel_escape", {0, 0, fstflags::mtim_now}),
            Errno::notcapable);
  EXPECT_EQ(rw_->path_set_times(0, "rel_escape/", {0, 0, fstflags::mtim_now}), Errno::notcapable);
  uint8_t buf[64];
  EXPECT_EQ(rw_->readlink("../x", buf).error(), Errno::notcapable);
  EXPECT_TRUE(fs::exists(base_ / "outside"));
  EXPECT_EQ(slurp(base_ / "outside"), "secret");
  EXPECT_FALSE(fs::exists(base_ / "moved"));
}

TEST_F(DirectoryTest, DotDotAsLastComponentTouchesNothingOutside) {
  EXPECT_NE(rw_->unlink_file("sub/.."), Errno::success);
  EXPECT_NE(rw_->remove_directory("sub/.."), Errno::success);
  EXPECT_NE(rw_->create_directory("sub/.."), Errno::success);
  EXPECT_NE(rw_->rename("sub/..", *rw_, "x"), Errno::success);
  EXPECT_NE(rw_->link(0, "sub/..", *rw_, "x"), Errno::success);
  EXPECT_EQ(rw_->path_filestat(0, "sub/..")->ino, rw_->filestat()->ino);
  EXPECT_TRUE(fs::is_directory(root_));
}

TEST_F(DirectoryTest, PathOperations) {
  EXPECT_EQ(rw_->create_directory("d"), Errno::success);
  EXPECT_EQ(rw_->create_directory("d"), Errno::exist);
  EXPECT_EQ(rw_->create_directory("e/"), Errno::success);
  EXPECT_TRUE(fs::is_directory(root_ / "e"));
  EXPECT_EQ(rw_->rename("file", *rw_, "d/renamed"), Errno::success);
  EXPECT_EQ(slurp(root_ / "d" / "renamed"), "inside");
  EXPECT_EQ(rw_->remove_directory("d"), Errno::notempty);
  EXPECT_EQ(rw_->unlink_file("d"), Errno::isdir);
  EXPECT_EQ(rw_->remove_directory("d/renamed"), Errno::notdir);
  EXPECT_EQ(rw_->unlink_file("d/renamed/"), Errno::notdir);
  EXPECT_EQ(rw_->link(0, "d/renamed", *rw_, "hard"), Errno::success);
  EXPECT_EQ(rw_->path_filestat(0, "hard")->nlink, 2u);
  EXPECT_EQ(rw_->unlink_file("d/renamed"), Errno::success);
  EXPECT_EQ(rw_->remove_directory("d"), Errno::success);
  EXPECT_EQ(rw_->remove_directory("e/"), Errno::success);
  EXPECT_EQ(rw_->link(0, "sub", *rw_, "subhard"), Errno::perm);
}

TEST_F(DirectoryTest, LinkFollowingSymlink) {
  EXPECT_EQ(rw_->link(lookupflags::symlink_follow, "file_link", *rw_, "hard"), Errno::success);
  auto st = rw_->path_filestat(0, "hard");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->filetype, Filetype::regular_file);
  EXPECT_EQ(st->nlink, 2u);
  EXPECT_EQ(rw_->link(0, "file_link", *rw_, "hard_to_link"), Errno::success);
  EXPECT_EQ(rw_->path_filestat(0, "hard_to_link")->filetype, Filetype::symbolic_link);
}

TEST_F(DirectoryTest, SymlinkReadlinkAndStat) {
  EXPECT_EQ(rw_->symlink("sub/../file", "l"), Errno::success);
  EXPECT_EQ(rw_->symlink("", "empty"), Errno::noent);
  EXPECT_EQ(rw_->symlink(std::string_view("a\0b", 3), "nul"), Errno::inval);
  uint8_t buf[64];
  auto n = rw_->readlink("l", buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), *n), "sub/../file");
  uint8_t small[4];
  n = rw_->readlink("l", small);  // truncated silently
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(small), 4), "sub/");
  EXPECT_EQ(rw_->readlink("file", buf).error(), Errno::inval);
  EXPECT_EQ(rw_->path_filestat(0, "l")->filetype, Filetype::symbolic_link);
  EXPECT_EQ(rw_->path_filestat(lookupflags::symlink_follow, "l")->filetype, Filetype::regular_file);
  // A trailing slash follows the link, as POSIX says.
  EXPECT_EQ(rw_->path_filestat(0, "sub_link/")->filetype, Filetype::directory);
  EXPECT_EQ(rw_->path_filestat(0, "file/").error(), Errno::notdir);
}

TEST_F(DirectoryTest, SetTimesWithAndWithoutFollow) {
  const TimesUpdate t{5'000'000'000ull, 7'000'000'000ull, fstflags::atim | fstflags::mtim};
  EXPECT_EQ(rw_->path_set_times(0, "file_link", t), Errno::success);
  EXPECT_EQ(rw_->path_filestat(0, "file_link")->mtim, 7'000'000'000ull);
  EXPECT_NE(rw_->path_filestat(0, "file")->mtim, 7'000'000'000ull);
  EXPECT_EQ(rw_->path_set_times(lookupflags::symlink_follow, "file_link", t), Errno::success);
  EXPECT_EQ(rw_->path_filestat(0, "file")->mtim, 7'000'000'000ull);
  EXPECT_EQ(rw_->path_set_times(0, "file", {0, 0, fstflags::mtim | fstflags::mtim_now}),
            Errno::inval);
}

TEST_F(DirectoryTest, ReadOnlyRefusesEveryMutation) {
  const TimesUpdate now{0, 0, fstflags::mtim_now};
  EXPECT_EQ(ro_->create_directory("d"), Errno::rofs);
  EXPECT_EQ(ro_->remove_directory("sub"), Errno::rofs);
  EXPECT_EQ(ro_->unlink_file("file"), Errno::rofs);
  EXPECT_EQ(ro_->rename("file", *ro_, "x"), Errno::rofs);
  EXPECT_EQ(ro_->rename("file", *rw_, "x"), Errno::rofs);
  EXPECT_EQ(rw_->rename("file", *ro_, "x"), Errno::rofs);
  EXPECT_EQ(ro_->link(0, "file", *rw_, "x"), Errno::rofs);
  EXPECT_EQ(rw_->link(0, "file", *ro_, "x"), Errno::rofs);
  EXPECT_EQ(ro_->symlink("file", "x"), Errno::rofs);
  EXPECT_EQ(ro_->path_set_times(0, "file", now), Errno::rofs);
  EXPECT_EQ(ro_->set_times(now), Errno::rofs);
  EXPECT_EQ(ro_->open("new", req(oflags::creat)).error(), Errno::rofs);
  EXPECT_EQ(ro_->open("file", req(oflags::creat | oflags::excl)).error(), Errno::rofs);
  EXPECT_EQ(ro_->open("file", req(oflags::trunc)).error(), Errno::rofs);
  EXPECT_EQ(ro_->open("file", req(0, true, true)).error(), Errno::rofs);
  EXPECT_EQ(ro_->open("file", req(0, true, false, fdflags::append)).error(), Errno::rofs);
  EXPECT_EQ(slurp(root_ / "file"), "inside");
  EXPECT_FALSE(fs::exists(root_ / "new"));
  EXPECT_FALSE(fs::exists(root_ / "x"));

  // Reading still works, and what opens is read-only on the host too.
  auto f = ro_->open("file", req(oflags::creat));  // exists: O_CREAT is harmless
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(::fcntl((*f)->host_fd(), F_GETFL) & O_ACCMODE, O_RDONLY);
  std::string s = "x";
  std::span<uint8_t> b(reinterpret_cast<uint8_t*>(s.data()), 1);
  EXPECT_EQ((*f)->write(IoVecs(&b, 1), false).error(), Errno::badf);
  EXPECT_EQ((*f)->set_times(now), Errno::rofs);
  EXPECT_EQ((*f)->set_size(0), Errno::rofs);

  // Directories opened beneath stay read-only.
  auto d = ro_->open("sub", req(oflags::directory));
  ASSERT_TRUE(d.ok());
  auto* sub = dynamic_cast<Directory*>(d->get());
  ASSERT_NE(sub, nullptr);
  EXPECT_TRUE(sub->read_only());
  EXPECT_EQ(sub->create_directory("x"), Errno::rofs);
  EXPECT_EQ(sub->open("f", req(oflags::creat, true, true)).error(), Errno::rofs);
}

TEST_F(DirectoryTest, ReaddirListsEverythingWithTypes) {
  std::set<std::string> got;
  std::map<std::string, Filetype> types;
  ASSERT_EQ(rw_->readdir(0, [&](const DirEntry& e) {
    got.emplace(e.name);
    types[std::string(e.name)] = e.type;
    EXPECT_NE(e.ino, 0u);
    return true;
  }), Errno::success);
  EXPECT_EQ(got, (std::set<std::string>{".", "..", "sub", "file", "abs_root", "rel_escape",
                                        "sub_link", "file_link"}));
  EXPECT_EQ(types["sub"], Filetype::directory);
  EXPECT_EQ(types["file"], Filetype::regular_file);
  EXPECT_EQ(types["file_link"], Filetype::symbolic_link);
  EXPECT_EQ(types["."], Filetype::directory);
}

TEST_F(DirectoryTest, ReaddirCookiesResume) {
  fs::create_directory(root_ / "many");
  std::set<std::string> expected{".", ".."};
  for (int i = 0; i < 300; ++i) {
    const std::string name = "entry-" + std::to_string(i) + std::string(i % 40, 'x');
    std::ofstream(root_ / "many" / name) << i;
    expected.insert(name);
  }
  auto d = rw_->open("many", req(oflags::directory));
  ASSERT_TRUE(d.ok());
  auto& dir = dynamic_cast<Directory&>(**d);

  // Read 7 entries at a time, resuming from the last cookie each time.
  std::vector<std::string> seen;
  uint64_t cookie = 0;
  for (int round = 0; round < 1000; ++round) {
    int taken = 0;
    ASSERT_EQ(dir.readdir(cookie, [&](const DirEntry& e) {
      seen.emplace_back(e.name);
      cookie = e.next;
      return ++taken < 7;
    }), Errno::success);
    if (taken == 0) break;
  }
  EXPECT_EQ(seen.size(), expected.size());  // nothing repeated
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);

  // Resuming from a cookie after entries vanished neither repeats nor
  // skips the survivors.
  std::vector<std::string> first;
  uint64_t mid = 0;
  ASSERT_EQ(dir.readdir(0, [&](const DirEntry& e) {
    first.emplace_back(e.name);
    mid = e.next;
    return first.size() < 100;
  }), Errno::success);
  for (int i = 0; i < 300; i += 2) {
    const std::string name = "entry-" + std::to_string(i) + std::string(i % 40, 'x');
    if (std::find(first.begin(), first.end(), name) == first.end()) fs::remove(root_ / "many" / name);
  }
  std::vector<std::string> rest;
  ASSERT_EQ(dir.readdir(mid, [&](const DirEntry& e) {
    rest.emplace_back(e.name);
    return true;
  }), Errno::success);
  std::set<std::string> all(first.begin(), first.end());
  for (const auto& n : rest) EXPECT_TRUE(all.insert(n).second) << "repeated " << n;
  std::set<std::string> now;
  for (const auto& e : fs::directory_iterator(root_ / "many")) now.insert(e.path().filename());
  for (const auto& n : now) EXPECT_TRUE(all.count(n)) << "skipped " << n;
}

TEST_F(DirectoryTest, ReaddirStopsWhenSinkIsFull) {
  int calls = 0;
  ASSERT_EQ(rw_->readdir(0, [&](const DirEntry&) { return ++calls < 1; }), Errno::success);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace wasinet::wasi
