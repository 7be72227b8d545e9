// Unix socket paths as guest paths: real sockets bound and connected through
// the preopened directories of a real context, and every way out refused.
#include "net/unix_path.hh"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasi/preopen_lookup.hh"
#include "wasinet/config.hh"
#include "test_options.hh"

namespace wasinet::net {
namespace {

namespace fs = std::filesystem;
using wasi::Errno;

bool host_socket_exists(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// Preopens, in fd order from 3:
//   <base>/first  as /data   (the first: relative paths land here)
//   <base>/run    as /run
//   <base>/other  as /run/nested (deeper: wins for /run/nested/...)
//   <base>/ro     as /ro, read-only
// and <base>/outside.sock, a listening socket no guest path may reach.
class UnixPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-unix-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    for (const char* d : {"first", "run/sub", "run/nested", "other", "ro"})
      fs::create_directories(base_ / d);
    GuestOptions config = testkit::test_options();
    config.dirs = {{(base_ / "first").string(), "/data", false},
                   {(base_ / "run").string(), "/run", false},
                   {(base_ / "other").string(), "/run/nested", false},
                   {(base_ / "ro").string(), "/ro", true}};
    testkit::setup_test_context(ctx_, config);
    outside_ = listen_at_host(base_ / "outside.sock");
  }
  void TearDown() override { fs::remove_all(base_); }

