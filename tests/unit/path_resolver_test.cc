// Path resolution beneath a directory: every way out must fail.
#include "wasi/path_resolver.hh"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace wasinet::wasi {
namespace {

namespace fs = std::filesystem;

// <tmp>/outside (a file the guest must never reach) and <tmp>/root, the
// directory paths are resolved beneath.
class PathResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-resolver-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ / "root";
    fs::create_directories(root_ / "sub" / "deeper");
    std::ofstream(base_ / "outside") << "secret";
    std::ofstream(root_ / "file") << "inside";
    std::ofstream(root_ / "sub" / "file") << "sub";
    fs::create_symlink("/", root_ / "abs_root");
    fs::create_symlink(base_ / "outside", root_ / "abs_outside");
    fs::create_symlink("../outside", root_ / "rel_escape");
    fs::create_symlink("../../outside", root_ / "sub" / "rel_escape");
    fs::create_symlink("sub/file", root_ / "rel_inside");
    fs::create_symlink("../file", root_ / "sub" / "up_inside");
    fs::create_symlink("loop_b", root_ / "loop_a");
    fs::create_symlink("loop_a", root_ / "loop_b");
    fs::create_symlink("/proc/self/root", root_ / "proc_root");
    dir_.reset(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir_.valid());
  }
  void TearDown() override { fs::remove_all(base_); }

  Errno open_error(std::string_view path, int flags = O_RDONLY) {
    auto r = open_beneath(dir_.get(), path, flags);
    return r.ok() ? Errno::success : r.error();
  }

  fs::path base_, root_;
  os::UniqueFd dir_;
};

TEST_F(PathResolverTest, CheckGuestPath) {
  EXPECT_EQ(check_guest_path(""), Errno::noent);
  EXPECT_EQ(check_guest_path(std::string_view("a\0b", 3)), Errno::inval);
  EXPECT_EQ(check_guest_path("/etc/passwd"), Errno::notcapable);
  EXPECT_EQ(check_guest_path(std::string(kMaxPathLength + 1, 'a')), Errno::nametoolong);
  EXPECT_EQ(check_guest_path("a/b"), Errno::success);
}

TEST_F(PathResolverTest, OpensPathsInside) {
  EXPECT_EQ(open_error("file"), Errno::success);
  EXPECT_EQ(open_error("sub/file"), Errno::success);
  EXPECT_EQ(open_error("sub/../file"), Errno::success);
  EXPECT_EQ(open_error("./sub/./deeper/.."), Errno::success);
  EXPECT_EQ(open_error("rel_inside"), Errno::success);
  EXPECT_EQ(open_error("sub/up_inside"), Errno::success);
  EXPECT_EQ(open_error("."), Errno::success);
}

TEST_F(PathResolverTest, DotDotCannotEscape) {
  EXPECT_EQ(open_error(".."), Errno::notcapable);
  EXPECT_EQ(open_error("../outside"), Errno::notcapable);
  EXPECT_EQ(open_error("a/../../outside"), Errno::noent);  // "a" does not exist
  EXPECT_EQ(open_error("sub/../../outside"), Errno::notcapable);
  EXPECT_EQ(open_error("sub/deeper/../../../outside"), Errno::notcapable);
}

TEST_F(PathResolverTest, AbsolutePathsAndSymlinksCannotEscape) {
  EXPECT_EQ(open_error("/etc/passwd"), Errno::notcapable);
  EXPECT_EQ(open_error("abs_root"), Errno::notcapable);
  EXPECT_EQ(open_error("abs_root/etc/passwd"), Errno::notcapable);
  EXPECT_EQ(open_error("abs_outside"), Errno::notcapable);
  EXPECT_EQ(open_error("rel_escape"), Errno::notcapable);
  EXPECT_EQ(open_error("sub/rel_escape"), Errno::notcapable);
  EXPECT_EQ(open_error("proc_root/etc/passwd"), Errno::notcapable);
}

TEST_F(PathResolverTest, SymlinkLoopsFail) {
  EXPECT_EQ(open_error("loop_a"), Errno::loop);
  EXPECT_EQ(open_error("loop_a/x"), Errno::loop);
}

