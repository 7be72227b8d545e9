// The wasm stack: deep recursion that wasmtime's 512 KiB default would
// refuse runs with the default 8 MiB, a host call at the bottom included;
// running out is a trap marked stack_exhausted, never a crash of the host
// (the guest runs on a thread whose native stack holds the wasm stack: an
// unbounded recursion on the test's own main thread, 8 MiB at most, would
// take the process down).
#include <gtest/gtest.h>

#include <string>

#include "abi/preview1.hh"
#include "engine/engine.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "test_options.hh"

namespace wasinet {
namespace {

// Recurses `depth` levels (-1: without end), calls random_get at the
// bottom and exits with its errno.
std::string recursion_guest(int depth) {
  return R"((module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $down (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $random (i32.const 16) (i32.const 16)))
      (else (call $down (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "_start")
    (call $exit (call $down (i32.const )" +
         std::to_string(depth) + R"()))))
)";
}

class EngineStackTest : public ::testing::Test {
 protected:
  engine::RunOutcome run(const engine::EngineOptions& options, int depth) {
    engine::Engine engine(options);
    engine::Module module = engine.compile(engine::wat_to_wasm(recursion_guest(depth)));
    wasi::Context ctx;
    GuestOptions config = testkit::test_options("stack.wasm");
    testkit::setup_test_context(ctx, config);
    return engine.run(module, functions_, &ctx);
  }
  abi::HostFunctions functions_ = abi::preview1_functions();
};

// 200,000 levels need a few MiB: more than wasmtime's default, less than ours.
constexpr int kDeep = 200'000;

TEST_F(EngineStackTest, DefaultStackHoldsDeepRecursionAndHostCalls) {
  engine::EngineOptions options;
  EXPECT_EQ(options.max_wasm_stack, size_t{8} << 20);
  engine::RunOutcome r = run(options, kDeep);
  EXPECT_EQ(r.kind, engine::RunOutcome::Kind::exited) << r.message;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.stack_exhausted);
}

TEST_F(EngineStackTest, RunningOutIsATrapMarkedStackExhausted) {
  engine::EngineOptions small;
  small.max_wasm_stack = 512 << 10;  // wasmtime's own default
  engine::RunOutcome r = run(small, kDeep);
  EXPECT_EQ(r.kind, engine::RunOutcome::Kind::trapped);
  EXPECT_TRUE(r.stack_exhausted) << r.message;

  r = run(engine::EngineOptions{}, -1);  // without end, on the full default
  EXPECT_EQ(r.kind, engine::RunOutcome::Kind::trapped);
  EXPECT_TRUE(r.stack_exhausted) << r.message;
  EXPECT_NE(r.message.find("stack"), std::string::npos) << r.message;
}

TEST_F(EngineStackTest, OtherTrapsAreNotStackExhaustion) {
  engine::Engine engine;
  engine::Module module = engine.compile(engine::wat_to_wasm(
      R"((module (memory (export "memory") 1) (func (export "_start") unreachable)))"));
  wasi::Context ctx;
  engine::RunOutcome r = engine.run(module, functions_, &ctx);
  EXPECT_EQ(r.kind, engine::RunOutcome::Kind::trapped);
  EXPECT_FALSE(r.stack_exhausted);
}

// The stack is checked at run time, not compiled in: engines with different
// stacks share compiled code (and the module cache's key).
TEST_F(EngineStackTest, StackSizeIsNotPartOfTheFingerprint) {
  engine::EngineOptions a, b;
  b.max_wasm_stack = 64 << 20;
  EXPECT_EQ(engine::Engine(a).fingerprint(), engine::Engine(b).fingerprint());
}

}  // namespace
}  // namespace wasinet
