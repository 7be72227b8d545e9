// wasinet_v0 through the real engine.
//
// WAT guests call one function at a time with chosen, mostly hostile,
// arguments: each check is `(call $expect GOT WANT STEP)`, and the guest
// exits with STEP * 1000 + GOT at the first mismatch (0 when all hold).
// The C guest v0_net (tests/guests/c/v0_net.c) runs whole loopback
// scenarios against native peers played by the test.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guest_run.hh"
#include "os/unique_fd.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace testkit;

// ---------------------------------------------------------------- WAT guests

const std::string kImports = R"(
  (import "wasinet_v0" "sock_open" (func $open (param i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_bind" (func $bind (param i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_connect" (func $connect (param i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_listen" (func $listen (param i32 i32) (result i32)))
  (import "wasinet_v0" "sock_accept" (func $accept (param i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_getsockopt" (func $getopt (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_setsockopt" (func $setopt (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_getlocaladdr" (func $local (param i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_getpeeraddr" (func $peer (param i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_recv_from"
    (func $recv (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_send_to"
    (func $send (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
  (import "wasinet_v0" "sock_getaddrip"
    (func $getaddrip (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_getaddrport" (func $getaddrport (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasinet_v0" "sock_determine_host_af_family" (func $family (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
)";

// Fixed data every WAT guest has (memory is one 64 KiB page):
//   1024  inet 127.0.0.1:0            1200  inet6 ::1 port 0
//   1400  family 3 (not a host AF)    1600  inet 127.0.0.1, port 70000
//   1800  inet 127.0.0.1:9 (discard)
//   2000  "localhost"  2016 "ip4"  2024 "ip6"  2032 "tcp"  2040 "http"
//   2048  "::1"  2056 "ipx"  2064 "8080"  2072 "127.0.0.1"  2088 "ip"
//   2096  "no-such-service-xyz"
//   3000  a wasinet_v0 iovec (16 bytes: u64 buf, u32 len, pad) {4096, 64}
//   3100  the same with buf 2^32 + 4096 (beyond any wasm32 memory)
// Scratch: 0..1023 out-params, 4096.. buffers.
const std::string kData = R"(
  (data (i32.const 1024) "\02\00\01\00\02\00\01\00\00\00\00\00\7f\00\00\01")
  (data (i32.const 1200) "\0a\00\01\00\0a\00\01\00")
  (data (i32.const 1227) "\01")
  (data (i32.const 1400) "\03\00\01\00\03\00\01\00")
  (data (i32.const 1600) "\02\00\01\00\02\00\01\00\70\11\01\00\7f\00\00\01")
  (data (i32.const 1800) "\02\00\02\00\02\00\02\00\09\00\00\00\7f\00\00\01")
  (data (i32.const 2000) "localhost")
  (data (i32.const 2016) "ip4")
  (data (i32.const 2024) "ip6")
  (data (i32.const 2032) "tcp")
  (data (i32.const 2040) "http")
  (data (i32.const 2048) "::1")
  (data (i32.const 2056) "ipx")
  (data (i32.const 2064) "8080")
  (data (i32.const 2072) "127.0.0.1")
  (data (i32.const 2088) "ip")
  (data (i32.const 2096) "no-such-service-xyz")
  (data (i32.const 3000) "\00\10\00\00\00\00\00\00\40\00\00\00\00\00\00\00")
  (data (i32.const 3100) "\00\10\00\00\01\00\00\00\40\00\00\00\00\00\00\00")
)";

constexpr int kInet = 1024, kInet6 = 1200, kBadFamily = 1400, kBadPort = 1600, kDiscard = 1800;
constexpr int kLocalhost = 2000, kIp4 = 2016, kIp6 = 2024, kTcp = 2032, kHttp = 2040,
              kLoop6 = 2048, kIpx = 2056, k8080 = 2064, kLoop4 = 2072, kIp = 2088, kNoService = 2096;
constexpr int kIov = 3000, kIovHigh = 3100;
constexpr int kPastEnd = 65536 - 2;  // a pointer whose 4-byte value runs past memory

// WASI errnos.
constexpr int kAfnosupport = 5, kAgain = 6, kBadf = 8, kDestaddrreq = 17, kFault = 21, kInval = 28,
              kNoent = 44, kNoprotoopt = 50, kNotconn = 53, kNotsock = 57, kNotsup = 58, kPipe = 64,
              kProtonosupport = 66;

class WasinetV0WatTest : public WatStepsTest {
 protected:
  WasinetV0WatTest() : WatStepsTest("v0.wasm", kImports, kData) {}
};

TEST_F(WasinetV0WatTest, DetermineHostAfFamily) {
  EXPECT_STEPS(run(expect(call("family", 1), 1, 1) + expect(call("family", 2), 2, 2) +
                   expect(call("family", 3), 10, 3) + expect(call("family", 0), 0, 4) +
                   expect(call("family", 4), 0, 5) + expect(call("family", 10), 0, 6) +
                   expect(call("family", -1), 0, 7)));
}

TEST_F(WasinetV0WatTest, OpenGivesNonblockingSocketFds) {
  EXPECT_STEPS(run(
      // inet stream: fd 3, filetype 6, NONBLOCK; inet6 datagram: fd 4, filetype 5.
      expect(call("open", 2, 1, 0, 100), 0, 1) + expect(load32(100), 3, 2) +
      expect(call("fdstat", 3, 200), 0, 3) + expect(load8(200), 6, 4) +
      expect("(i32.and " + load8(202) + " (i32.const 4))", 4, 5) +
      expect(call("open", 10, 2, 0, 104), 0, 6) + expect(load32(104), 4, 7) +
      expect(call("fdstat", 4, 200), 0, 8) + expect(load8(200), 5, 9) +
      // unix, explicit protocols, Linux's SOCK_NONBLOCK|SOCK_CLOEXEC bits.
      expect(call("open", 1, 1, 0, 108), 0, 10) + expect(call("open", 2, 1, 6, 108), 0, 11) +
      expect(call("open", 10, 2, 17, 108), 0, 12) + expect(call("open", 2, 0x80801, 0, 108), 0, 13)));
}

TEST_F(WasinetV0WatTest, OpenRefusals) {
  EXPECT_STEPS(run(
      fill(100, 0xAA, 4) +
      // WASI's own numbers (3 = inet6) are not host families.
      expect(call("open", 3, 1, 0, 100), kAfnosupport, 1) +
      expect(call("open", 0, 1, 0, 100), kAfnosupport, 2) +
      expect(call("open", 99, 1, 0, 100), kAfnosupport, 3) +
      expect(call("open", 2, 3, 0, 100), kNotsup, 4) +   // raw
      expect(call("open", 2, 5, 0, 100), kNotsup, 5) +   // seqpacket
      expect(call("open", 2, 0, 0, 100), kNotsup, 6) +
      expect(call("open", 2, 1, 17, 100), kProtonosupport, 7) +  // UDP on a stream
      expect(call("open", 2, 1, 41, 100), kProtonosupport, 8) +
      expect(call("open", 1, 1, 6, 100), kProtonosupport, 9) +
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 10) +
      // A bad out-pointer creates nothing: the next socket is still fd 3.
      expect(call("open", 2, 1, 0, kPastEnd), kFault, 11) +
      expect(call("open", 2, 1, 0, -1), kFault, 12) +
      expect(call("open", 2, 1, 0, 100), 0, 13) + expect(load32(100), 3, 14)));
}

// Every fd-taking function: unknown fds, closed fds and stdin.
TEST_F(WasinetV0WatTest, BadFdsAreBadfAndFilesAreNotsock) {
  std::string steps;
  int step = 1;
  for (int fd : {3, 77, -1, 0, 1, 2}) {
    const int want = fd >= 0 && fd <= 2 ? kNotsock : kBadf;
    steps += expect(call("bind", fd, kInet, 130), want, step++);
    steps += expect(call("connect", fd, kInet, 130), want, step++);
    steps += expect(call("listen", fd, 1), want, step++);
    steps += expect(call("accept", fd, 100, 200, 130), want, step++);
    steps += expect(call("getopt", fd, 1, 4, 100, 4), want, step++);
    steps += expect(call("setopt", fd, 1, 2, 100, 4), want, step++);
    steps += expect(call("local", fd, 200, 130), want, step++);
    steps += expect(call("peer", fd, 200, 130), want, step++);
    steps += expect(call("recv", fd, kIov, 1, 0, 0, 200, 130, 0, 100, 104), want, step++);
    steps += expect(call("send", fd, kIov, 1, 0, 0, kInet, 130, 0, 100), want, step++);
    steps += expect(call("shutdown", fd, 3), want, step++);
  }
  // A closed socket is EBADF too.
  steps += expect(call("open", 2, 1, 0, 100), 0, step++);
  steps += expect(call("close", 3), 0, step++);
  steps += expect(call("listen", 3, 1), kBadf, step++);
  EXPECT_STEPS(run(steps));
}

TEST_F(WasinetV0WatTest, BindAddressesHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 2, 0, 100), 0, 1) +
      expect(call("bind", 3, 65500, 130), kFault, 2) +       // range past the end
      expect(call("bind", 3, -1, 16), kFault, 3) +
      expect(call("bind", 3, kInet, -1), kFault, 4) +        // a length near 2^32
      expect(call("bind", 3, kInet, 0), kInval, 5) +         // no family at all
      expect(call("bind", 3, kInet, 1), kInval, 6) +
      expect(call("bind", 3, kInet, 15), kInval, 7) +        // misses an IP byte
      expect(call("bind", 3, kBadFamily, 130), kAfnosupport, 8) +
      expect(call("bind", 3, kBadPort, 130), kInval, 9) +
      expect(call("bind", 3, kInet6, 130), kAfnosupport, 10) +  // inet6 on inet
      // 16 bytes are a whole inet address; 64 KiB of it are fine too.
      expect(call("bind", 3, kInet, 16), 0, 11) +
      expect(call("open", 10, 2, 0, 100), 0, 12) +
      expect(call("bind", 4, kInet6, 27), kInval, 13) +
      expect(call("bind", 4, kInet6, 28), 0, 14) +
      expect(call("open", 2, 2, 0, 100), 0, 15) +
      expect(call("bind", 5, kInet, 65536 - kInet), 0, 16)));
}

TEST_F(WasinetV0WatTest, ConnectAddressesHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 2, 0, 100), 0, 1) +
      expect(call("connect", 3, 65500, 130), kFault, 2) +
      expect(call("connect", 3, kInet, 3), kInval, 3) +
      expect(call("connect", 3, kBadFamily, 130), kAfnosupport, 4) +
      expect(call("connect", 3, kBadPort, 130), kInval, 5) +
      // A datagram connect is immediate; then the peer is known.
      expect(call("peer", 3, 200, 130), kNotconn, 6) +
      expect(call("connect", 3, kDiscard, 130), 0, 7) +
      expect(call("peer", 3, 200, 130), 0, 8) + expect(load32(208), 9, 9) +
      expect(load8(212), 127, 10) +
      // Connected: no address needed to send.
      expect(call("send", 3, kIov, 1, 0, 0, 0, 0, 0, 100), 0, 11) + expect(load32(100), 64, 12)));
}

TEST_F(WasinetV0WatTest, ListenAndAcceptHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 1, 0, 100), 0, 1) +
      expect(call("accept", 3, 100, 200, 130), kInval, 2) +  // not listening
      expect(call("bind", 3, kInet, 130), 0, 3) + expect(call("listen", 3, 4), 0, 4) +
      fill(100, 0xAA, 4) + fill(200, 0xAA, 130) +
      expect(call("accept", 3, kPastEnd, 200, 130), kFault, 5) +
      expect(call("accept", 3, 100, 65500, 130), kFault, 6) +
      expect(call("accept", 3, 100, 200, -1), kFault, 7) +
      // Nothing pending: EAGAIN, and neither out-param is touched.
      expect(call("accept", 3, 100, 200, 130), kAgain, 8) +
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 9) + expect(load8(200), 0xAA, 10) +
      expect(load8(329), 0xAA, 11) +
      // Datagram sockets cannot listen.
      expect(call("open", 2, 2, 0, 100), 0, 12) + expect(call("listen", 4, 1), kNotsup, 13)));
}

TEST_F(WasinetV0WatTest, LocalAddressWritesAtMostAddrlen) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 2, 0, 100), 0, 1) + expect(call("bind", 3, kInet, 130), 0, 2) +
      fill(200, 0xAA, 200) +
      expect(call("local", 3, 200, 10), 0, 3) +
      expect(load8(200), 2, 4) + expect(load8(204), 2, 5) +  // family and its body copy
      expect(load8(210), 0xAA, 6) +                          // nothing past addrlen
      expect(call("local", 3, 200, 130), 0, 7) +
      expect(load8(212), 127, 8) + expect(load8(215), 1, 9) +
      expect("(i32.ne " + load32(208) + " (i32.const 0))", 1, 10) +  // a port was chosen
      expect(load8(329), 0, 11) + expect(load8(330), 0xAA, 12) +    // 130 bytes, no more
      expect(call("local", 3, 200, 0), 0, 13) +
      expect(call("local", 3, 65500, 130), kFault, 14) +
      expect(call("local", 3, -1, 1), kFault, 15) +
      expect(call("peer", 3, 65500, 130), kFault, 16) +
      expect(call("peer", 3, 200, 130), kNotconn, 17)));
}

