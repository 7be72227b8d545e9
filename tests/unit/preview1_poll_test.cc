// poll_oneoff's adapter (abi/preview1_poll.cc): through guest memory, and
// through the real engine.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "abi/host_function.hh"
#include "abi/layout.hh"
#include "abi/preview1.hh"
#include "engine/engine.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasi/poll.hh"
#include "wasinet/config.hh"
#include "test_options.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

class PollAdapter : public ::testing::Test {
 protected:
  PollAdapter() : mem_(64 * 1024) {
    HostFunctions fns;
    add_preview1_poll(fns);
    for (auto& f : fns)
      if (f.name == "poll_oneoff") fn_ = f;
  }

  // Calls poll_oneoff(in, out, n, nevents) as the engine would.
  Errno call(uint64_t in, uint64_t out, uint64_t n, uint64_t nevents) {
    const uint64_t args[] = {in, out, n, nevents};
    return static_cast<Errno>(fn_.callback(&ctx_, mem_, args).value);
  }

  void put_clock(uint32_t at, uint64_t userdata, uint32_t id, uint64_t timeout, uint16_t flags = 0) {
    WasiSubscription s{};
    s.userdata = userdata;
    s.tag = 0;
    s.u.clock.id = id;
    s.u.clock.timeout = timeout;
    s.u.clock.flags = flags;
    std::memcpy(mem_.data() + at, &s, sizeof s);
  }
  void put_fd(uint32_t at, uint64_t userdata, uint8_t tag, uint32_t fd) {
    WasiSubscription s{};
    s.userdata = userdata;
    s.tag = tag;
    s.u.fd_readwrite.fd = fd;
    std::memcpy(mem_.data() + at, &s, sizeof s);
  }
  WasiEvent event_at(uint32_t at) {
    WasiEvent e;
    std::memcpy(&e, mem_.data() + at, sizeof e);
    return e;
  }
  uint32_t u32_at(uint32_t at) {
    uint32_t v;
    std::memcpy(&v, mem_.data() + at, 4);
    return v;
  }

  std::vector<uint8_t> mem_;
  wasi::Context ctx_;
  engine::HostFunction fn_;
};

TEST_F(PollAdapter, IsRegisteredWithTheWitxSignature) {
  ASSERT_NE(fn_.callback, nullptr);
  EXPECT_EQ(fn_.module, "wasi_snapshot_preview1");
  EXPECT_EQ(fn_.params.size(), 4u);
  for (auto p : fn_.params) EXPECT_EQ(p, engine::ValType::i32);
  ASSERT_EQ(fn_.results.size(), 1u);
  EXPECT_EQ(fn_.results[0], engine::ValType::i32);
}

