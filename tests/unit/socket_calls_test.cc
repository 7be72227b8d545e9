// socket_calls: the networking core as the ABI adapters drive it, on real
// loopback sockets (127.0.0.1, ::1) with a real wasi::Context and the
// unrestricted Network. Unix sockets: socket_calls_unix_test.cc.
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

// --- TCP ---------------------------------------------------------------

class TcpTest : public SocketCallsTest, public ::testing::WithParamInterface<Family> {};

TEST_P(TcpTest, ConnectAcceptAddressesDataAndEof) {
  const Family f = GetParam();
  TcpPair p = tcp_pair(f);
  const Address client_local = local(p.client);
  EXPECT_EQ(client_local.family, f);
  EXPECT_EQ(client_local.ip, loopback(f).ip);
  EXPECT_NE(client_local.port, 0);
  EXPECT_EQ(local(p.server), p.listen_addr);
  auto client_peer = peer_address(ctx_, sock(ctx_, p.client));
  ASSERT_TRUE(client_peer.ok());
  EXPECT_EQ(*client_peer, p.listen_addr);
  auto server_peer = peer_address(ctx_, sock(ctx_, p.server));
  ASSERT_TRUE(server_peer.ok());
  EXPECT_EQ(*server_peer, client_local);
  // A listener has no peer.
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, p.listener)).error(), Errno::notconn);

  // Client to server, peeked first. The address a stream guest passes on
  // every write is ignored.
  const Address elsewhere = loopback(f, 9);
  ASSERT_EQ(*send_text(p.client, "hello", &elsewhere), 5u);
  ASSERT_TRUE(poll_fd(p.server, EventType::fd_read).has_value());
  RecvOptions peek;
  peek.peek = true;
  EXPECT_EQ(recv_text(p.server, 64, peek), "hello");
  ReceivedFrom info;
  EXPECT_EQ(recv_text(p.server, 64, {}, &info), "hello");
  EXPECT_FALSE(info.from.has_value());  // streams name no source
  EXPECT_EQ(recv_text(p.server, 64), "<again>");

  // Server to client in two parts; a blocking WAITALL receive waits for both.
  auto server = socket_of(ctx_, p.server);
  ASSERT_TRUE(server.ok());
  std::thread writer([s = server->socket] {
    std::string a = "wor", b = "ld!";
    std::span<uint8_t> ba(reinterpret_cast<uint8_t*>(a.data()), a.size());
    std::span<uint8_t> bb(reinterpret_cast<uint8_t*>(b.data()), b.size());
    EXPECT_EQ(*s->send(wasi::IoVecs(&ba, 1), nullptr, SendWait::all), 3u);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(*s->send(wasi::IoVecs(&bb, 1), nullptr, SendWait::all), 3u);
  });
  set_blocking(p.client, true);
  RecvOptions waitall;
  waitall.waitall = true;
  EXPECT_EQ(recv_text(p.client, 6, waitall), "world!");
  writer.join();

  // EOF after the peer's shutdown(write); WAITALL stops at EOF too.
  ASSERT_EQ(*send_text(p.server, "bye"), 3u);
  EXPECT_EQ(shutdown(ctx_, sock(ctx_, p.server), false, true), Errno::success);
  EXPECT_EQ(recv_text(p.client, 64, waitall), "bye");
  EXPECT_EQ(recv_text(p.client, 64), "");
  // The other direction still works.
  ASSERT_EQ(*send_text(p.client, "still"), 5u);
  EXPECT_EQ(recv_text(p.server, 64, waitall), "still");
}