TEST_F(WasinetV0WatTest, SockoptHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 1, 0, 100), 0, 1) +
      fill(100, 0xFF, 8) +
      expect(call("getopt", 3, 0, 4, 100, 4), 0, 2) +  // SO_ERROR at level 0: none
      expect(load32(100), 0, 3) + expect(load8(104), 0xFF, 4) +
      expect(call("getopt", 3, 1, 3, 100, 4), kNoprotoopt, 5) +   // SO_TYPE
      expect(call("setopt", 3, 1, 25, 100, 4), kNoprotoopt, 6) +  // SO_BINDTODEVICE
      expect(call("setopt", 3, 0, 2, 100, 4), 0, 7) +             // SO_REUSEADDR, level 0
      expect(call("getopt", 3, 1, 2, 100, 3), kInval, 8) +
      expect(call("setopt", 3, 1, 2, 100, 0), kInval, 9) +
      expect(call("getopt", 3, 1, 2, kPastEnd, 4), kFault, 10) +
      expect(call("setopt", 3, 1, 2, kPastEnd, 4), kFault, 11) +
      expect(call("setopt", 3, 1, 2, 100, -1), kFault, 12) +
      expect(call("getopt", 3, 1, 20, 100, 15), kInval, 13) +     // a timeval is 16 bytes
      expect(call("setopt", 3, 1, 20, 100, 4), kInval, 14) +
      // Unknown option on a bad fd: the fd is checked first.
      expect(call("getopt", 9, 1, 3, 100, 4), kBadf, 15)));
}