TEST_F(PollAdapter, EncodesEventsAndCount) {
  put_clock(0, 0x1122334455667788ull, 1, 0);
  put_fd(48, 5, 1, 42);           // bad fd
  put_clock(96, 6, 1, 5'000'000'000ull);  // not ready
  std::memset(mem_.data() + 1024, 0xAB, 3 * 32);
  ASSERT_EQ(call(0, 1024, 3, 2048), Errno::success);
  EXPECT_EQ(u32_at(2048), 2u);
  WasiEvent e0 = event_at(1024), e1 = event_at(1056);
  EXPECT_EQ(e0.userdata, 0x1122334455667788ull);
  EXPECT_EQ(e0.error, 0);
  EXPECT_EQ(e0.type, 0);
  EXPECT_EQ(e0.nbytes, 0u);
  EXPECT_EQ(e0.flags, 0);
  for (uint8_t b : e0.pad0) EXPECT_EQ(b, 0);
  EXPECT_EQ(e1.userdata, 5u);
  EXPECT_EQ(e1.error, static_cast<uint16_t>(Errno::badf));
  EXPECT_EQ(e1.type, 1);
  // The third slot is untouched.
  EXPECT_EQ(mem_[1024 + 64], 0xAB);
}

TEST_F(PollAdapter, UnalignedPointersWork) {
  put_clock(3, 9, 0, 0);
  ASSERT_EQ(call(3, 1001, 1, 2049), Errno::success);
  EXPECT_EQ(u32_at(2049), 1u);
  EXPECT_EQ(event_at(1001).userdata, 9u);
}

TEST_F(PollAdapter, ZeroSubscriptionsIsEinval) {
  EXPECT_EQ(call(0, 1024, 0, 2048), Errno::inval);
}

TEST_F(PollAdapter, UnknownTagIsEinval) {
  put_clock(0, 1, 1, 0);
  put_fd(48, 2, 3, 0);
  EXPECT_EQ(call(0, 1024, 2, 2048), Errno::inval);
  put_fd(48, 2, 0xFF, 0);
  EXPECT_EQ(call(0, 1024, 2, 2048), Errno::inval);
}

TEST_F(PollAdapter, BadRangesAreEfaultBeforeAnyWait) {
  const uint32_t size = static_cast<uint32_t>(mem_.size());
  put_clock(0, 1, 1, 5'000'000'000ull);  // would block for 5 s
  auto t0 = std::chrono::steady_clock::now();
  // Subscriptions past the end.
  EXPECT_EQ(call(size - 47, 1024, 1, 2048), Errno::fault);
  EXPECT_EQ(call(0xFFFFFFF0u, 1024, 1, 2048), Errno::fault);
  // Out cannot hold n events (n * 32 past the end).
  EXPECT_EQ(call(0, size - 31, 1, 2048), Errno::fault);
  put_clock(48, 2, 1, 5'000'000'000ull);
  EXPECT_EQ(call(0, size - 63, 2, 2048), Errno::fault);
  // nevents past the end.
  EXPECT_EQ(call(0, 1024, 1, size - 3), Errno::fault);
  EXPECT_EQ(call(0, 1024, 1, 0xFFFFFFFFu), Errno::fault);
  // Huge counts: ranges overflow 32 bits.
  EXPECT_EQ(call(0, 1024, 0xFFFFFFFFu, 2048), Errno::fault);
  EXPECT_EQ(call(0, 1024, 0x80000000u, 2048), Errno::fault);
  // Ten calls, each of which would wait 5 s if it got that far.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2500));
}

TEST_F(PollAdapter, ExactEndIsFine) {
  const uint32_t size = static_cast<uint32_t>(mem_.size());
  put_clock(size - 48, 77, 1, 0);
  ASSERT_EQ(call(size - 48, size - 32, 1, size - 4), Errno::success);
  EXPECT_EQ(u32_at(size - 4), 1u);
}

TEST_F(PollAdapter, OverlappingInAndOutAreDecodedFirst) {
  put_clock(0, 1, 1, 0);
  put_clock(48, 2, 1, 0);
  ASSERT_EQ(call(0, 0, 2, 4096), Errno::success);
  EXPECT_EQ(u32_at(4096), 2u);
  EXPECT_EQ(event_at(0).userdata, 1u);
  EXPECT_EQ(event_at(32).userdata, 2u);
}

TEST_F(PollAdapter, ManySubscriptionsUseTheHeapPath) {
  for (uint32_t i = 0; i < 100; ++i) put_clock(i * 48, i, 1, i == 57 ? 0 : 5'000'000'000ull);
  ASSERT_EQ(call(0, 8192, 100, 16384), Errno::success);
  EXPECT_EQ(u32_at(16384), 1u);
  EXPECT_EQ(event_at(8192).userdata, 57u);
}


// --- through the real engine ------------------------------------------------

// A WAT guest calls poll_oneoff once and exits with errno * 100 + nevents.
class PollThroughEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    GuestOptions config = testkit::test_options("poll.wasm");
    testkit::setup_test_context(ctx_, config);
  }

  // n zero bytes, as a WAT string.
  static std::string zeros(int n) {
    std::string z;
    for (int i = 0; i < n; ++i) z += "\\00";
    return z;
  }

  // `timeout_le`: the clock subscription's timeout as 8 escaped WAT bytes.
  int exit_of(const std::string& args, const std::string& timeout_le = zeros(8)) {
    const std::string sub = "\\2a" + zeros(7) +          // userdata 42
                            zeros(8) +                    // tag: clock
                            "\\01" + zeros(7) +          // id: monotonic
                            timeout_le + zeros(8 + 8);  // precision, flags
    const std::string wat =
        "(module\n"
        "(import \"wasi_snapshot_preview1\" \"poll_oneoff\" (func $poll (param i32 i32 i32 i32) (result i32)))\n"
        "(import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n"
        "(memory (export \"memory\") 1)\n"
        "(data (i32.const 0) \"" + sub + "\")\n"
        "(func (export \"_start\") (call $exit (i32.add (i32.mul (call $poll " + args +
        ") (i32.const 100)) (i32.load (i32.const 200))))))";
    engine::Module module = engine_.compile(engine::wat_to_wasm(wat));
    engine::RunOutcome r = engine_.run(module, functions_, &ctx_);
    EXPECT_EQ(r.kind, engine::RunOutcome::Kind::exited) << r.message;
    return r.exit_code;
  }

  engine::Engine engine_;
  HostFunctions functions_ = preview1_functions();
  wasi::Context ctx_;
};

TEST_F(PollThroughEngine, ClockEventAndCount) {
  EXPECT_EQ(exit_of("(i32.const 0) (i32.const 64) (i32.const 1) (i32.const 200)"), 1);
}

TEST_F(PollThroughEngine, SleepsInsideTheCall) {
  // 50 ms = 0x02FAF080.
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(exit_of("(i32.const 0) (i32.const 64) (i32.const 1) (i32.const 200)",
                    "\\80\\f0\\fa\\02\\00\\00\\00\\00"),
            1);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(50));
}

TEST_F(PollThroughEngine, HostilePointers) {
  constexpr int kFault = 21 * 100, kInval = 28 * 100;
  EXPECT_EQ(exit_of("(i32.const 65500) (i32.const 64) (i32.const 1) (i32.const 200)"), kFault);
  EXPECT_EQ(exit_of("(i32.const -1) (i32.const 64) (i32.const 1) (i32.const 200)"), kFault);
  EXPECT_EQ(exit_of("(i32.const 0) (i32.const 65510) (i32.const 1) (i32.const 200)"), kFault);
  EXPECT_EQ(exit_of("(i32.const 0) (i32.const 64) (i32.const 1) (i32.const 65533)"), kFault);
  EXPECT_EQ(exit_of("(i32.const 0) (i32.const 64) (i32.const -1) (i32.const 200)"), kFault);
  EXPECT_EQ(exit_of("(i32.const 0) (i32.const 64) (i32.const 0) (i32.const 200)"), kInval);
}

}  // namespace
}  // namespace wasinet::abi