TEST_P(TcpTest, FdReadAndWriteGoThroughTheSocket) {
  TcpPair p = tcp_pair(GetParam());
  auto client = socket_of(ctx_, p.client, rights::fd_write);
  auto server = socket_of(ctx_, p.server, rights::fd_read);
  ASSERT_TRUE(client.ok() && server.ok());
  std::string text = "via fd_write";
  std::span<uint8_t> out(reinterpret_cast<uint8_t*>(text.data()), text.size());
  EXPECT_EQ(*client->socket->write(wasi::IoVecs(&out, 1), /*nonblocking=*/true), text.size());
  std::vector<uint8_t> in(64);
  std::span<uint8_t> inb(in);
  auto n = server->socket->read(wasi::IoVecs(&inb, 1), /*nonblocking=*/false);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(in.begin(), in.begin() + static_cast<long>(*n)), text);
  EXPECT_EQ(server->socket->read(wasi::IoVecs(&inb, 1), true).error(), Errno::again);
}

INSTANTIATE_TEST_SUITE_P(Loopback, TcpTest, ::testing::Values(Family::inet, Family::inet6),
                         [](const auto& info) { return std::string(family_name(info.param)); });

TEST_F(SocketCallsTest, ConnectToClosedPortIsRefusedThroughSoError) {
  // A port just released by the kernel and not listened on.
  const Fd probe = open(Family::inet, SocketType::stream);
  ASSERT_EQ(bind(ctx_, sock(ctx_, probe), loopback(Family::inet)), Errno::success);
  const Address closed = local(probe);
  ASSERT_EQ(ctx_.fds.close(probe), Errno::success);

  const Fd fd = open(Family::inet, SocketType::stream);
  ASSERT_EQ(connect(ctx_, sock(ctx_, fd), closed), Errno::inprogress);
  auto ev = poll_fd(fd, EventType::fd_write);
  ASSERT_TRUE(ev.has_value()) << "no FD_WRITE event for a refused connect";
  auto pending = take_error(ctx_, sock(ctx_, fd));
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->error, Errno::connrefused);
  // Reading SO_ERROR clears it.
  EXPECT_EQ(take_error(ctx_, sock(ctx_, fd))->error, Errno::success);
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, fd)).error(), Errno::notconn);
}

TEST_F(SocketCallsTest, BlockingConnectWaitsForTheOutcome) {
  const Fd listener = open(Family::inet, SocketType::stream);
  ASSERT_EQ(bind(ctx_, sock(ctx_, listener), loopback(Family::inet)), Errno::success);
  ASSERT_EQ(listen(ctx_, sock(ctx_, listener), 4), Errno::success);
  const Fd fd = open(Family::inet, SocketType::stream, 0);
  EXPECT_EQ(connect(ctx_, sock(ctx_, fd), local(listener)), Errno::success);
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, fd)).value(), local(listener));
  // The accepted fd's guest-visible mode is what accept was asked for.
  set_blocking(listener, true);
  auto accepted = accept(ctx_, sock(ctx_, listener), 0);
  ASSERT_TRUE(accepted.ok());
  auto entry = ctx_.fds.get(accepted->fd);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ((*entry)->fdflags, 0);
  EXPECT_EQ((*entry)->rights_base, rights::socket);
  EXPECT_EQ((*entry)->object->filetype(), wasi::Filetype::socket_stream);

  const Fd probe = open(Family::inet, SocketType::stream);
  ASSERT_EQ(bind(ctx_, sock(ctx_, probe), loopback(Family::inet)), Errno::success);
  const Address closed = local(probe);
  ASSERT_EQ(ctx_.fds.close(probe), Errno::success);
  const Fd refused = open(Family::inet, SocketType::stream, 0);
  EXPECT_EQ(connect(ctx_, sock(ctx_, refused), closed), Errno::connrefused);
}

// --- UDP ---------------------------------------------------------------

class UdpTest : public SocketCallsTest, public ::testing::WithParamInterface<Family> {};