TEST_F(WasinetV0WatTest, RecvFromHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 2, 0, 100), 0, 1) + expect(call("bind", 3, kInet, 130), 0, 2) +
      fill(100, 0xAA, 8) +
      expect(call("recv", 3, kIov, 1, 0, 0, 200, 130, 0, 100, 104), kAgain, 3) +
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 4) +
      expect(call("recv", 3, 65530, 1, 0, 0, 200, 130, 0, 100, 104), kFault, 5) +  // iovec array
      expect(call("recv", 3, kIov, 1025, 0, 0, 200, 130, 0, 100, 104), kInval, 6) +
      expect(call("recv", 3, kIovHigh, 1, 0, 0, 200, 130, 0, 100, 104), kFault, 14) +
      expect(call("recv", 3, 65536 - 8, 1, 0, 0, 200, 130, 0, 100, 104), kFault, 15) +
      expect(call("recv", 3, kIov, 1, 65000, 1000, 200, 130, 0, 100, 104), kFault, 7) +  // oob
      expect(call("recv", 3, kIov, 1, 0, 0, 65500, 130, 0, 100, 104), kFault, 8) +
      expect(call("recv", 3, kIov, 1, 0, 0, 200, 130, 0, kPastEnd, 104), kFault, 9) +
      expect(call("recv", 3, kIov, 1, 0, 0, 200, 130, 0, 100, kPastEnd), kFault, 10) +
      expect(call("recv", 3, kIov, 1, 0, 0, 200, 130, 1, 100, 104), kInval, 11) +  // MSG_OOB
      expect(call("recv", 3, kIov, 1, 0, 0, 200, 130, 0x20, 100, 104), kInval, 12) +
      expect(call("recv", 3, kIov, 1, 0, 0, 200, 130, 0x142, 100, 104), kAgain, 13)));
}

