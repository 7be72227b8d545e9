// The policy where the core asks it (socket_calls.hh), on real sockets: the
// host paths unix guest paths lead to (symlinks, sockets that do not exist
// yet), listen judged where the socket is bound, and names pinned by the
// core's own resolve_host.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "net/network.hh"
#include "net/socket_calls.hh"
#include "socket_fd.hh"
#include "wasi/directory.hh"
#include "wasinet/policy.hh"

namespace wasinet::net {
namespace {

namespace fs = std::filesystem;
using wasi::Errno;
using wasi::Fd;
namespace rights = wasi::rights;

class PolicySocketCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-policy-calls-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    fs::create_directories(base_ / "run" / "ok");
    fs::create_directories(base_ / "run" / "other");
    wasi::FdEntry e;
    e.object = wasi::Directory::open_host(base_ / "run", false);
    e.rights_base = rights::directory;
    e.rights_inheriting = rights::directory | rights::regular_file;
    e.preopen_name = "/run";
    ASSERT_TRUE(ctx_.fds.insert(std::move(e)).ok());
  }
  void TearDown() override {
    for (int fd : native_) ::close(fd);
    fs::remove_all(base_);
  }

  void use(NetPolicy p) {
    p.print_refusals = false;
    ctx_.network = policy_network(p);
  }

  // A new socket, looked up as an adapter would (socket_fd.hh).
  SocketFd open(Family f, SocketType t) {
    auto fd = open_socket(ctx_, f, t, 0, wasi::fdflags::nonblock);
    EXPECT_TRUE(fd.ok());
    return sock(ctx_, fd.ok() ? *fd : 0);
  }

  // A native unix listener at a host path.
  void native_listener(const fs::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0) << path;
    ASSERT_EQ(::listen(fd, 4), 0);
    native_.push_back(fd);
  }

  // A native TCP listener on 127.0.0.1; its port.
  uint16_t native_tcp() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
    EXPECT_EQ(::listen(fd, 4), 0);
    socklen_t len = sizeof sin;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
    native_.push_back(fd);
    return ntohs(sin.sin_port);
  }

  wasi::Context ctx_;
  fs::path base_;
  std::vector<int> native_;
};

TEST_F(PolicySocketCalls, UnixBindAndListenInsideTheGrantOnly) {
  use({.allow_unix = {(base_ / "run" / "ok").string()}});
  const SocketFd s = open(Family::unix_, SocketType::stream);
  EXPECT_EQ(bind(ctx_, s, Address::unix_path("/run/ok/app.sock")), Errno::success);
  EXPECT_EQ(listen(ctx_, s, 4), Errno::success);  // found again through its guest path
  EXPECT_TRUE(fs::exists(base_ / "run" / "ok" / "app.sock"));

  const SocketFd t = open(Family::unix_, SocketType::stream);
  EXPECT_EQ(bind(ctx_, t, Address::unix_path("/run/other/app.sock")), Errno::acces);
  EXPECT_FALSE(fs::exists(base_ / "run" / "other" / "app.sock"));
  // ".." does not climb out of the grant.
  EXPECT_EQ(bind(ctx_, t, Address::unix_path("/run/ok/../other/x.sock")), Errno::acces);
}

TEST_F(PolicySocketCalls, UnixConnectJudgesWhereThePathLeads) {
  use({.allow_unix = {(base_ / "run" / "ok").string()}});
  native_listener(base_ / "run" / "ok" / "app.sock");
  native_listener(base_ / "run" / "other" / "db.sock");
  fs::create_symlink("../other/db.sock", base_ / "run" / "ok" / "link.sock");

  EXPECT_EQ(connect(ctx_, open(Family::unix_, SocketType::stream), Address::unix_path("/run/ok/app.sock")),
            Errno::success);
  EXPECT_EQ(connect(ctx_, open(Family::unix_, SocketType::stream), Address::unix_path("/run/other/db.sock")),
            Errno::acces);
  EXPECT_EQ(connect(ctx_, open(Family::unix_, SocketType::stream), Address::unix_path("/run/ok/link.sock")),
            Errno::acces);
  // A socket that does not exist: ENOENT inside the grant, EACCES outside.
  EXPECT_EQ(connect(ctx_, open(Family::unix_, SocketType::stream), Address::unix_path("/run/ok/none.sock")),
            Errno::noent);
  EXPECT_EQ(connect(ctx_, open(Family::unix_, SocketType::stream), Address::unix_path("/run/other/none.sock")),
            Errno::acces);
  // Outside every preopen: no host path, refused.
  EXPECT_EQ(connect(ctx_, open(Family::unix_, SocketType::stream), Address::unix_path("/elsewhere/x.sock")),
            Errno::acces);
}

TEST_F(PolicySocketCalls, ListenIsJudgedWhereTheSocketIsBound) {
  use({.allow_listen = {"loopback"}});
  // Unbound: listen would bind every interface.
  EXPECT_EQ(listen(ctx_, open(Family::inet, SocketType::stream), 4), Errno::acces);
  const SocketFd s = open(Family::inet, SocketType::stream);
  EXPECT_EQ(bind(ctx_, s, Address::ipv4({127, 0, 0, 1}, 0)), Errno::success);
  EXPECT_EQ(listen(ctx_, s, 4), Errno::success);
  // Inbound grants no outbound.
  const uint16_t port = native_tcp();
  EXPECT_EQ(connect(ctx_, open(Family::inet, SocketType::stream), Address::ipv4({127, 0, 0, 1}, port)),
            Errno::acces);
}

TEST_F(PolicySocketCalls, ResolveHostPinsForConnect) {
  use({.allow_net = {"localhost"}});
  const uint16_t port = native_tcp();
  const Address target = Address::ipv4({127, 0, 0, 1}, port);
  EXPECT_EQ(connect(ctx_, open(Family::inet, SocketType::stream), target), Errno::acces);
  auto names = resolve_host(ctx_, "ip4", "localhost");
  ASSERT_TRUE(names.ok()) << wasi::errno_name(names.error());
  const Errno e = connect(ctx_, open(Family::inet, SocketType::stream), target);
  EXPECT_TRUE(e == Errno::success || e == Errno::inprogress) << wasi::errno_name(e);
  // Other names stay unresolvable.
  EXPECT_EQ(resolve_host(ctx_, "ip", "nosuch!host.invalid").error(), Errno::acces);
}

}  // namespace
}  // namespace wasinet::net
