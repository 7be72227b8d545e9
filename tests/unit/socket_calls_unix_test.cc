// socket_calls on unix sockets in preopened directories: guest paths both
// ways, native peers, long paths through /proc/self/fd, no leaked
// descriptors.
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "net/network.hh"
#include "net/socket_calls.hh"
#include "socket_calls_fixture.hh"
#include "socket_fd.hh"
#include "wasi/directory.hh"
#include "wasi/poll.hh"

namespace wasinet::net {
namespace {

using namespace socket_calls_test;

// --- unix sockets in a preopened directory ---------------------------------

class UnixSocketTest : public SocketCallsTest {
 protected:
  void SetUp() override {
    SocketCallsTest::SetUp();
    char tmpl[] = "/tmp/wasinet-unix-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    dir_ = preopen("/run", "run");
  }
  void TearDown() override { fs::remove_all(base_); }

  // A new directory under the test's temp dir, preopened as `guest`. With
  // long_paths_, its host path leaves no room in sun_path for a socket
  // name, so binds go through /proc/self/fd.
  fs::path preopen(const std::string& guest, const std::string& name) {
    fs::path dir = base_ / name;
    if (long_paths_) dir /= std::string(100, 'd');
    fs::create_directories(dir);
    wasi::FdEntry e;
    e.object = wasi::Directory::open_host(dir, false);
    e.rights_base = rights::directory;
    e.rights_inheriting = rights::directory | rights::regular_file;
    e.preopen_name = guest;
    EXPECT_TRUE(ctx_.fds.insert(std::move(e)).ok());
    return dir;
  }

  bool long_paths_ = false;
  fs::path base_;
  fs::path dir_;
};

class LongUnixPathTest : public UnixSocketTest {
 protected:
  LongUnixPathTest() { long_paths_ = true; }
};

// A plain host unix datagram socket, as a native program has.
struct NativeUnixgram {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ~NativeUnixgram() { ::close(fd); }
  static sockaddr_un address(const std::string& path) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
    return sun;
  }
  bool bind(const std::string& path) {
    sockaddr_un sun = address(path);
    return ::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0;
  }
  bool send_to(const std::string& path, const std::string& text) {
    sockaddr_un sun = address(path);
    return ::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&sun),
                    sizeof sun) == static_cast<ssize_t>(text.size());
  }
  // The text, and the sender's name in *from.
  std::string recv_from(std::string* from) {
    char buf[256];
    sockaddr_un sun{};
    socklen_t len = sizeof sun;
    const ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&sun), &len);
    if (n < 0) return "<error>";
    *from = len > offsetof(sockaddr_un, sun_path) ? std::string(sun.sun_path) : std::string();
    return std::string(buf, static_cast<size_t>(n));
  }
};

TEST_F(UnixSocketTest, NativePeersSeeRealPathsAndAreSeenByGuestPaths) {
  const Fd guest = open(Family::unix_, SocketType::datagram);
  ASSERT_EQ(bind(ctx_, sock(ctx_, guest), Address::unix_path("/run/guest.sock")), Errno::success);
  NativeUnixgram native;
  ASSERT_TRUE(native.bind(dir_ / "native.sock"));
  const Address native_addr = Address::unix_path("/run/native.sock");

  // The native peer sees the guest's socket at its real host path...
  ASSERT_EQ(*send_text(guest, "ping", &native_addr), 4u);
  std::string from;
  EXPECT_EQ(native.recv_from(&from), "ping");
  EXPECT_EQ(from, (dir_ / "guest.sock").string());
  // ...and can answer it there; the guest sees the native peer by the
  // guest path of its host path.
  ASSERT_TRUE(native.send_to(from, "pong"));
  ASSERT_TRUE(poll_fd(guest, EventType::fd_read).has_value());
  ReceivedFrom info;
  EXPECT_EQ(recv_text(guest, 16, {}, &info), "pong");
  ASSERT_TRUE(info.from.has_value());
  EXPECT_EQ(*info.from, native_addr);

  // A native sender outside every preopen, and an unnamed one: unnamed.
  NativeUnixgram outside, unnamed;
  ASSERT_TRUE(outside.bind(base_ / "outside.sock"));
  ASSERT_TRUE(outside.send_to(dir_ / "guest.sock", "o"));
  ASSERT_TRUE(unnamed.send_to(dir_ / "guest.sock", "u"));
  for (const char* text : {"o", "u"}) {
    ASSERT_TRUE(poll_fd(guest, EventType::fd_read).has_value());
    EXPECT_EQ(recv_text(guest, 16, {}, &info), text);
    ASSERT_TRUE(info.from.has_value());
    EXPECT_EQ(*info.from, Address::unix_path(""));
  }
}