TEST_F(WasinetV0WatTest, SendToHostile) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 2, 0, 100), 0, 1) +
      fill(100, 0xAA, 4) +
      expect(call("send", 3, 65530, 1, 0, 0, kDiscard, 130, 0, 100), kFault, 2) +
      expect(call("send", 3, kIov, 1, 65000, 1000, kDiscard, 130, 0, 100), kFault, 3) +
      expect(call("send", 3, kIovHigh, 1, 0, 0, kDiscard, 130, 0, 100), kFault, 17) +
      expect(call("send", 3, kIov, 1, 0, 0, kDiscard, 130, 0, kPastEnd), kFault, 4) +
      expect(call("send", 3, kIov, 1, 0, 0, 65500, 130, 0, 100), kFault, 5) +
      expect(call("send", 3, kIov, 1, 0, 0, kDiscard, 130, 1, 100), kInval, 6) +  // MSG_OOB
      expect(call("send", 3, kIov, 1, 0, 0, kDiscard, 7, 0, 100), kInval, 7) +
      expect(call("send", 3, kIov, 1, 0, 0, kBadFamily, 130, 0, 100), kAfnosupport, 8) +
      expect(call("send", 3, kIov, 1, 0, 0, kInet6, 130, 0, 100), kAfnosupport, 9) +
      expect(call("send", 3, kIov, 1, 0, 0, 0, 0, 0, 100), kDestaddrreq, 10) +
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 11) +
      // A datagram to the discard port on loopback: 64 bytes, at once.
      expect(call("send", 3, kIov, 1, 0, 0, kDiscard, 130, 0x4040, 100), 0, 12) +
      expect(load32(100), 64, 13) +
      // A stream socket ignores the address entirely, whatever it holds.
      expect(call("open", 2, 1, 0, 100), 0, 14) +
      // (Unconnected, so the kernel says EPIPE.)
      expect(call("send", 4, kIov, 1, 0, 0, kBadFamily, 3, 0, 100), kPipe, 15) +
      expect(call("send", 4, kIov, 1, 0, 0, 65500, 130, 0, 100), kPipe, 16)));
}

