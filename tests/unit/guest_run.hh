// What the engine tests of the socket ABIs (wasinet_v0_engine_test.cc,
// preview1_sock_engine_test.cc) share: WAT guests that check one call per
// step, C guests run on a thread while the test plays their native peer,
// and loopback addresses for those peers.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "abi/host_modules.hh"
#include "engine/engine.hh"
#include "os/unique_fd.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasi/stdio.hh"
#include "test_options.hh"

// A failing step shows as "step S got G".
#define EXPECT_STEPS(code) \
  EXPECT_EQ(code, 0) << "step " << (code) / 1000 << " got " << (code) % 1000

// Not `testing`: inside namespace wasinet that name would hide GoogleTest's.
namespace wasinet::testkit {

// One function per name from every host module (abi/host_modules.hh).
inline abi::HostFunctions all_functions() { return abi::first_of_each_name(abi::all_host_functions()); }

// ---------------------------------------------------------------- WAT guests
//
// Each check is `(call $expect GOT WANT STEP)`; the guest exits with
// STEP * 1000 + GOT (GOT capped at 999) at the first mismatch, 0 when all
// hold.

inline std::string i32(int64_t v) { return "(i32.const " + std::to_string(v) + ")"; }

// (call $expect (CALL) WANT STEP)
inline std::string expect(const std::string& call, int want, int step) {
  return "(call $expect " + call + " " + i32(want) + " " + i32(step) + ")\n";
}

// Calls with every argument an i32 constant.
template <class... A>
std::string call(const std::string& fn, A... args) {
  std::string s = "(call $" + fn;
  ((s += " " + i32(args)), ...);
  return s + ")";
}

inline std::string load32(int ptr) { return "(i32.load " + i32(ptr) + ")"; }
inline std::string load8(int ptr) { return "(i32.load8_u " + i32(ptr) + ")"; }
// Fills [ptr, ptr+len) with `byte`.
inline std::string fill(int ptr, int byte, int len) {
  return "(memory.fill " + i32(ptr) + " " + i32(byte) + " " + i32(len) + ")\n";
}

// A fixture whose run(steps) runs a one-page WAT module with the given
// imports and data segments, and `steps` as its _start.
class WatStepsTest : public ::testing::Test {
 protected:
  WatStepsTest(std::string module_name, std::string imports, std::string data)
      : module_name_(std::move(module_name)), imports_(std::move(imports)), data_(std::move(data)) {}

  void SetUp() override {
    GuestOptions config = testkit::test_options(module_name_);
    testkit::setup_test_context(ctx_, config);
  }

  // Runs `steps` as _start and returns the exit code (0: every expect held).
  int run(const std::string& steps) {
    const std::string wat = "(module\n" + imports_ + "(memory (export \"memory\") 1)\n" + data_ +
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

  std::string module_name_, imports_, data_;
  engine::Engine engine_;
  abi::HostFunctions functions_ = all_functions();
  wasi::Context ctx_;
};

// ---------------------------------------------------------------- C guests

// The test binary is build*/tests/wasinet_unit_tests; guests are built to
// build*/guests/c/NAME.wasm.
inline std::filesystem::path c_guest(const std::string& name) {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "guests" /
         "c" / (name + ".wasm");
}

inline std::vector<uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One guest run on its own thread, with its stdout and stderr on pipes;
// the test thread plays the native peer meanwhile.
class GuestRun {
 public:
  GuestRun(const engine::Engine& engine, const engine::Module& module,
           const abi::HostFunctions& functions, GuestOptions config)
      : engine_(engine) {
    using namespace std::chrono_literals;
    testkit::setup_test_context(ctx_, config);
    out_ = capture(1);
    err_ = capture(2);
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
    stop_if_running(std::chrono::seconds(0));
    thread_.join();
  }

  // The guest's next line on stdout, without its newline; nullopt on end
  // of output or after 10 s.
  std::optional<std::string> line() {
    using namespace std::chrono_literals;
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

  // Waits for the guest (20 s at most, then stops it) and returns its exit
  // code (wasi-libc's _start returns when main returns 0); -1 when it
  // trapped or was stopped.
  int exit_code() {
    stop_if_running(std::chrono::seconds(20));
    engine::RunOutcome r = outcome_.get();
    if (r.kind == engine::RunOutcome::Kind::returned) return 0;
    if (r.kind != engine::RunOutcome::Kind::exited) {
      ADD_FAILURE() << "guest did not exit: " << r.message << "\nstderr: " << stderr_text();
      return -1;
    }
    return r.exit_code;
  }

  std::string stderr_text() {
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(err_.get(), buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
    return s;
  }

 private:
  os::UniqueFd capture(wasi::Fd fd) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2");
    auto entry = ctx_.fds.get(fd);
    if (!entry.ok()) throw std::runtime_error("no stdio fd");
    (*entry)->object = std::make_shared<wasi::Stdio>(os::UniqueFd(p[1]));
    return os::UniqueFd(p[0]);
  }

  void stop_if_running(std::chrono::seconds grace) {
    if (outcome_.valid() && outcome_.wait_for(grace) != std::future_status::ready) {
      ctx_.wake->fire();
      engine_.interrupt_all();
    }
  }

  const engine::Engine& engine_;
  wasi::Context ctx_;
  os::UniqueFd out_, err_;
  std::string pending_;
  std::future<engine::RunOutcome> outcome_;
  std::thread thread_;
};

// A suite parameterized by a loopback IP that runs the C guest
// Suite::kGuest. The engine and the compiled guest live for the whole
// suite: compiling is the slow part.
template <class Suite>
class CGuestTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    engine_ = new engine::Engine();
    const std::filesystem::path path = c_guest(Suite::kGuest);
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is built with the test suite";
    module_ = new engine::Module(engine_->compile(read_file(path)));
  }
  static void TearDownTestSuite() {
    delete module_;
    delete engine_;
  }

  std::unique_ptr<GuestRun> start(std::vector<std::string> args, std::vector<DirMapping> dirs = {}) {
    GuestOptions config = testkit::test_options(std::string(Suite::kGuest) + ".wasm", std::move(args));
    config.dirs = std::move(dirs);
    return std::make_unique<GuestRun>(*engine_, *module_, functions_, std::move(config));
  }

  const std::string& ip() const { return GetParam(); }

  inline static engine::Engine* engine_ = nullptr;
  inline static engine::Module* module_ = nullptr;
  abi::HostFunctions functions_ = all_functions();
};

// Names a CGuestTest instance by its IP family: Ip/SUITE.TEST/v4 and /v6.
inline std::string ip_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param == "::1" ? "v6" : "v4";
}

// ---------------------------------------------------------------- native peers

struct NativeAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  uint16_t port() const {
    return ntohs(ss.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(ss).sin_port
                                         : reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
  }
};

// ip is a numeric IPv4 or IPv6 address.
inline NativeAddr native_addr(const std::string& ip, uint16_t port) {
  NativeAddr a;
  if (ip.find(':') != std::string::npos) {
    auto& s6 = reinterpret_cast<sockaddr_in6&>(a.ss);
    s6.sin6_family = AF_INET6;
    s6.sin6_port = htons(port);
    inet_pton(AF_INET6, ip.c_str(), &s6.sin6_addr);
    a.len = sizeof s6;
  } else {
    auto& s4 = reinterpret_cast<sockaddr_in&>(a.ss);
    s4.sin_family = AF_INET;
    s4.sin_port = htons(port);
    inet_pton(AF_INET, ip.c_str(), &s4.sin_addr);
    a.len = sizeof s4;
  }
  return a;
}

}  // namespace wasinet::testkit
