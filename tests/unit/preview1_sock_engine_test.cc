// preview1's sock_accept, sock_recv, sock_send and sock_shutdown through
// the real engine: WAT guests for hostile arguments (each check is
// `(call $expect GOT WANT STEP)`; the guest exits with STEP * 1000 + GOT at
// the first mismatch), and the C guest v0_preview1 against native loopback
// peers for flags, modes and data.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "abi/preview1.hh"
#include "abi/wasinet_v0.hh"
#include "engine/engine.hh"
#include "os/unique_fd.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasi/stdio.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

abi::HostFunctions all_functions() {
  abi::HostFunctions f = abi::preview1_functions();
  abi::add_wasinet_v0(f);
  return f;
}

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

std::string i32(int64_t v) { return "(i32.const " + std::to_string(v) + ")"; }
std::string expect(const std::string& call, int want, int step) {
  return "(call $expect " + call + " " + i32(want) + " " + i32(step) + ")\n";
}
template <class... A>
std::string call(const std::string& fn, A... args) {
  std::string s = "(call $" + fn;
  ((s += " " + i32(args)), ...);
  return s + ")";
}
std::string load32(int ptr) { return "(i32.load " + i32(ptr) + ")"; }
std::string fill(int ptr, int byte, int len) {
  return "(memory.fill " + i32(ptr) + " " + i32(byte) + " " + i32(len) + ")\n";
}

class Preview1SockWatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunConfig config;
    config.module = "sock.wasm";
    runtime::setup_context(ctx_, config);
  }

  int run(const std::string& steps) {
    const std::string wat = "(module\n" + kImports + "(memory (export \"memory\") 1)\n" + kData +
                            R"((func $expect (param $got i32) (param $want i32) (param $step i32)
                                 (if (i32.ne (local.get $got) (local.get $want))
                                   (then (call $exit (i32.add (i32.mul (local.get $step) (i32.const 1000))
                                     (select (local.get $got) (i32.const 999)
                                       (i32.lt_u (local.get $got) (i32.const 999))))))))
                               (func (export "_start")
                            )" + steps + "(call $exit (i32.const 0))))";
    engine::Module module = engine_.compile(engine::wat_to_wasm(wat));
    engine::RunOutcome r = engine_.run(module, functions_, &ctx_);
    EXPECT_EQ(r.kind, engine::RunOutcome::Kind::exited) << r.message;
    return r.exit_code;
  }

  engine::Engine engine_;
  abi::HostFunctions functions_ = all_functions();
  wasi::Context ctx_;
};

#define EXPECT_STEPS(code) \
  EXPECT_EQ(code, 0) << "step " << (code) / 1000 << " got " << (code) % 1000

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

fs::path c_guest(const std::string& name) {
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "guests" / "c" /
         (name + ".wasm");
}

// The guest on its own thread, stdout on a pipe the test reads lines from.
class GuestRun {
 public:
  GuestRun(const engine::Engine& engine, const engine::Module& module,
           const abi::HostFunctions& functions, std::vector<std::string> args)
      : engine_(engine) {
    RunConfig config;
    config.module = "v0_preview1.wasm";
    config.args = std::move(args);
    runtime::setup_context(ctx_, config);
    int p[2];
    if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2");
    out_.reset(p[0]);
    (*ctx_.fds.get(1))->object = std::make_shared<wasi::Stdio>(os::UniqueFd(p[1]));
    std::promise<engine::RunOutcome> done;
    outcome_ = done.get_future();
    thread_ = std::thread([this, &module, &functions, done = std::move(done)]() mutable {
      try {
        engine::RunOutcome r = engine_.run(module, functions, &ctx_);
        // The guest is done with its fds: closing stdout ends line().
        (void)ctx_.fds.close(1);
        done.set_value(std::move(r));
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
  }
  ~GuestRun() {
    stop_if_running(0s);
    thread_.join();
  }

  std::optional<std::string> line() {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      if (auto nl = pending_.find('\n'); nl != std::string::npos) {
        std::string l = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{out_.get(), POLLIN, 0};
      if (left <= 0ms || ::poll(&p, 1, static_cast<int>(left.count())) != 1) return std::nullopt;
      char buf[256];
      const ssize_t n = ::read(out_.get(), buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      pending_.append(buf, static_cast<size_t>(n));
    }
  }

  // 0 when main returned 0 (wasi-libc's _start then returns), else the
  // exit code; -1 for a trap or a guest that had to be stopped.
  int exit_code() {
    stop_if_running(20s);
    engine::RunOutcome r = outcome_.get();
    if (r.kind == engine::RunOutcome::Kind::returned) return 0;
    return r.kind == engine::RunOutcome::Kind::exited ? r.exit_code : -1;
  }

 private:
  void stop_if_running(std::chrono::seconds grace) {
    if (outcome_.valid() && outcome_.wait_for(grace) != std::future_status::ready) {
      ctx_.wake->fire();
      engine_.interrupt_all();
    }
  }

  const engine::Engine& engine_;
  wasi::Context ctx_;
  os::UniqueFd out_;
  std::string pending_;
  std::future<engine::RunOutcome> outcome_;
  std::thread thread_;
};

os::UniqueFd connect_to(const std::string& ip, uint16_t port) {
  sockaddr_storage ss{};
  socklen_t len;
  if (ip.find(':') != std::string::npos) {
    auto& s6 = reinterpret_cast<sockaddr_in6&>(ss);
    s6.sin6_family = AF_INET6;
    s6.sin6_port = htons(port);
    inet_pton(AF_INET6, ip.c_str(), &s6.sin6_addr);
    len = sizeof s6;
  } else {
    auto& s4 = reinterpret_cast<sockaddr_in&>(ss);
    s4.sin_family = AF_INET;
    s4.sin_port = htons(port);
    inet_pton(AF_INET, ip.c_str(), &s4.sin_addr);
    len = sizeof s4;
  }
  os::UniqueFd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
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

class Preview1SockLoopbackTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    engine_ = new engine::Engine();
    const fs::path path = c_guest("v0_preview1");
    ASSERT_TRUE(fs::exists(path)) << path << " is built with the test suite";
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> wasm{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    module_ = new engine::Module(engine_->compile(wasm));
  }
  static void TearDownTestSuite() {
    delete module_;
    delete engine_;
  }
  std::unique_ptr<GuestRun> start(std::vector<std::string> args) {
    return std::make_unique<GuestRun>(*engine_, *module_, functions_, std::move(args));
  }

  static engine::Engine* engine_;
  static engine::Module* module_;
  abi::HostFunctions functions_ = all_functions();
};

engine::Engine* Preview1SockLoopbackTest::engine_ = nullptr;
engine::Module* Preview1SockLoopbackTest::module_ = nullptr;

INSTANTIATE_TEST_SUITE_P(Ip, Preview1SockLoopbackTest, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& info) { return info.param == "::1" ? "v6" : "v4"; });

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