TEST_F(WasinetV0WatTest, ShutdownHow) {
  EXPECT_STEPS(run(
      expect(call("open", 2, 1, 0, 100), 0, 1) +
      expect(call("shutdown", 3, 0), kInval, 2) + expect(call("shutdown", 3, 4), kInval, 3) +
      expect(call("shutdown", 3, 7), kInval, 4) + expect(call("shutdown", 3, -1), kInval, 5) +
      expect(call("shutdown", 3, 3), kNotconn, 6)));
}

TEST_F(WasinetV0WatTest, GetAddrIpResolvesLocalhostAsMappedIpv4) {
  EXPECT_STEPS(run(
      fill(400, 0xAA, 200) +
      expect(call("getaddrip", kIp4, 3, kLocalhost, 9, 400, 128, 100), 0, 1) +
      expect(load32(100), 16, 2) +  // one address, as a byte count
      expect(load32(400), 0, 3) + expect(load32(404), 0, 4) +
      expect(load32(408), static_cast<int>(0xffff0000), 5) +
      expect(load32(412), 0x0100007f, 6) +
      expect(load8(416), 0xAA, 7) +
      // Literals resolve to themselves; "ip" takes either version.
      expect(call("getaddrip", kIp6, 3, kLoop6, 3, 400, 128, 100), 0, 8) +
      expect(load32(100), 16, 9) + expect(load32(400), 0, 10) + expect(load8(415), 1, 11) +
      expect(call("getaddrip", kIp, 2, kLoop4, 9, 400, 128, 100), 0, 12) +
      expect(load32(100), 16, 13) + expect(load32(412), 0x0100007f, 14) +
      // As many as fit: none in 15 bytes.
      fill(400, 0xAA, 16) +
      expect(call("getaddrip", kIp4, 3, kLocalhost, 9, 400, 15, 100), 0, 15) +
      expect(load32(100), 0, 16) + expect(load8(400), 0xAA, 17)));
}

