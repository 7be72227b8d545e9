// preview1 adapters driven through the real engine by small WAT guests:
// each guest calls one function with chosen (often hostile) arguments and
// exits with the errno it got, so the test sees exactly what a guest sees.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "abi/preview1.hh"
#include "engine/engine.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasinet/error.hh"
#include "test_options.hh"

namespace wasinet {
namespace {

class Preview1EngineTest : public ::testing::Test {
 protected:
  // Runs `body` (WAT instructions leaving an i32 on the stack) as _start,
  // with `imports` and `data` segments, and returns the exit code.
  engine::RunOutcome run(const std::string& imports, const std::string& body,
                         const std::string& data = "", bool with_memory = true) {
    std::string wat = "(module\n" + imports +
                      "\n(import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n" +
                      (with_memory ? "(memory (export \"memory\") 1)\n" : "") + data +
                      "\n(func (export \"_start\") (call $exit " + body + ")))";
    engine::Module module = engine_.compile(engine::wat_to_wasm(wat));
    return engine_.run(module, functions_, ctx_.get());
  }

  int errno_of(const std::string& imports, const std::string& body, const std::string& data = "") {
    engine::RunOutcome r = run(imports, body, data);
    EXPECT_EQ(r.kind, engine::RunOutcome::Kind::exited) << r.message;
    return r.exit_code;
  }

  void SetUp() override {
    GuestOptions config = testkit::test_options("test.wasm", {"one", "two"});
    config.environ = {"A=1"};
    testkit::setup_test_context(*ctx_, config);
  }