TEST_F(UnixSocketTest, StreamAddressesAreGuestPaths) {
  const Fd listener = open(Family::unix_, SocketType::stream);
  const Address path = Address::unix_path("/run/app.sock");
  ASSERT_EQ(bind(ctx_, sock(ctx_, listener), path), Errno::success);
  EXPECT_TRUE(fs::is_socket(dir_ / "app.sock"));
  ASSERT_EQ(listen(ctx_, sock(ctx_, listener), 4), Errno::success);
  EXPECT_EQ(local(listener), path);

  const Fd client = open(Family::unix_, SocketType::stream);
  ASSERT_EQ(connect(ctx_, sock(ctx_, client), path), Errno::success);  // unix connects at once
  auto accepted = accept(ctx_, sock(ctx_, listener), kNonblock);
  ASSERT_TRUE(accepted.ok()) << wasi::errno_name(accepted.error());
  EXPECT_EQ(accepted->peer, Address::unix_path(""));  // the client is unnamed
  EXPECT_EQ(local(accepted->fd), path);
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, accepted->fd)).value(), Address::unix_path(""));
  EXPECT_EQ(local(client), Address::unix_path(""));
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, client)).value(), path);
  EXPECT_EQ(Address::unix_path("").to_string(), "@");

  ASSERT_EQ(*send_text(client, "to server"), 9u);
  ASSERT_TRUE(poll_fd(accepted->fd, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(accepted->fd, 64), "to server");
  ASSERT_EQ(*send_text(accepted->fd, "to client"), 9u);
  ASSERT_TRUE(poll_fd(client, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(client, 64), "to client");
  ASSERT_EQ(ctx_.fds.close(accepted->fd), Errno::success);
  ASSERT_TRUE(poll_fd(client, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(client, 64), "");

  // A second bind of the same path, and paths outside every preopen.
  const Fd other = open(Family::unix_, SocketType::stream);
  EXPECT_EQ(bind(ctx_, sock(ctx_, other), path), Errno::addrinuse);
  EXPECT_EQ(bind(ctx_, sock(ctx_, other), Address::unix_path("/elsewhere/x.sock")),
            Errno::notcapable);
  EXPECT_EQ(connect(ctx_, sock(ctx_, other), Address::unix_path("/run/missing.sock")),
            Errno::noent);
}

TEST_F(UnixSocketTest, DatagramsWithAndWithoutConnect) {
  const Fd server = open(Family::unix_, SocketType::datagram);
  const Address srv = Address::unix_path("/run/srv.sock");
  ASSERT_EQ(bind(ctx_, sock(ctx_, server), srv), Errno::success);
  const Fd client = open(Family::unix_, SocketType::datagram);
  // Relative: beneath the first preopen.
  ASSERT_EQ(bind(ctx_, sock(ctx_, client), Address::unix_path("cli.sock")), Errno::success);
  EXPECT_TRUE(fs::is_socket(dir_ / "cli.sock"));
  EXPECT_EQ(local(client), Address::unix_path("cli.sock"));

  ASSERT_EQ(*send_text(client, "one", &srv), 3u);
  ASSERT_TRUE(poll_fd(server, EventType::fd_read).has_value());
  ReceivedFrom info;
  EXPECT_EQ(recv_text(server, 64, {}, &info), "one");
  ASSERT_TRUE(info.from.has_value());
  EXPECT_EQ(*info.from, Address::unix_path("cli.sock")) << "the sender's guest path";
  // The server answers where the datagram came from.
  ASSERT_EQ(*send_text(server, "reply", &*info.from), 5u);
  ASSERT_TRUE(poll_fd(client, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(client, 64, {}, &info), "reply");
  EXPECT_EQ(*info.from, srv);

  // An unnamed sender is reported unnamed.
  const Fd anon = open(Family::unix_, SocketType::datagram);
  ASSERT_EQ(*send_text(anon, "anon", &srv), 4u);
  ASSERT_TRUE(poll_fd(server, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(server, 64, {}, &info), "anon");
  ASSERT_TRUE(info.from.has_value());
  EXPECT_EQ(*info.from, Address::unix_path(""));

  ASSERT_EQ(connect(ctx_, sock(ctx_, client), srv), Errno::success);
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, client)).value(), srv);
  ASSERT_EQ(*send_text(client, "two"), 3u);
  ASSERT_TRUE(poll_fd(server, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(server, 2, {}, &info), "tw");
  EXPECT_TRUE(info.truncated);
}

// Paths too long for sun_path: names go through /proc/self/fd/N/NAME,
// and the same NAME in two directories must not share a kernel name.
TEST_F(LongUnixPathTest, BoundPeersAreSeenByTheirGuestPaths) {
  const fs::path other = preopen("/other", "other");

  const Fd server = open(Family::unix_, SocketType::datagram);
  const Address srv = Address::unix_path("/run/srv.sock");
  ASSERT_EQ(bind(ctx_, sock(ctx_, server), srv), Errno::success);
  const Fd one = open(Family::unix_, SocketType::datagram);
  const Fd two = open(Family::unix_, SocketType::datagram);
  ASSERT_EQ(bind(ctx_, sock(ctx_, one), Address::unix_path("/run/c.sock")), Errno::success);
  ASSERT_EQ(bind(ctx_, sock(ctx_, two), Address::unix_path("/other/c.sock")), Errno::success);
  EXPECT_TRUE(fs::is_socket(other / "c.sock"));
  ReceivedFrom info;
  for (auto [fd, path] : {std::pair{one, "/run/c.sock"}, std::pair{two, "/other/c.sock"}}) {
    ASSERT_EQ(*send_text(fd, "x", &srv), 1u);
    ASSERT_TRUE(poll_fd(server, EventType::fd_read).has_value());
    EXPECT_EQ(recv_text(server, 8, {}, &info), "x");
    ASSERT_TRUE(info.from.has_value());
    EXPECT_EQ(*info.from, Address::unix_path(path));
  }

  // Another guest does not see this guest's names.
  wasi::Context stranger;
  stranger.network = unrestricted();
  wasi::FdEntry d;
  d.object = wasi::Directory::open_host(dir_, false);
  d.rights_base = rights::directory;
  d.preopen_name = "/run";  // the same directory, but not this guest's names
  ASSERT_TRUE(stranger.fds.insert(std::move(d)).ok());
  auto sfd = open_socket(stranger, Family::unix_, SocketType::datagram, 0, kNonblock);
  ASSERT_TRUE(sfd.ok());
  ASSERT_EQ(bind(stranger, sock(stranger, *sfd), Address::unix_path("/run/stranger.sock")),
            Errno::success);
  std::string hello = "hi";
  std::span<uint8_t> hb(reinterpret_cast<uint8_t*>(hello.data()), hello.size());
  ASSERT_EQ(*send(stranger, sock(stranger, *sfd), wasi::IoVecs(&hb, 1), &srv), 2u);
  ASSERT_TRUE(poll_fd(server, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(server, 8, {}, &info), "hi");
  ASSERT_TRUE(info.from.has_value());
  EXPECT_EQ(*info.from, Address::unix_path(""));

  // A stream client that bound a name is the accepted peer by that name.
  const Fd listener = open(Family::unix_, SocketType::stream);
  ASSERT_EQ(bind(ctx_, sock(ctx_, listener), Address::unix_path("/run/l.sock")), Errno::success);
  ASSERT_EQ(listen(ctx_, sock(ctx_, listener), 2), Errno::success);
  const Fd client = open(Family::unix_, SocketType::stream);
  ASSERT_EQ(bind(ctx_, sock(ctx_, client), Address::unix_path("/other/client.sock")),
            Errno::success);
  ASSERT_EQ(connect(ctx_, sock(ctx_, client), Address::unix_path("/run/l.sock")), Errno::success);
  auto accepted = accept(ctx_, sock(ctx_, listener), kNonblock);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->peer, Address::unix_path("/other/client.sock"));
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, accepted->fd)).value(),
            Address::unix_path("/other/client.sock"));
  EXPECT_EQ(local(client), Address::unix_path("/other/client.sock"));

  // Closing a socket forgets its name: a new socket bound where it was is
  // reported by its own path.
  ASSERT_EQ(ctx_.fds.close(one), Errno::success);
  fs::remove(dir_ / "c.sock");
  const Fd three = open(Family::unix_, SocketType::datagram);
  ASSERT_EQ(bind(ctx_, sock(ctx_, three), Address::unix_path("c.sock")), Errno::success);
  ASSERT_EQ(*send_text(three, "z", &srv), 1u);
  ASSERT_TRUE(poll_fd(server, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(server, 8, {}, &info), "z");
  EXPECT_EQ(*info.from, Address::unix_path("c.sock"));
}