TEST_F(WasinetV0WatTest, GetAddrIpHostile) {
  EXPECT_STEPS(run(
      fill(100, 0xAA, 4) +
      expect(call("getaddrip", 65534, 3, kLocalhost, 9, 400, 128, 100), kFault, 1) +
      expect(call("getaddrip", kIp4, 3, 65530, 9, 400, 128, 100), kFault, 2) +
      expect(call("getaddrip", kIp4, 3, kLocalhost, -1, 400, 128, 100), kFault, 3) +
      expect(call("getaddrip", kIp4, 3, kLocalhost, 9, 65500, 128, 100), kFault, 4) +
      expect(call("getaddrip", kIp4, 3, kLocalhost, 9, 400, -1, 100), kFault, 5) +
      expect(call("getaddrip", kIp4, 3, kLocalhost, 9, 400, 128, kPastEnd), kFault, 6) +
      expect(load32(100), static_cast<int>(0xAAAAAAAA), 7) +
      expect(call("getaddrip", kIpx, 3, kLocalhost, 9, 400, 128, 100), kInval, 8) +
      expect(call("getaddrip", kIp4, 3, kLocalhost, 0, 400, 128, 100), kInval, 9) +
      // An IPv6 literal has no IPv4 address.
      expect(call("getaddrip", kIp4, 3, kLoop6, 3, 400, 128, 100), kNoent, 10)));
}

TEST_F(WasinetV0WatTest, GetAddrPort) {
  EXPECT_STEPS(run(
      fill(100, 0xAA, 8) +
      expect(call("getaddrport", kTcp, 3, kHttp, 4, 100), 0, 1) + expect(load32(100), 80, 2) +
      expect(load8(104), 0xAA, 3) +
      expect(call("getaddrport", kTcp, 3, k8080, 4, 100), 0, 4) + expect(load32(100), 8080, 5) +
      expect(call("getaddrport", kIpx, 3, kHttp, 4, 100), kInval, 6) +
      expect(call("getaddrport", kTcp, 3, kNoService, 19, 100), kNoent, 7) +
      expect(call("getaddrport", 65534, 3, kHttp, 4, 100), kFault, 8) +
      expect(call("getaddrport", kTcp, 3, 65534, 4, 100), kFault, 9) +
      expect(call("getaddrport", kTcp, 3, kHttp, 4, kPastEnd), kFault, 10)));
}

// ---------------------------------------------------------------- C guests

// Native loopback peers.
os::UniqueFd native_socket(const std::string& ip, int type, uint16_t port = 0) {
  NativeAddr a = native_addr(ip, port);
  os::UniqueFd fd(::socket(a.ss.ss_family, type | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(fd) << std::strerror(errno);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a.ss), a.len) != 0)
    ADD_FAILURE() << "bind " << ip << ": " << std::strerror(errno);
  return fd;
}