  engine::Engine engine_;
  abi::HostFunctions functions_ = abi::preview1_functions();
  std::unique_ptr<wasi::Context> ctx_ = std::make_unique<wasi::Context>();
};

constexpr int kSuccess = 0, kBadf = 8, kFault = 21, kInval = 28;

const std::string kRandomGet =
    R"((import "wasi_snapshot_preview1" "random_get" (func $f (param i32 i32) (result i32))))";
const std::string kArgsGet =
    R"((import "wasi_snapshot_preview1" "args_get" (func $f (param i32 i32) (result i32))))";
const std::string kArgsSizesGet =
    R"((import "wasi_snapshot_preview1" "args_sizes_get" (func $f (param i32 i32) (result i32))))";
const std::string kFdWrite =
    R"((import "wasi_snapshot_preview1" "fd_write" (func $f (param i32 i32 i32 i32) (result i32))))";
const std::string kFdClose =
    R"((import "wasi_snapshot_preview1" "fd_close" (func $g (param i32) (result i32))))";
const std::string kPrestatGet =
    R"((import "wasi_snapshot_preview1" "fd_prestat_get" (func $f (param i32 i32) (result i32))))";
const std::string kClockTimeGet =
    R"((import "wasi_snapshot_preview1" "clock_time_get" (func $f (param i32 i64 i32) (result i32))))";
const std::string kSetFlags =
    R"((import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $f (param i32 i32) (result i32))))";

TEST_F(Preview1EngineTest, ProcExitCodeReachesHost) {
  EXPECT_EQ(errno_of("", "(i32.const 7)"), 7);
}

TEST_F(Preview1EngineTest, StartReturningIsExitZero) {
  engine::Module module = engine_.compile(engine::wat_to_wasm(
      R"((module (memory (export "memory") 1) (func (export "_start"))))"));
  engine::RunOutcome r = engine_.run(module, functions_, ctx_.get());
  EXPECT_EQ(r.kind, engine::RunOutcome::Kind::returned);
}

TEST_F(Preview1EngineTest, ModuleWithoutStartIsRefusedBeforeRunning) {
  engine::Module module = engine_.compile(engine::wat_to_wasm(
      R"((module (memory (export "memory") 1) (func (export "_initialize"))))"));
  try {
    engine_.run(module, functions_, ctx_.get());
    FAIL() << "a module without _start ran";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no _start"), std::string::npos) << e.what();
  }
}

TEST_F(Preview1EngineTest, TrapIsReportedWithReason) {
  engine::Module module = engine_.compile(engine::wat_to_wasm(
      R"((module (memory (export "memory") 1) (func (export "_start") unreachable)))"));
  engine::RunOutcome r = engine_.run(module, functions_, ctx_.get());
  EXPECT_EQ(r.kind, engine::RunOutcome::Kind::trapped);
  EXPECT_NE(r.message.find("unreachable"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find('\n'), std::string::npos) << "one line: " << r.message;
}

TEST_F(Preview1EngineTest, RandomGetInBoundsSucceeds) {
  EXPECT_EQ(errno_of(kRandomGet, "(call $f (i32.const 0) (i32.const 65536))"), kSuccess);
  EXPECT_EQ(errno_of(kRandomGet, "(call $f (i32.const 65536) (i32.const 0))"), kSuccess);
}

TEST_F(Preview1EngineTest, RandomGetPastEndIsFault) {
  EXPECT_EQ(errno_of(kRandomGet, "(call $f (i32.const 65530) (i32.const 7))"), kFault);
  EXPECT_EQ(errno_of(kRandomGet, "(call $f (i32.const -1) (i32.const 2))"), kFault);
  EXPECT_EQ(errno_of(kRandomGet, "(call $f (i32.const 1) (i32.const -1))"), kFault);
}

TEST_F(Preview1EngineTest, NoExportedMemoryMeansEveryPointerFaults) {
  engine::RunOutcome r = run(kRandomGet, "(call $f (i32.const 0) (i32.const 1))", "", false);
  EXPECT_EQ(r.kind, engine::RunOutcome::Kind::exited);
  EXPECT_EQ(r.exit_code, kFault);
}

TEST_F(Preview1EngineTest, ArgsSizesAndArgs) {
  // argv = {"test.wasm", "one", "two"}: 3 strings, 10 + 4 + 4 bytes.
  EXPECT_EQ(errno_of(kArgsSizesGet,
                     "(drop (call $f (i32.const 0) (i32.const 4))) "
                     "(i32.add (i32.mul (i32.load (i32.const 0)) (i32.const 100)) (i32.load (i32.const 4)))"),
            318);
  EXPECT_EQ(errno_of(kArgsSizesGet, "(call $f (i32.const 65533) (i32.const 0))"), kFault);
  EXPECT_EQ(errno_of(kArgsGet, "(call $f (i32.const 0) (i32.const 65530))"), kFault);
  EXPECT_EQ(errno_of(kArgsGet, "(call $f (i32.const 65528) (i32.const 0))"), kFault);
  // The last byte written is the NUL after "two", at buf + 17.
  EXPECT_EQ(errno_of(kArgsGet, "(call $f (i32.const 0) (i32.const 65518))"), kSuccess);
  EXPECT_EQ(errno_of(kArgsGet, "(call $f (i32.const 0) (i32.const 65519))"), kFault);
}

TEST_F(Preview1EngineTest, FdWriteHostileIovecs) {
  // iovec at 16: {buf 65000, len 1000} runs past the end of memory.
  const std::string past_end = R"((data (i32.const 16) "\e8\fd\00\00\e8\03\00\00"))";
  EXPECT_EQ(errno_of(kFdWrite, "(call $f (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 32))",
                     past_end),
            kFault);
  // The iovec array itself crosses the end.
  EXPECT_EQ(errno_of(kFdWrite, "(call $f (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 0))"),
            kFault);
  // nwritten out of range: nothing may be written first.
  EXPECT_EQ(errno_of(kFdWrite, "(call $f (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 65534))"),
            kFault);
  // More than IOV_MAX entries.
  EXPECT_EQ(errno_of(kFdWrite, "(call $f (i32.const 1) (i32.const 0) (i32.const 1025) (i32.const 0))"),
            kInval);
  // An fd that was never opened.
  EXPECT_EQ(errno_of(kFdWrite, "(call $f (i32.const 77) (i32.const 0) (i32.const 0) (i32.const 0))"),
            kBadf);
  EXPECT_EQ(errno_of(kFdWrite, "(call $f (i32.const -1) (i32.const 0) (i32.const 0) (i32.const 0))"),
            kBadf);
}

TEST_F(Preview1EngineTest, ZeroLengthWriteSucceeds) {
  EXPECT_EQ(errno_of(kFdWrite, "(call $f (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 8))"),
            kSuccess);
}

TEST_F(Preview1EngineTest, ClosedFdIsBadf) {
  EXPECT_EQ(errno_of(kFdWrite + kFdClose,
                     "(drop (call $g (i32.const 2))) "
                     "(call $f (i32.const 2) (i32.const 0) (i32.const 0) (i32.const 0))"),
            kBadf);
}

TEST_F(Preview1EngineTest, PrestatScanAnswersAsGoExpects) {
  EXPECT_EQ(errno_of(kPrestatGet, "(call $f (i32.const 0) (i32.const 0))"), kBadf);
  EXPECT_EQ(errno_of(kPrestatGet, "(call $f (i32.const 3) (i32.const 0))"), kBadf);
}

// Issue 15: a socket answered ENOTDIR, on which wasi-libc's start-up scan
// exits 71, so a plain C program with --listen and --dir never ran. Every
// directory comes before every socket, and a socket answers EBADF, which
// ends the scans of wasi-libc and Go after the last directory.
TEST_F(Preview1EngineTest, PrestatScanFindsEveryDirectoryThenStopsAtTheListener) {
  char tmpl[] = "/tmp/wasinet-prestat-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  GuestOptions config = testkit::test_options("test.wasm");
  config.dirs = {{tmpl, "/a", false}, {tmpl, "/b", true}};
  config.listeners = {ListenSpec::tcp("127.0.0.1", 0)};
  ctx_ = std::make_unique<wasi::Context>();
  testkit::setup_test_context(*ctx_, config);
  runtime::Listeners listeners(config.listeners, ctx_->network.get());
  const std::vector<net::InsertedListener> listening = runtime::add_listeners(*ctx_, listeners);
  ASSERT_EQ(listening.size(), 1u);
  EXPECT_EQ(listening[0].fd, 5u);
  for (int fd : {3, 4}) {
    const std::string call = "(call $f (i32.const " + std::to_string(fd) + ") (i32.const 0))";
    EXPECT_EQ(errno_of(kPrestatGet, call), kSuccess) << "fd " << fd;
  }
  EXPECT_EQ(errno_of(kPrestatGet, "(call $f (i32.const 5) (i32.const 0))"), kBadf) << "the listener";
  EXPECT_EQ(errno_of(kPrestatGet, "(call $f (i32.const 6) (i32.const 0))"), kBadf) << "no fd";
  ::rmdir(tmpl);
}

TEST_F(Preview1EngineTest, ClockTimeGet) {
  EXPECT_EQ(errno_of(kClockTimeGet, "(call $f (i32.const 1) (i64.const 0) (i32.const 0))"), kSuccess);
  EXPECT_EQ(errno_of(kClockTimeGet, "(call $f (i32.const 99) (i64.const 0) (i32.const 0))"), kInval);
  EXPECT_EQ(errno_of(kClockTimeGet, "(call $f (i32.const 0) (i64.const 0) (i32.const 65529))"), kFault);
}

TEST_F(Preview1EngineTest, SetFlagsRejectsUnknownBits) {
  EXPECT_EQ(errno_of(kSetFlags, "(call $f (i32.const 1) (i32.const 4))"), kSuccess);
  EXPECT_EQ(errno_of(kSetFlags, "(call $f (i32.const 1) (i32.const 0x100))"), kInval);
}

}  // namespace
}  // namespace wasinet
