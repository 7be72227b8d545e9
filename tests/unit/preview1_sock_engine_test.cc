// preview1's sock_accept, sock_recv, sock_send and sock_shutdown through
// the real engine: WAT guests for hostile arguments (each check is
// `(call $expect GOT WANT STEP)`; the guest exits with STEP * 1000 + GOT at
// the first mismatch), and the C guest v0_preview1 against native loopback
// peers for flags, modes and data.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "guest_run.hh"
#include "os/unique_fd.hh"

namespace wasinet {
namespace {

using namespace std::chrono_literals;
using namespace testkit;

// ---------------------------------------------------------------- WAT guests

const std::string kImports = R"(
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $set_rights (param i32 i64 i64) (result i32)))
  (import "wasinet_v0" "sock_open" (func $open (param i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_bind" (func $bind (param i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_listen" (func $listen (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
)";

// 1024: inet 127.0.0.1:0; 3000: an iovec {4096, 64}.
const std::string kData = R"(
  (data (i32.const 1024) "\02\00\01\00\02\00\01\00\00\00\00\00\7f\00\00\01")
  (data (i32.const 3000) "\00\10\00\00\40\00\00\00")
)";
constexpr int kInet = 1024, kIov = 3000;
constexpr int kPastEnd = 65536 - 2;

constexpr int kAgain = 6, kBadf = 8, kDestaddrreq = 17, kFault = 21, kInval = 28, kNotconn = 53,
              kNotsock = 57, kNotcapable = 76;

class Preview1SockWatTest : public WatStepsTest {
 protected:
  Preview1SockWatTest() : WatStepsTest("sock.wasm", kImports, kData) {}
};

TEST_F(Preview1SockWatTest, BadFdsAreBadfAndFilesAreNotsock) {
  std::string steps;
  int step = 1;
  for (int fd : {3, 99, -1, 0, 1, 2}) {
    const int want = fd >= 0 && fd <= 2 ? kNotsock : kBadf;
    steps += expect(call("accept", fd, 0, 100), want, step++);
    steps += expect(call("recv", fd, kIov, 1, 0, 100, 104), want, step++);
    steps += expect(call("send", fd, kIov, 1, 0, 100), want, step++);
    steps += expect(call("shutdown", fd, 3), want, step++);
  }
  EXPECT_STEPS(run(steps));
}

TEST_F(Preview1SockWatTest, AcceptHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 1, 0, 100), 0, 1) + expect(call("bind", 3, kInet, 130), 0, 2) +
      expect(call("listen", 3, 4), 0, 3) + fill(100, 0xAA, 4) +
      expect(call("accept", 3, 1, 100), kInval, 4) +        // APPEND
      expect(call("accept", 3, 0x14, 100), kInval, 5) +     // NONBLOCK | SYNC
      expect(call("accept", 3, -1, 100), kInval, 6) +
      expect(call("accept", 3, 4, kPastEnd), kFault, 7) +
      expect(call("accept", 3, 4, -1), kFault, 8) +
      expect(call("accept", 3, 4, 100), kAgain, 9) +        // nothing pending
      expect(call("accept", 3, 0, 100), kAgain, 10) +       // the listener's own mode
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 11)));
}

TEST_F(Preview1SockWatTest, RecvHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 2, 0, 100), 0, 1) + expect(call("bind", 3, kInet, 130), 0, 2) +
      fill(100, 0xAA, 8) +
      expect(call("recv", 3, kIov, 1, 4, 100, 104), kInval, 3) +  // unknown ri flag
      expect(call("recv", 3, kIov, 1, -1, 100, 104), kInval, 4) +
      expect(call("recv", 3, 65530, 1, 0, 100, 104), kFault, 5) +
      expect(call("recv", 3, kIov, 1025, 0, 100, 104), kInval, 6) +
      expect(call("recv", 3, kIov, 1, 0, kPastEnd, 104), kFault, 7) +
      expect(call("recv", 3, kIov, 1, 0, 100, 65535), kFault, 8) +  // ro_flags is 2 bytes
      expect(call("recv", 3, kIov, 1, 3, 100, 104), kAgain, 9) +
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 10) +
      expect(load32(104), static_cast<int>(0xAAAAAAAA), 11)));
}