  // A listener bound by the host itself, with an ordinary sockaddr_un.
  static os::UniqueFd listen_at_host(const fs::path& p, int type = SOCK_STREAM) {
    os::UniqueFd s(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", p.c_str());
    EXPECT_EQ(::bind(s.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0) << p;
    if (type == SOCK_STREAM) {
      EXPECT_EQ(::listen(s.get(), 4), 0);
    }
    return s;
  }

  Errno error_of(std::string_view path, bool for_bind) {
    auto r = resolve_unix_path(ctx_.fds, path, for_bind);
    return r.ok() ? Errno::success : r.error();
  }

  // Binds a new socket at a guest path (and listens, for streams).
  wasi::Result<os::UniqueFd> bind_guest(std::string_view path, int type = SOCK_STREAM) {
    WASINET_TRY(UnixTarget t, resolve_unix_path(ctx_.fds, path, true));
    os::UniqueFd s(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    if (::bind(s.get(), t.address.get(), t.address.length) != 0) return wasi::errno_from_host(errno);
    if (type == SOCK_STREAM && ::listen(s.get(), 4) != 0) return wasi::errno_from_host(errno);
    return s;
  }

  wasi::Result<os::UniqueFd> connect_guest(std::string_view path, int type = SOCK_STREAM) {
    WASINET_TRY(UnixTarget t, resolve_unix_path(ctx_.fds, path, false));
    os::UniqueFd s(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    if (::connect(s.get(), t.address.get(), t.address.length) != 0) return wasi::errno_from_host(errno);
    return s;
  }

  // Connects to `path` and checks bytes reach `listener`'s accepted end.
  void expect_reaches(std::string_view path, int listener) {
    auto c = connect_guest(path);
    ASSERT_TRUE(c.ok()) << path << ": " << wasi::errno_name(c.error());
    os::UniqueFd a(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(a.valid());
    ASSERT_EQ(::write(c->get(), "ping", 4), 4);
    char buf[8] = {};
    EXPECT_EQ(::read(a.get(), buf, sizeof buf), 4);
    EXPECT_STREQ(buf, "ping");
  }

  fs::path base_;
  wasi::Context ctx_;
  os::UniqueFd outside_;
};

TEST_F(UnixPathTest, BindCreatesTheSocketInThePreopenAndConnectReachesIt) {
  auto s = bind_guest("/run/app.sock");
  ASSERT_TRUE(s.ok()) << wasi::errno_name(s.error());
  EXPECT_TRUE(host_socket_exists(base_ / "run/app.sock"));
  expect_reaches("/run/app.sock", s->get());
  expect_reaches("/run/./sub/../app.sock", s->get());  // `..` inside the preopen
  expect_reaches("//run//app.sock", s->get());
}

TEST_F(UnixPathTest, DatagramSendtoReachesABoundSocket) {
  auto server = bind_guest("/run/sub/dgram.sock", SOCK_DGRAM);
  ASSERT_TRUE(server.ok()) << wasi::errno_name(server.error());
  EXPECT_TRUE(host_socket_exists(base_ / "run/sub/dgram.sock"));
  auto to = resolve_unix_path(ctx_.fds, "/run/sub/dgram.sock", false);
  ASSERT_TRUE(to.ok());
  os::UniqueFd client(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::sendto(client.get(), "dgram", 5, 0, to->address.get(), to->address.length), 5);
  char buf[8] = {};
  EXPECT_EQ(::recv(server->get(), buf, sizeof buf, 0), 5);
  EXPECT_STREQ(buf, "dgram");
}

TEST_F(UnixPathTest, RelativePathsUseTheFirstPreopen) {
  auto s = bind_guest("rel.sock");
  ASSERT_TRUE(s.ok()) << wasi::errno_name(s.error());
  EXPECT_TRUE(host_socket_exists(base_ / "first/rel.sock"));
  expect_reaches("rel.sock", s->get());
  expect_reaches("/data/rel.sock", s->get());
  expect_reaches("./rel.sock", s->get());
}

TEST_F(UnixPathTest, LongestPrefixWinsOnWholeComponents) {
  auto deep = bind_guest("/run/nested/x.sock");
  ASSERT_TRUE(deep.ok()) << wasi::errno_name(deep.error());
  EXPECT_TRUE(host_socket_exists(base_ / "other/x.sock"));
  EXPECT_FALSE(fs::exists(base_ / "run/nested/x.sock"));

  // "/run/nestedx.sock" is in /run, not in /run/nested.
  auto beside = bind_guest("/run/nestedx.sock");
  ASSERT_TRUE(beside.ok()) << wasi::errno_name(beside.error());
  EXPECT_TRUE(host_socket_exists(base_ / "run/nestedx.sock"));
}

TEST_F(UnixPathTest, OutsideEveryPreopenIsNotCapable) {
  EXPECT_EQ(error_of("/etc/app.sock", true), Errno::notcapable);
  EXPECT_EQ(error_of("/runner/app.sock", false), Errno::notcapable);
  EXPECT_EQ(error_of((base_ / "outside.sock").string(), false), Errno::notcapable);
  wasi::FdTable empty;
  EXPECT_EQ(resolve_unix_path(empty, "app.sock", true).error(), Errno::notcapable);
}

TEST_F(UnixPathTest, EscapesAreNotCapable) {
  EXPECT_EQ(error_of("/run/../outside.sock", false), Errno::notcapable);
  EXPECT_EQ(error_of("/run/sub/../../outside.sock", false), Errno::notcapable);
  EXPECT_EQ(error_of("../outside.sock", false), Errno::notcapable);
  EXPECT_EQ(error_of("/run/../escaped.sock", true), Errno::notcapable);
  EXPECT_FALSE(fs::exists(base_ / "escaped.sock"));

  // A symlink inside the preopen to a socket outside it: connect and
  // sendto follow the last component, so that must stay confined too.
  fs::create_symlink(base_ / "outside.sock", base_ / "run/abs_link");
  fs::create_symlink("../outside.sock", base_ / "run/rel_link");
  EXPECT_EQ(error_of("/run/abs_link", false), Errno::notcapable);
  EXPECT_EQ(error_of("/run/rel_link", false), Errno::notcapable);
  // A parent directory leading out.
  fs::create_symlink(base_, base_ / "run/up");
  EXPECT_EQ(error_of("/run/up/outside.sock", false), Errno::notcapable);
  EXPECT_EQ(error_of("/run/up/new.sock", true), Errno::notcapable);
  // bind never follows the name: an existing symlink is simply taken.
  auto over = bind_guest("/run/abs_link");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), Errno::addrinuse);
}

TEST_F(UnixPathTest, SymlinksInsideThePreopenWork) {
  auto s = bind_guest("/run/sub/real.sock");
  ASSERT_TRUE(s.ok()) << wasi::errno_name(s.error());
  fs::create_symlink("sub/real.sock", base_ / "run/link.sock");
  expect_reaches("/run/link.sock", s->get());
}

TEST_F(UnixPathTest, ReadOnlyPreopenRefusesBindButAllowsConnect) {
  EXPECT_EQ(error_of("/ro/x.sock", true), Errno::notcapable);
  EXPECT_FALSE(fs::exists(base_ / "ro/x.sock"));
  os::UniqueFd host = listen_at_host(base_ / "ro/host.sock");
  expect_reaches("/ro/host.sock", host.get());
}

TEST_F(UnixPathTest, BindNeedsTheCreateFileRight) {
  auto entry = ctx_.fds.get(4);  // /run
  ASSERT_TRUE(entry.ok());
  (*entry)->rights_base &= ~wasi::rights::path_create_file;
  EXPECT_EQ(error_of("/run/x.sock", true), Errno::notcapable);
  EXPECT_EQ(error_of("/run/nested/x.sock", true), Errno::success);  // another preopen
}

TEST_F(UnixPathTest, BadPathsAreInval) {
  EXPECT_EQ(error_of("", true), Errno::inval);
  EXPECT_EQ(error_of(std::string_view("/run/a\0b", 8), true), Errno::inval);
  EXPECT_EQ(error_of("/run/" + std::string(kMaxUnixPath - 4, 'a'), true), Errno::inval);
  EXPECT_EQ(error_of("/run/", true), Errno::inval);
  EXPECT_EQ(error_of("/run/app.sock/", false), Errno::inval);
  EXPECT_EQ(error_of("/run/.", true), Errno::inval);
  EXPECT_EQ(error_of("/run/..", false), Errno::inval);
  EXPECT_EQ(error_of(".", false), Errno::inval);
  EXPECT_EQ(error_of("..", true), Errno::inval);
  EXPECT_EQ(error_of("/", true), Errno::inval);
}

TEST_F(UnixPathTest, MissingDirectoryOrSocketIsNoent) {
  EXPECT_EQ(error_of("/run/nope/x.sock", true), Errno::noent);
  EXPECT_EQ(error_of("/run/nope/x.sock", false), Errno::noent);
  EXPECT_EQ(error_of("/run/absent.sock", false), Errno::noent);
}

TEST_F(UnixPathTest, ThePreopenItselfIsInUse) {
  EXPECT_EQ(error_of("/run", true), Errno::addrinuse);
}

// 122 bytes: the longest a wasinet_v0 address holds, and far beyond what
// sun_path could hold as a host path.
TEST_F(UnixPathTest, LongestGuestPathWorks) {
  const std::string d1(50, 'd'), d2(50, 'e');
  fs::create_directories(base_ / "run" / d1 / d2);
  std::string guest = "/run/" + d1 + "/" + d2 + "/";
  guest += std::string(kMaxUnixPath - guest.size(), 's');
  ASSERT_EQ(guest.size(), kMaxUnixPath);
  const fs::path host = base_ / guest.substr(1);
  ASSERT_GT(host.string().size(), sizeof(sockaddr_un{}.sun_path));

  auto s = bind_guest(guest);
  ASSERT_TRUE(s.ok()) << wasi::errno_name(s.error());
  EXPECT_TRUE(host_socket_exists(host));
  expect_reaches(guest, s->get());
}

// Only a last component of some 90 bytes does not fit /proc/self/fd/N/NAME.
TEST_F(UnixPathTest, NameTooLongForSunPath) {
  EXPECT_EQ(error_of(std::string(110, 'n'), true), Errno::nametoolong);
  // connect goes through the socket's own fd, so any name works (the host
  // binds a short name and renames it: its own sun_path is as limited).
  os::UniqueFd host = listen_at_host(base_ / "first/short");
  fs::rename(base_ / "first/short", base_ / "first" / std::string(110, 'n'));
  expect_reaches(std::string(110, 'n'), host.get());
}

// ------------------------------------------------------- find_preopen

TEST(PreopenLookupTest, NamesCompareAsWasiLibcDoes) {
  char tmpl[] = "/tmp/wasinet-preopen-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path base = tmpl;
  fs::create_directories(base / "a");
  fs::create_directories(base / "b");
  wasi::Context ctx;
  GuestOptions config = testkit::test_options();
  config.dirs = {{(base / "a").string(), "tmp", false}, {(base / "b").string(), ".", false}};
  testkit::setup_test_context(ctx, config);

  auto m = wasi::find_preopen(ctx.fds, "/tmp/x/y");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->fd, 3u);
  EXPECT_EQ(m->relative, "x/y");
  m = wasi::find_preopen(ctx.fds, "/etc/hosts");  // "." is the root
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->fd, 4u);
  EXPECT_EQ(m->relative, "etc/hosts");
  m = wasi::find_preopen(ctx.fds, "/tmp");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->relative, ".");
  m = wasi::find_preopen(ctx.fds, "x");  // relative: the first preopen
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->fd, 3u);
  EXPECT_EQ(m->relative, "x");
  fs::remove_all(base);
}

}  // namespace
}  // namespace wasinet::net