TEST_F(PathResolverTest, NoFollowRefusesFinalSymlink) {
  EXPECT_EQ(open_error("rel_inside", O_RDONLY | O_NOFOLLOW), Errno::loop);
  // O_PATH|O_NOFOLLOW opens the link itself, wherever it points.
  EXPECT_EQ(open_error("abs_root", O_PATH | O_NOFOLLOW), Errno::success);
}

TEST_F(PathResolverTest, CreatingThroughEscapingSymlinkFails) {
  fs::create_symlink(base_ / "created", root_ / "dangling_abs");
  fs::create_symlink("../created", root_ / "dangling_rel");
  EXPECT_EQ(open_error("dangling_abs", O_WRONLY | O_CREAT), Errno::notcapable);
  EXPECT_EQ(open_error("dangling_rel", O_WRONLY | O_CREAT), Errno::notcapable);
  EXPECT_FALSE(fs::exists(base_ / "created"));
}

TEST_F(PathResolverTest, EmptyAndNulPaths) {
  EXPECT_EQ(open_error(""), Errno::noent);
  EXPECT_EQ(open_error(std::string_view("file\0/../../outside", 19)), Errno::inval);
}

// With the whole host tree preopened, /proc magic links still lead nowhere.
TEST_F(PathResolverTest, ProcMagicLinksFailEvenUnderSlash) {
  os::UniqueFd slash(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(slash.valid());
  auto r = open_beneath(slash.get(), "proc/self/root/etc/passwd", O_RDONLY);
  EXPECT_EQ(r.error(), Errno::loop);
  r = open_beneath(slash.get(), "proc/self/cwd", O_RDONLY | O_DIRECTORY);
  EXPECT_EQ(r.error(), Errno::loop);
  const std::string fd_link = "proc/self/fd/" + std::to_string(dir_.get()) + "/../outside";
  r = open_beneath(slash.get(), fd_link, O_RDONLY);
  EXPECT_EQ(r.error(), Errno::loop);
  // Plain files there are fine.
  EXPECT_TRUE(open_beneath(slash.get(), "proc/self/status", O_RDONLY).ok());
}

TEST_F(PathResolverTest, ResolveParentSplitsLastComponent) {
  auto p = resolve_parent(dir_.get(), "sub/deeper/name");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "name");
  EXPECT_FALSE(p->trailing_slash);
  EXPECT_NE(p->fd, dir_.get());
  struct stat a, b;
  ASSERT_EQ(::fstat(p->fd, &a), 0);
  ASSERT_EQ(::stat((root_ / "sub" / "deeper").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);

  auto q = resolve_parent(dir_.get(), "name");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->fd, dir_.get());
  EXPECT_EQ(q->name, "name");
}

TEST_F(PathResolverTest, ResolveParentKeepsTrailingSlash) {
  auto p = resolve_parent(dir_.get(), "sub//");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "sub");
  EXPECT_TRUE(p->trailing_slash);
  EXPECT_EQ(p->name_for_kernel(), "sub/");
  EXPECT_TRUE(p->needs_full_lookup());
  auto dots = resolve_parent(dir_.get(), "sub/..");
  ASSERT_TRUE(dots.ok());
  EXPECT_TRUE(dots->needs_full_lookup());
}

TEST_F(PathResolverTest, ResolveParentCannotEscape) {
  EXPECT_EQ(resolve_parent(dir_.get(), "../x").error(), Errno::notcapable);
  EXPECT_EQ(resolve_parent(dir_.get(), "sub/../../x").error(), Errno::notcapable);
  EXPECT_EQ(resolve_parent(dir_.get(), "abs_root/tmp/x").error(), Errno::notcapable);
  EXPECT_EQ(resolve_parent(dir_.get(), "rel_escape/x").error(), Errno::notcapable);
  EXPECT_EQ(resolve_parent(dir_.get(), "/x").error(), Errno::notcapable);
  EXPECT_EQ(resolve_parent(dir_.get(), "").error(), Errno::noent);
  EXPECT_EQ(resolve_parent(dir_.get(), "file/x").error(), Errno::notdir);
}

}  // namespace
}  // namespace wasinet::wasi
