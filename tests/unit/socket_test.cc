// Socket: the host socket underneath a guest fd, on real loopback and unix
// sockets: always non-blocking and close-on-exec, options, receive and send
// waits, and that a wait poll cannot see never turns into a spin.
#include "net/socket.hh"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

namespace wasinet::net {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using wasi::Errno;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double thread_cpu_ms() {
  timespec ts;
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

bool nonblocking_and_cloexec(int fd) {
  return (::fcntl(fd, F_GETFL) & O_NONBLOCK) && (::fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

std::shared_ptr<Socket> open_ok(Family f, SocketType t, std::shared_ptr<const os::WakeEvent> wake) {
  auto s = Socket::open(f, t, 0, std::move(wake));
  EXPECT_TRUE(s.ok()) << wasi::errno_name(s.error());
  return s.ok() ? *s : nullptr;
}

HostAddress loopback4() { return *to_host(Address::ipv4({127, 0, 0, 1}, 0)); }

HostAddress unix_host(const fs::path& p) {
  HostAddress h;
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::strncpy(sun.sun_path, p.c_str(), sizeof sun.sun_path - 1);
  std::memcpy(&h.storage, &sun, sizeof sun);
  h.length = sizeof sun;
  return h;
}

wasi::Result<size_t> send_text(Socket& s, std::string text, SendWait wait,
                               const HostAddress* to = nullptr) {
  std::span<uint8_t> buf(reinterpret_cast<uint8_t*>(text.data()), text.size());
  return s.send(wasi::IoVecs(&buf, 1), to, wait);
}

std::string recv_text(Socket& s, size_t max, RecvOptions o, bool nonblocking) {
  std::vector<uint8_t> bytes(max);
  std::span<uint8_t> buf(bytes);
  auto r = s.recv(wasi::IoVecs(&buf, 1), o, nonblocking);
  if (!r.ok()) return "<" + std::string(wasi::errno_name(r.error())) + ">";
  return std::string(bytes.begin(), bytes.begin() + static_cast<long>(r->bytes));
}

class SocketTest : public ::testing::Test {
 protected:
  // A connected TCP pair on 127.0.0.1: client, server (accepted).
  void connect_pair() {
    listener_ = open_ok(Family::inet, SocketType::stream, wake_);
    ASSERT_EQ(listener_->bind(loopback4()), Errno::success);
    ASSERT_EQ(listener_->listen(4), Errno::success);
    client_ = open_ok(Family::inet, SocketType::stream, wake_);
    ASSERT_EQ(client_->connect(*listener_->local_address(), /*nonblocking=*/false),
              Errno::success);
    auto a = listener_->accept(/*nonblocking=*/false);
    ASSERT_TRUE(a.ok()) << wasi::errno_name(a.error());
    server_ = a->socket;
  }

  std::shared_ptr<const os::WakeEvent> wake_ = std::make_shared<os::WakeEvent>();
  std::shared_ptr<Socket> listener_, client_, server_;
};

TEST_F(SocketTest, EverySocketIsNonblockingAndCloseOnExec) {
  connect_pair();
  EXPECT_TRUE(nonblocking_and_cloexec(listener_->host_fd()));
  EXPECT_TRUE(nonblocking_and_cloexec(client_->host_fd()));
  EXPECT_TRUE(nonblocking_and_cloexec(server_->host_fd())) << "accept4 flags";
  EXPECT_EQ(server_->family(), Family::inet);
  EXPECT_EQ(server_->type(), SocketType::stream);
}

TEST_F(SocketTest, AdoptTakesOverABlockingHostSocket) {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  auto s = Socket::adopt(os::UniqueFd(fd), wake_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->family(), Family::inet6);
  EXPECT_EQ((*s)->type(), SocketType::datagram);
  EXPECT_EQ((*s)->filetype(), wasi::Filetype::socket_dgram);
  EXPECT_TRUE(nonblocking_and_cloexec((*s)->host_fd()));

  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  ::close(p[1]);
  EXPECT_EQ(Socket::adopt(os::UniqueFd(p[0]), wake_).error(), Errno::notsock);
  const int raw = ::socket(AF_UNIX, SOCK_SEQPACKET, 0);
  ASSERT_GE(raw, 0);
  EXPECT_EQ(Socket::adopt(os::UniqueFd(raw), wake_).error(), Errno::protonosupport);
}

TEST_F(SocketTest, OptionsOnlyWhereTheyApply) {
  auto tcp = open_ok(Family::inet6, SocketType::stream, wake_);
  auto udp = open_ok(Family::inet, SocketType::datagram, wake_);
  auto ux = open_ok(Family::unix_, SocketType::stream, wake_);

  EXPECT_EQ(*tcp->get_option(SocketOption::reuse_addr), 0);
  EXPECT_EQ(tcp->set_option(SocketOption::reuse_addr, 1), Errno::success);
  EXPECT_EQ(*tcp->get_option(SocketOption::reuse_addr), 1);
  EXPECT_EQ(tcp->set_option(SocketOption::keepalive, 1), Errno::success);
  EXPECT_EQ(*tcp->get_option(SocketOption::keepalive), 1);
  EXPECT_EQ(tcp->set_option(SocketOption::tcp_nodelay, 1), Errno::success);
  EXPECT_EQ(*tcp->get_option(SocketOption::tcp_nodelay), 1);
  EXPECT_EQ(tcp->set_option(SocketOption::ipv6_only, 1), Errno::success);
  EXPECT_EQ(*tcp->get_option(SocketOption::ipv6_only), 1);
  EXPECT_EQ(tcp->set_option(SocketOption::recv_buffer, 64 << 10), Errno::success);
  EXPECT_GE(*tcp->get_option(SocketOption::recv_buffer), 64 << 10);

  // Linger as one int: -1 off, else seconds.
  EXPECT_EQ(*tcp->get_option(SocketOption::linger), -1);
  EXPECT_EQ(tcp->set_option(SocketOption::linger, 5), Errno::success);
  EXPECT_EQ(*tcp->get_option(SocketOption::linger), 5);
  EXPECT_EQ(tcp->set_option(SocketOption::linger, 0), Errno::success);
  EXPECT_EQ(*tcp->get_option(SocketOption::linger), 0);
  EXPECT_EQ(tcp->set_option(SocketOption::linger, -1), Errno::success);
  EXPECT_EQ(*tcp->get_option(SocketOption::linger), -1);

  EXPECT_EQ(udp->set_option(SocketOption::broadcast, 1), Errno::success);
  EXPECT_EQ(*udp->get_option(SocketOption::broadcast), 1);
  EXPECT_EQ(udp->set_option(SocketOption::tcp_nodelay, 1), Errno::noprotoopt);
  EXPECT_EQ(udp->get_option(SocketOption::ipv6_only).error(), Errno::noprotoopt);
  EXPECT_EQ(ux->set_option(SocketOption::tcp_nodelay, 1), Errno::noprotoopt);
  EXPECT_EQ(ux->set_option(SocketOption::ipv6_only, 0), Errno::noprotoopt);
}

TEST_F(SocketTest, PeekWithWaitallDoesNotWaitForMore) {
  connect_pair();
  ASSERT_EQ(*send_text(*client_, "abc", SendWait::all), 3u);
  RecvOptions o;
  o.peek = o.waitall = true;
  const auto t0 = Clock::now();
  EXPECT_EQ(recv_text(*server_, 10, o, /*nonblocking=*/false), "abc");
  EXPECT_LT(ms_since(t0), 1000);
  EXPECT_EQ(recv_text(*server_, 10, {}, true), "abc");
}

TEST_F(SocketTest, WaitallKeepsWhatArrivedWhenTheDeadlineEnds) {
  connect_pair();
  ASSERT_EQ(*send_text(*client_, "abc", SendWait::all), 3u);
  server_->set_deadline(Direction::receive, Clock::now() + 150ms);
  RecvOptions o;
  o.waitall = true;
  const auto t0 = Clock::now();
  EXPECT_EQ(recv_text(*server_, 10, o, false), "abc");
  EXPECT_GE(ms_since(t0), 100);
  EXPECT_LT(ms_since(t0), 3000);
  EXPECT_EQ(recv_text(*server_, 10, o, false), "<timedout>");
}

TEST_F(SocketTest, SendSomeAndNonblockingOnAFullStream) {
  connect_pair();
  // Fill every buffer without a reader.
  std::string chunk(256 << 10, 'x');
  size_t total = 0;
  for (;;) {
    auto n = send_text(*client_, chunk, SendWait::nonblocking);
    if (!n.ok()) {
      EXPECT_EQ(n.error(), Errno::again);
      break;
    }
    total += *n;
    ASSERT_LT(total, size_t{1} << 30);
  }
  // A send deadline in the past: ETIMEDOUT instead of EAGAIN, and `some`
  // gives up at once.
  client_->set_deadline(Direction::send, Clock::now() - 1s);
  EXPECT_EQ(send_text(*client_, "y", SendWait::nonblocking).error(), Errno::timedout);
  EXPECT_EQ(send_text(*client_, "y", SendWait::some).error(), Errno::timedout);
  // `some` waits for room, then sends what fits.
  client_->set_deadline(Direction::send, std::nullopt);
  server_->set_deadline(Direction::receive, Clock::now() + 5s);
  std::thread drain([s = server_, total] {
    std::this_thread::sleep_for(50ms);
    std::vector<uint8_t> buf(total);
    std::span<uint8_t> b(buf);
    RecvOptions all;
    all.waitall = true;
    auto r = s->recv(wasi::IoVecs(&b, 1), all, /*nonblocking=*/false);
    EXPECT_TRUE(r.ok());
  });
  auto n = send_text(*client_, chunk, SendWait::some);
  drain.join();
  ASSERT_TRUE(n.ok()) << wasi::errno_name(n.error());
  EXPECT_GT(*n, 0u);
  EXPECT_LE(*n, chunk.size());
}

TEST_F(SocketTest, WakeEventEndsAcceptAndSendWaits) {
  connect_pair();
  wake_->fire();
  EXPECT_EQ(listener_->accept(false).error(), Errno::intr);
  std::string chunk(1 << 20, 'z');
  Errno last = Errno::success;
  for (int i = 0; i < 64 && last == Errno::success; ++i) {
    auto n = send_text(*client_, chunk, SendWait::all);
    last = n.ok() ? Errno::success : n.error();
  }
  // Partial counts come back first; once nothing more fits, EINTR.
  EXPECT_EQ(last, Errno::intr);
}

// A unix datagram socket sending to a full receiver: poll says "writable"
// (the sender's own buffer has room) while sendto says EAGAIN. The wait
// must pause rather than spin.
TEST(SocketUnix, BlockedDatagramSendDoesNotSpin) {
  char tmpl[] = "/tmp/wasinet-sock-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path dir = tmpl;
  auto wake = std::make_shared<os::WakeEvent>();
  auto receiver = open_ok(Family::unix_, SocketType::datagram, wake);
  const HostAddress where = unix_host(dir / "r.sock");
  ASSERT_EQ(receiver->bind(where), Errno::success);
  auto sender = open_ok(Family::unix_, SocketType::datagram, wake);
  size_t sent = 0;
  for (;;) {
    auto n = send_text(*sender, "d", SendWait::nonblocking, &where);
    if (!n.ok()) {
      ASSERT_EQ(n.error(), Errno::again);
      break;
    }
    ASSERT_LT(++sent, 100000u);
  }
  sender->set_deadline(Direction::send, Clock::now() + 300ms);
  const auto t0 = Clock::now();
  const double cpu0 = thread_cpu_ms();
  EXPECT_EQ(send_text(*sender, "d", SendWait::all, &where).error(), Errno::timedout);
  EXPECT_GE(ms_since(t0), 250);
  // Spinning through the 300 ms would cost as much CPU.
  EXPECT_LT(thread_cpu_ms() - cpu0, 100) << "the wait spun";

  // Once the receiver reads, the blocked send goes through.
  sender->set_deadline(Direction::send, Clock::now() + 5s);
  std::thread reader([receiver] {
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(recv_text(*receiver, 8, {}, true), "d");
  });
  EXPECT_EQ(*send_text(*sender, "e", SendWait::all, &where), 1u);
  reader.join();
  fs::remove_all(dir);
}

TEST_F(SocketTest, ShutdownAndFilestat) {
  connect_pair();
  EXPECT_EQ(client_->shutdown(false, false), Errno::inval);
  EXPECT_EQ(client_->shutdown(true, false), Errno::success);
  EXPECT_EQ(client_->shutdown(false, true), Errno::success);
  EXPECT_EQ(recv_text(*server_, 4, {}, false), "");
  auto st = client_->filestat();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->filetype, wasi::Filetype::socket_stream);
  EXPECT_NE(st->ino, 0u);
}

}  // namespace
}  // namespace wasinet::net