TEST_P(UdpTest, SourceAddressesAndTruncation) {
  const Family f = GetParam();
  const Fd a = open(f, SocketType::datagram);
  const Fd b = open(f, SocketType::datagram);
  ASSERT_EQ(bind(ctx_, sock(ctx_, a), loopback(f)), Errno::success);
  ASSERT_EQ(bind(ctx_, sock(ctx_, b), loopback(f)), Errno::success);
  const Address addr_a = local(a), addr_b = local(b);
  EXPECT_NE(addr_a.port, 0);

  EXPECT_EQ(recv_text(a, 64), "<again>");
  ASSERT_EQ(*send_text(b, "ping", &addr_a), 4u);
  ASSERT_TRUE(poll_fd(a, EventType::fd_read).has_value());
  ReceivedFrom info;
  EXPECT_EQ(recv_text(a, 64, {}, &info), "ping");
  ASSERT_TRUE(info.from.has_value());
  EXPECT_EQ(*info.from, addr_b);
  EXPECT_FALSE(info.truncated);

  // The reply goes back to where the datagram came from.
  ASSERT_EQ(*send_text(a, "pong!", &*info.from), 5u);
  set_blocking(b, true);
  EXPECT_EQ(recv_text(b, 64, {}, &info), "pong!");
  EXPECT_EQ(*info.from, addr_a);

  // A datagram longer than the buffer: the rest is gone, and we say so.
  ASSERT_EQ(*send_text(b, "0123456789", &addr_a), 10u);
  set_blocking(a, true);
  EXPECT_EQ(recv_text(a, 4, {}, &info), "0123");
  EXPECT_TRUE(info.truncated);
  set_blocking(a, false);
  EXPECT_EQ(recv_text(a, 64), "<again>");

  // Connected: no address needed; the peer is reported.
  ASSERT_EQ(connect(ctx_, sock(ctx_, b), addr_a), Errno::success);
  EXPECT_EQ(peer_address(ctx_, sock(ctx_, b)).value(), addr_a);
  ASSERT_EQ(*send_text(b, "conn"), 4u);
  ASSERT_TRUE(poll_fd(a, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(a, 64, {}, &info), "conn");
  EXPECT_EQ(*info.from, addr_b);
}

INSTANTIATE_TEST_SUITE_P(Loopback, UdpTest, ::testing::Values(Family::inet, Family::inet6),
                         [](const auto& info) { return std::string(family_name(info.param)); });

TEST_F(SocketCallsTest, Ipv4AddressOnAnInet6SocketIsMapped) {
  const Fd a = open(Family::inet6, SocketType::datagram);
  ASSERT_EQ(bind(ctx_, sock(ctx_, a), loopback(Family::inet)), Errno::success);
  const Address got = local(a);
  EXPECT_EQ(got.family, Family::inet6);
  EXPECT_EQ(got.unmapped(), loopback(Family::inet, got.port));

  // An IPv4 socket reaches it by its IPv4 address, and is seen mapped.
  const Fd b = open(Family::inet, SocketType::datagram);
  ASSERT_EQ(bind(ctx_, sock(ctx_, b), loopback(Family::inet)), Errno::success);
  const Address unmapped = got.unmapped();
  ASSERT_EQ(*send_text(b, "v4", &unmapped), 2u);
  ASSERT_TRUE(poll_fd(a, EventType::fd_read).has_value());
  ReceivedFrom info;
  EXPECT_EQ(recv_text(a, 8, {}, &info), "v4");
  ASSERT_TRUE(info.from.has_value());
  EXPECT_EQ(info.from->family, Family::inet6);
  EXPECT_EQ(info.from->unmapped(), local(b));
  // The other way round is a family mismatch.
  EXPECT_EQ(send_text(b, "v6", &got).error(), Errno::afnosupport);
}

// --- deadlines and the wake event ------------------------------------------

TEST_F(SocketCallsTest, BlockingRecvEndsAtTheDeadline) {
  TcpPair p = tcp_pair(Family::inet);
  set_blocking(p.client, true);
  ASSERT_EQ(set_timeout(ctx_, sock(ctx_, p.client), Direction::receive, 200ms), Errno::success);
  auto left = get_timeout(ctx_, sock(ctx_, p.client), Direction::receive);
  ASSERT_TRUE(left.ok() && left->has_value());
  EXPECT_GT(**left, 100ms);
  EXPECT_LE(**left, 200ms);
  const auto t0 = Clock::now();
  EXPECT_EQ(recv_text(p.client, 16), "<timedout>");
  EXPECT_GE(ms_since(t0), 150);
  EXPECT_LT(ms_since(t0), 3000);
  EXPECT_EQ(*get_timeout(ctx_, sock(ctx_, p.client), Direction::receive), Clock::duration::zero());
}

TEST_F(SocketCallsTest, NonblockingRecvSaysTimedOutOnlyOnceTheDeadlinePassed) {
  TcpPair p = tcp_pair(Family::inet);
  EXPECT_EQ(recv_text(p.client, 16), "<again>");
  ASSERT_EQ(set_timeout(ctx_, sock(ctx_, p.client), Direction::receive, 60s), Errno::success);
  EXPECT_EQ(recv_text(p.client, 16), "<again>");
  ASSERT_EQ(set_timeout(ctx_, sock(ctx_, p.client), Direction::receive, Clock::duration::zero()),
            Errno::success);
  EXPECT_EQ(recv_text(p.client, 16), "<timedout>");
  ASSERT_EQ(set_timeout(ctx_, sock(ctx_, p.client), Direction::receive, -1s), Errno::success);
  EXPECT_EQ(recv_text(p.client, 16), "<timedout>");
  // Data that is there is still delivered (see RATIONALE): the deadline
  // only replaces EAGAIN.
  ASSERT_EQ(*send_text(p.server, "late"), 4u);
  ASSERT_TRUE(poll_fd(p.client, EventType::fd_read).has_value());
  EXPECT_EQ(recv_text(p.client, 16), "late");
  ASSERT_EQ(set_timeout(ctx_, sock(ctx_, p.client), Direction::receive, std::nullopt),
            Errno::success);
  EXPECT_EQ(recv_text(p.client, 16), "<again>");
  EXPECT_FALSE(get_timeout(ctx_, sock(ctx_, p.client), Direction::receive)->has_value());
  // Accept follows the receive deadline too, as SO_RCVTIMEO does on Linux.
  ASSERT_EQ(set_timeout(ctx_, sock(ctx_, p.listener), Direction::receive, -1s), Errno::success);
  EXPECT_EQ(accept(ctx_, sock(ctx_, p.listener), kNonblock).error(), Errno::timedout);
}

TEST_F(SocketCallsTest, WakeEventEndsBlockingRecvWithEintr) {
  TcpPair p = tcp_pair(Family::inet);
  set_blocking(p.client, true);
  std::thread stopper([wake = ctx_.wake] {
    std::this_thread::sleep_for(100ms);
    wake->fire();
  });
  const auto t0 = Clock::now();
  EXPECT_EQ(recv_text(p.client, 16), "<intr>");
  EXPECT_GE(ms_since(t0), 80);
  EXPECT_LT(ms_since(t0), 3000);
  stopper.join();
  // A blocking accept ends the same way.
  set_blocking(p.listener, true);
  EXPECT_EQ(accept(ctx_, sock(ctx_, p.listener), 0).error(), Errno::intr);
}

TEST_F(SocketCallsTest, SendAllDeliversEightMebibytesToASlowReader) {
  // A native peer on the host side: a plain blocking listener.
  const int native = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(native, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(native, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  ASSERT_EQ(::listen(native, 1), 0);
  socklen_t len = sizeof sin;
  ASSERT_EQ(::getsockname(native, reinterpret_cast<sockaddr*>(&sin), &len), 0);

  constexpr size_t kTotal = size_t{8} << 20;
  std::vector<uint8_t> data(kTotal);
  for (size_t i = 0; i < kTotal; ++i) data[i] = static_cast<uint8_t>(i * 7 + (i >> 12));

  std::atomic<size_t> received{0};
  std::atomic<bool> intact{true};
  std::thread reader([&] {
    const int c = ::accept4(native, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(c, 0);
    // Slow: the writer fills every buffer and must wait (more than once).
    std::this_thread::sleep_for(100ms);
    std::vector<uint8_t> buf(64 << 10);
    size_t at = 0;
    for (size_t reads = 1;; ++reads) {
      const ssize_t n = ::read(c, buf.data(), buf.size());
      if (n <= 0) break;
      if (std::memcmp(buf.data(), data.data() + at, static_cast<size_t>(n)) != 0) intact = false;
      at += static_cast<size_t>(n);
      if (reads % 32 == 0) std::this_thread::sleep_for(2ms);
    }
    received = at;
    ::close(c);
  });

  // A non-blocking guest fd, as wasinet_v0 hands out: `all` overrides it.
  const Fd fd = open(Family::inet, SocketType::stream);
  set_blocking(fd, true);
  ASSERT_EQ(connect(ctx_, sock(ctx_, fd), Address::ipv4({127, 0, 0, 1}, ntohs(sin.sin_port))),
            Errno::success);
  set_blocking(fd, false);
  // Several iovecs, so the partial-write bookkeeping crosses their borders.
  std::vector<std::span<uint8_t>> iovs;
  for (size_t at = 0; at < kTotal; at += kTotal / 4)
    iovs.emplace_back(data.data() + at, kTotal / 4);
  const auto t0 = Clock::now();
  auto n = send(ctx_, sock(ctx_, fd), iovs, nullptr, SendWait::all);
  ASSERT_TRUE(n.ok()) << wasi::errno_name(n.error());
  EXPECT_EQ(*n, kTotal);
  EXPECT_GE(ms_since(t0), 90) << "the writer never had to wait for the reader";
  ASSERT_EQ(ctx_.fds.close(fd), Errno::success);
  reader.join();
  ::close(native);
  EXPECT_EQ(received.load(), kTotal);
  EXPECT_TRUE(intact.load());
}

// --- errors ------------------------------------------------------------------

// One lookup per call (socket_of): EBADF, then ENOTSOCK before any right is
// checked; the calls then check their own right from what it found.
TEST_F(SocketCallsTest, UnknownFdsFilesAndMissingRights) {
  EXPECT_EQ(socket_of(ctx_, 99).error(), Errno::badf);
  EXPECT_EQ(socket_of(ctx_, 99, rights::fd_read).error(), Errno::badf);

  char tmpl[] = "/tmp/wasinet-sock-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  wasi::FdEntry dir;
  dir.object = wasi::Directory::open_host(tmpl, false);
  dir.rights_base = rights::directory;
  const Fd dir_fd = *ctx_.fds.insert(std::move(dir));
  EXPECT_EQ(socket_of(ctx_, dir_fd).error(), Errno::notsock);
  EXPECT_EQ(socket_of(ctx_, dir_fd, rights::sock_accept).error(), Errno::notsock);
  fs::remove_all(tmpl);

  const Fd fd = open(Family::inet, SocketType::stream);
  auto entry = ctx_.fds.get(fd);
  ASSERT_TRUE(entry.ok());
  (*entry)->rights_base = rights::socket & ~(rights::fd_read | rights::sock_accept |
                                            rights::sock_shutdown);
  EXPECT_EQ(socket_of(ctx_, fd, rights::fd_read).error(), Errno::notcapable);
  ASSERT_TRUE(socket_of(ctx_, fd).ok());
  EXPECT_EQ(recv_text(fd, 4), "<notcapable>");
  EXPECT_EQ(accept(ctx_, sock(ctx_, fd), 0).error(), Errno::notcapable);
  EXPECT_EQ(shutdown(ctx_, sock(ctx_, fd), true, true), Errno::notcapable);
  EXPECT_EQ(take_error(ctx_, sock(ctx_, fd))->error, Errno::success);  // needs no right
}

TEST_F(SocketCallsTest, FamilyMismatchesAndProtocols) {
  const Fd v4 = open(Family::inet, SocketType::stream);
  EXPECT_EQ(bind(ctx_, sock(ctx_, v4), loopback(Family::inet6)), Errno::afnosupport);
  EXPECT_EQ(connect(ctx_, sock(ctx_, v4), Address::unix_path("/x.sock")), Errno::afnosupport);
  const Fd ux = open(Family::unix_, SocketType::stream);
  EXPECT_EQ(connect(ctx_, sock(ctx_, ux), loopback(Family::inet, 80)), Errno::afnosupport);
  EXPECT_EQ(bind(ctx_, sock(ctx_, ux), loopback(Family::inet6, 80)), Errno::afnosupport);
  const Fd udp = open(Family::inet, SocketType::datagram);
  const Address v6 = loopback(Family::inet6, 9);
  EXPECT_EQ(send_text(udp, "x", &v6).error(), Errno::afnosupport);

  EXPECT_TRUE(open_socket(ctx_, Family::inet, SocketType::stream, IPPROTO_TCP, 0).ok());
  EXPECT_TRUE(open_socket(ctx_, Family::inet6, SocketType::datagram, IPPROTO_UDP, 0).ok());
  EXPECT_EQ(open_socket(ctx_, Family::inet, SocketType::stream, IPPROTO_UDP, 0).error(),
            Errno::protonosupport);
  EXPECT_EQ(open_socket(ctx_, Family::inet, SocketType::datagram, IPPROTO_TCP, 0).error(),
            Errno::protonosupport);
  EXPECT_EQ(open_socket(ctx_, Family::inet, SocketType::stream, 255, 0).error(),
            Errno::protonosupport);
  EXPECT_EQ(open_socket(ctx_, Family::unix_, SocketType::stream, IPPROTO_TCP, 0).error(),
            Errno::protonosupport);
  EXPECT_EQ(open_socket(ctx_, Family::inet, SocketType::stream, -1, 0).error(),
            Errno::protonosupport);
}

TEST_F(SocketCallsTest, WithoutANetworkEverythingIsRefused) {
  const Fd fd = open(Family::inet, SocketType::datagram);
  ctx_.network = nullptr;
  EXPECT_EQ(open_socket(ctx_, Family::inet, SocketType::stream, 0, 0).error(), Errno::acces);
  EXPECT_EQ(bind(ctx_, sock(ctx_, fd), loopback(Family::inet)), Errno::acces);
  EXPECT_EQ(connect(ctx_, sock(ctx_, fd), loopback(Family::inet, 9)), Errno::acces);
  const Address to = loopback(Family::inet, 9);
  EXPECT_EQ(send_text(fd, "x", &to).error(), Errno::acces);
  EXPECT_EQ(resolve_host(ctx_, "ip", "localhost").error(), Errno::acces);
  EXPECT_EQ(resolve_port(ctx_, "tcp", "http").error(), Errno::acces);
}

// A Network that refuses one operation, to see that each call asks.
class Refuse final : public Network {
 public:
  explicit Refuse(Operation op) : op_(op) {}
  wasi::Status check(const Request& r) override {
    asked.push_back(r);
    return r.op == op_ ? Errno::acces : Errno::success;
  }
  std::vector<Request> asked;

 private:
  Operation op_;
};

TEST_F(SocketCallsTest, EachCallAsksTheNetwork) {
  for (Operation op : {Operation::open, Operation::bind, Operation::connect, Operation::listen}) {
    auto net = std::make_shared<Refuse>(op);
    ctx_.network = net;
    auto fd = open_socket(ctx_, Family::inet, SocketType::stream, 0, kNonblock);
    if (op == Operation::open) {
      EXPECT_EQ(fd.error(), Errno::acces);
      continue;
    }
    ASSERT_TRUE(fd.ok());
    const Errno bound = bind(ctx_, sock(ctx_, *fd), loopback(Family::inet));
    const Errno listened = listen(ctx_, sock(ctx_, *fd), 1);
    const Errno connected = connect(ctx_, sock(ctx_, *fd), loopback(Family::inet, 9));
    EXPECT_EQ(bound == Errno::acces, op == Operation::bind) << operation_name(op);
    EXPECT_EQ(listened == Errno::acces, op == Operation::listen) << operation_name(op);
    EXPECT_EQ(connected == Errno::acces, op == Operation::connect) << operation_name(op);
  }
  auto net = std::make_shared<Refuse>(Operation::send);
  ctx_.network = net;
  const Fd udp = open(Family::inet, SocketType::datagram);
  const Address to = loopback(Family::inet, 9);
  EXPECT_EQ(send_text(udp, "x", &to).error(), Errno::acces);
  ASSERT_FALSE(net->asked.empty());
  EXPECT_EQ(net->asked.back().op, Operation::send);
  ASSERT_TRUE(net->asked.back().address.has_value());
  EXPECT_EQ(*net->asked.back().address, to);
}

TEST_F(SocketCallsTest, RefusedPeersAreDroppedByAccept) {
  TcpPair p = tcp_pair(Family::inet);  // accepted while allowed
  ctx_.network = std::make_shared<Refuse>(Operation::accept);
  const Fd c = open(Family::inet, SocketType::stream);
  ASSERT_EQ(connect(ctx_, sock(ctx_, c), p.listen_addr), Errno::inprogress);
  ASSERT_TRUE(poll_fd(p.listener, EventType::fd_read).has_value());
  // The refused connection is closed and nothing else is pending.
  EXPECT_EQ(accept(ctx_, sock(ctx_, p.listener), kNonblock).error(), Errno::again);
  ASSERT_TRUE(poll_fd(c, EventType::fd_read).has_value());
  const std::string r = recv_text(c, 4);
  EXPECT_TRUE(r == "" || r == "<connreset>") << r;
}

// --- what fd_* calls see -------------------------------------------------

TEST_F(SocketCallsTest, FdTableEntriesOfSockets) {
  const Fd tcp = open(Family::inet, SocketType::stream);
  const Fd udp = open(Family::inet6, SocketType::datagram, 0);
  auto e = ctx_.fds.get(tcp);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->object->filetype(), wasi::Filetype::socket_stream);
  EXPECT_EQ((*e)->fdflags, kNonblock);
  EXPECT_EQ((*e)->rights_base, rights::socket);
  EXPECT_FALSE((*e)->preopen_name.has_value());  // fd_prestat_get: ENOTDIR
  auto st = (*e)->object->filestat();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->filetype, wasi::Filetype::socket_stream);
  EXPECT_EQ((*e)->object->set_host_flags(0), Errno::success);
  EXPECT_EQ((*e)->object->set_host_flags(fdflags::append), Errno::notsup);

  auto u = ctx_.fds.get(udp);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ((*u)->object->filetype(), wasi::Filetype::socket_dgram);
  EXPECT_EQ((*u)->fdflags, 0);
  EXPECT_EQ((*u)->object->filestat()->filetype, wasi::Filetype::socket_dgram);
}

TEST_F(SocketCallsTest, ResolveGoesThroughTheNetwork) {
  auto net = std::make_shared<Refuse>(Operation::open);
  ctx_.network = net;
  auto addrs = resolve_host(ctx_, "ip4", "127.0.0.1");
  ASSERT_TRUE(addrs.ok()) << wasi::errno_name(addrs.error());
  ASSERT_EQ(addrs->size(), 1u);
  EXPECT_EQ((*addrs)[0], loopback(Family::inet));
  ASSERT_FALSE(net->asked.empty());
  EXPECT_EQ(net->asked.back().op, Operation::resolve);
  EXPECT_EQ(net->asked.back().name, "127.0.0.1");
  EXPECT_EQ(resolve_host(ctx_, "tcp", "localhost").error(), Errno::inval);
  EXPECT_EQ(*resolve_port(ctx_, "tcp", "http"), 80);
  EXPECT_EQ(*resolve_port(ctx_, "udp6", "53"), 53);
  EXPECT_EQ(resolve_port(ctx_, "ip", "http").error(), Errno::inval);
}

}  // namespace
}  // namespace wasinet::net