NativeAddr local_of(int fd) {
  NativeAddr a;
  a.len = sizeof a.ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a.ss), &a.len);
  return a;
}

bool wait_readable(int fd, std::chrono::milliseconds timeout = 10s) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

// Reads until `n` bytes or end of stream (10 s at most per read).
std::string read_n(int fd, size_t n) {
  std::string s;
  char buf[65536];
  while (s.size() < n && wait_readable(fd)) {
    const ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - s.size()));
    if (r <= 0) break;
    s.append(buf, static_cast<size_t>(r));
  }
  return s;
}

bool eof_next(int fd) {
  char c;
  return wait_readable(fd) && ::read(fd, &c, 1) == 0;
}

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t w = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    ASSERT_GT(w, 0) << std::strerror(errno);
    data.remove_prefix(static_cast<size_t>(w));
  }
}

// A port nobody listens on: bound, then closed.
uint16_t closed_port(const std::string& ip) {
  os::UniqueFd s = native_socket(ip, SOCK_STREAM);
  return local_of(s.get()).port();
}

class WasinetV0LoopbackTest : public CGuestTest<WasinetV0LoopbackTest> {
 public:
  static constexpr const char* kGuest = "v0_net";

 protected:
  void expect_success(GuestRun& g) {
    EXPECT_EQ(g.exit_code(), 0) << g.stderr_text();
  }
};

INSTANTIATE_TEST_SUITE_P(Ip, WasinetV0LoopbackTest, ::testing::Values("127.0.0.1", "::1"), ip_name);

TEST_P(WasinetV0LoopbackTest, TcpListenerAndClientInOneGuest) {
  auto g = start({"tcp_self", ip()});
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
}

TEST_P(WasinetV0LoopbackTest, TcpClientToNativeServer) {
  os::UniqueFd l = native_socket(ip(), SOCK_STREAM);
  ASSERT_EQ(::listen(l.get(), 4), 0);
  auto g = start({"tcp_client", ip(), std::to_string(local_of(l.get()).port())});
  ASSERT_TRUE(wait_readable(l.get())) << g->stderr_text();
  NativeAddr peer;
  peer.len = sizeof peer.ss;
  os::UniqueFd c(::accept4(l.get(), reinterpret_cast<sockaddr*>(&peer.ss), &peer.len, SOCK_CLOEXEC));
  ASSERT_TRUE(c);
  // The guest's getlocaladdr names the port this server sees.
  EXPECT_EQ(g->line(), "local " + std::to_string(peer.port()));
  EXPECT_EQ(read_n(c.get(), 16), "hello from guest");
  write_all(c.get(), "HELLO FROM GUEST");
  c.reset();
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
}

TEST_P(WasinetV0LoopbackTest, TcpServerForNativeClient) {
  auto g = start({"tcp_server", ip()});
  const std::optional<std::string> port_line = g->line();
  ASSERT_TRUE(port_line && port_line->rfind("port ", 0) == 0) << g->stderr_text();
  const auto port = static_cast<uint16_t>(std::stoi(port_line->substr(5)));
  os::UniqueFd c = native_socket(ip(), SOCK_STREAM);
  NativeAddr to = native_addr(ip(), port);
  ASSERT_EQ(::connect(c.get(), reinterpret_cast<sockaddr*>(&to.ss), to.len), 0) << std::strerror(errno);
  write_all(c.get(), "from " + std::to_string(local_of(c.get()).port()) + "\n");
  EXPECT_EQ(read_n(c.get(), 3), "ok\n");
  EXPECT_TRUE(eof_next(c.get()));
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
}

TEST_P(WasinetV0LoopbackTest, ConnectToClosedPortIsRefusedThroughSoError) {
  auto g = start({"refused", ip(), std::to_string(closed_port(ip()))});
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
}