TEST_F(Preview1SockWatTest, SendHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 2, 0, 100), 0, 1) + fill(100, 0xAA, 4) +
      expect(call("send", 3, kIov, 1, 1, 100), kInval, 2) +  // preview1 has no send flags
      expect(call("send", 3, 65530, 1, 0, 100), kFault, 3) +
      expect(call("send", 3, kIov, 1, 0, kPastEnd), kFault, 4) +
      expect(call("send", 3, kIov, 1, 0, 100), kDestaddrreq, 5) +
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 6)));
}

TEST_F(Preview1SockWatTest, ShutdownHowAndRights) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 1, 0, 100), 0, 1) +
      expect(call("shutdown", 3, 0), kInval, 2) + expect(call("shutdown", 3, 4), kInval, 3) +
      expect(call("shutdown", 3, -1), kInval, 4) + expect(call("shutdown", 3, 1), kNotconn, 5) +
      // Without the sock_shutdown / sock_accept / fd_read rights: ENOTCAPABLE.
      expect("(call $set_rights (i32.const 3) (i64.const 0) (i64.const 0))", 0, 6) +
      expect(call("shutdown", 3, 3), kNotcapable, 7) +
      expect(call("accept", 3, 0, 100), kNotcapable, 8) +
      expect(call("recv", 3, kIov, 1, 0, 100, 104), kNotcapable, 9) +
      expect(call("send", 3, kIov, 1, 0, 100), kNotcapable, 10)));
}

// ---------------------------------------------------------------- C guest

os::UniqueFd connect_to(const std::string& ip, uint16_t port) {
  NativeAddr a = native_addr(ip, port);
  os::UniqueFd fd(::socket(a.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a.ss), a.len) != 0)
    ADD_FAILURE() << "connect: " << std::strerror(errno);
  return fd;
}

void send_str(int fd, std::string_view s) {
  ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
}

// What arrives before end of stream (10 s at most).
std::string read_to_eof(int fd) {
  std::string s;
  char buf[256];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 10000) == 1) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    s.append(buf, static_cast<size_t>(n));
  }
  return s;
}

class Preview1SockLoopbackTest : public CGuestTest<Preview1SockLoopbackTest> {
 public:
  static constexpr const char* kGuest = "v0_preview1";
};

INSTANTIATE_TEST_SUITE_P(Ip, Preview1SockLoopbackTest, ::testing::Values("127.0.0.1", "::1"), ip_name);

TEST_P(Preview1SockLoopbackTest, AcceptFlagsWaitallPeekSendShutdown) {
  auto g = start({"accept", GetParam()});
  const std::optional<std::string> port_line = g->line();
  ASSERT_TRUE(port_line && port_line->rfind("port ", 0) == 0);
  const auto port = static_cast<uint16_t>(std::stoi(port_line->substr(5)));
  os::UniqueFd first = connect_to(GetParam(), port);
  os::UniqueFd second = connect_to(GetParam(), port);

  ASSERT_EQ(g->line(), "waitall");
  send_str(first.get(), "abcd");
  std::this_thread::sleep_for(200ms);  // the guest's receive must wait for the rest
  send_str(first.get(), "efgh");
  ASSERT_EQ(g->line(), "peek");
  send_str(first.get(), "peekdata");
  // sock_send, then shutdown of the guest's write side: our end sees EOF.
  EXPECT_EQ(read_to_eof(first.get()), "reply");
  send_str(first.get(), "bye");
  // shutdown(RD|WR) of the second connection.
  EXPECT_EQ(read_to_eof(second.get()), "");
  EXPECT_EQ(g->line(), "ok");
  EXPECT_EQ(g->exit_code(), 0);
}

TEST_P(Preview1SockLoopbackTest, DatagramTruncationAndConnectedSend) {
  auto g = start({"dgram", GetParam()});
  EXPECT_EQ(g->line(), "ok");
  EXPECT_EQ(g->exit_code(), 0);
}

}  // namespace
}  // namespace wasinet