TEST_F(UnixSocketTest, NoHostDescriptorLeaks) {
  const size_t before = open_host_fds();
  {
    TcpPair p = tcp_pair(Family::inet6);
    const Fd u = open(Family::inet, SocketType::datagram);
    ASSERT_EQ(bind(ctx_, sock(ctx_, u), loopback(Family::inet)), Errno::success);
    const Fd l = open(Family::unix_, SocketType::stream);
    ASSERT_EQ(bind(ctx_, sock(ctx_, l), Address::unix_path("/run/leak.sock")), Errno::success);
    ASSERT_EQ(listen(ctx_, sock(ctx_, l), 1), Errno::success);
    const Fd c = open(Family::unix_, SocketType::stream);
    ASSERT_EQ(connect(ctx_, sock(ctx_, c), Address::unix_path("/run/leak.sock")), Errno::success);
    auto a = accept(ctx_, sock(ctx_, l), kNonblock);
    ASSERT_TRUE(a.ok());
    const Address to = Address::unix_path("/run/leak.sock");
    const Fd d = open(Family::unix_, SocketType::datagram);
    EXPECT_FALSE(send_text(d, "x", &to).ok());  // a stream socket's path
    for (Fd fd : {p.listener, p.client, p.server, u, l, c, a->fd, d})
      EXPECT_EQ(ctx_.fds.close(fd), Errno::success);
  }
  EXPECT_EQ(open_host_fds(), before);
}

}  // namespace
}  // namespace wasinet::net