TEST_P(WasinetV0LoopbackTest, UdpWithNativePeer) {
  os::UniqueFd u = native_socket(ip(), SOCK_DGRAM);
  auto g = start({"udp", ip(), std::to_string(local_of(u.get()).port())});
  const std::optional<std::string> port_line = g->line();
  ASSERT_TRUE(port_line && port_line->rfind("port ", 0) == 0) << g->stderr_text();
  ASSERT_TRUE(wait_readable(u.get()));
  NativeAddr from;
  from.len = sizeof from.ss;
  char buf[64];
  const ssize_t n = ::recvfrom(u.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from.ss), &from.len);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(std::max<ssize_t>(n, 0))), "ping");
  // The datagram came from the port the guest's getlocaladdr reported.
  EXPECT_EQ("port " + std::to_string(from.port()), *port_line);
  const std::string big(100, 'x');
  for (std::string_view d : {std::string_view("pong"), std::string_view(big), std::string_view("peek")})
    ASSERT_EQ(::sendto(u.get(), d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&from.ss), from.len),
              static_cast<ssize_t>(d.size()));
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
}

TEST_P(WasinetV0LoopbackTest, StreamSendToWritesEverythingUnlessDontwait) {
  os::UniqueFd l = native_socket(ip(), SOCK_STREAM);
  ASSERT_EQ(::listen(l.get(), 4), 0);
  constexpr size_t kSize = 32 << 20;  // more than loopback's socket buffers
  auto g = start({"bigwrite", ip(), std::to_string(local_of(l.get()).port()), std::to_string(kSize)});
  ASSERT_TRUE(wait_readable(l.get())) << g->stderr_text();
  os::UniqueFd c(::accept4(l.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(c);
  const std::optional<std::string> first = g->line();
  ASSERT_TRUE(first && first->rfind("dontwait ", 0) == 0) << g->stderr_text();
  const size_t partial = std::stoul(first->substr(9));
  EXPECT_GT(partial, 0u);
  const std::string got = read_n(c.get(), partial + kSize);
  ASSERT_EQ(got.size(), partial + kSize);
  for (size_t i = 0; i < got.size(); ++i) {
    const size_t k = i < partial ? i : i - partial;
    ASSERT_EQ(got[i], static_cast<char>(k * 7)) << "at byte " << i;
  }
  EXPECT_EQ(g->line(), "sent " + std::to_string(kSize));
  EXPECT_TRUE(eof_next(c.get()));
  expect_success(*g);
}

TEST_P(WasinetV0LoopbackTest, TimeoutsAsTheGuestLibrarySetsThem) {
  auto g = start({"timeouts", ip()});
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
}

TEST_P(WasinetV0LoopbackTest, Options) {
  auto g = start({"options", ip()});
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
}

class WasinetV0UnixTest : public WasinetV0LoopbackTest {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-v0-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<DirMapping> dirs() const { return {{dir_.string(), "/sock", false}}; }
  fs::path dir_;
};

INSTANTIATE_TEST_SUITE_P(Unix, WasinetV0UnixTest, ::testing::Values("unix"));

TEST_P(WasinetV0UnixTest, StreamThroughAPreopenedDirectory) {
  auto g = start({"unix_stream", "/sock"}, dirs());
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
  // The guest's /sock/s.sock is the host's DIR/s.sock.
  EXPECT_TRUE(fs::is_socket(dir_ / "s.sock"));
}

// The receiver learns the sender's guest path (not the /proc/self/fd path
// the host bound it through), so it can answer.
TEST_P(WasinetV0UnixTest, DatagramsNameTheirSendersGuestPath) {
  auto g = start({"unix_dgram", "/sock"}, dirs());
  EXPECT_EQ(g->line(), "source /sock/a.sock");
  EXPECT_EQ(g->line(), "ok");
  expect_success(*g);
  EXPECT_TRUE(fs::is_socket(dir_ / "a.sock"));
  EXPECT_TRUE(fs::is_socket(dir_ / "b.sock"));
}

}  // namespace
}  // namespace wasinet
