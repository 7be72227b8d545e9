// The retry guard (net/retry_guard.hh), which puts EAGAIN-retrying guests to
// sleep, on real socket pairs: it waits only after a run of back-to-back
// EAGAINs, wakes at once for readiness or the wake event, and a ready socket
// nobody reads cannot keep it from sleeping; retry_guarded calls again after
// a wait, and only with a guard.
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "net/retry_guard.hh"
#include "os/unique_fd.hh"
#include "os/wake_event.hh"
#include "wasi/context.hh"

namespace wasinet::net {
namespace {

using wasi::Errno;
using wasi::FileObject;
using wasi::Filetype;

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class SocketEnd final : public FileObject {
 public:
  explicit SocketEnd(int fd) : fd_(fd) {}
  Filetype filetype() const override { return Filetype::socket_stream; }
  int host_fd() const override { return fd_.get(); }

 private:
  os::UniqueFd fd_;
};

// A guest's socket whose host end is one side of a socket pair; `peer` is
// the other side, which the test writes to.
struct GuestSocket {
  std::shared_ptr<FileObject> object;
  os::UniqueFd peer;
};

GuestSocket add_socket() {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
  return {std::make_shared<SocketEnd>(sv[0]), os::UniqueFd(sv[1])};
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

RetryGuard::Settings quick(unsigned streak) {
  RetryGuard::Settings s;
  s.streak = streak;
  s.max_gap = 1s;  // back to back, whatever the machine's load
  return s;
}

TEST(RetryGuard, WaitsOnlyAfterARunOfEagains) {
  GuestSocket s = add_socket();
  os::WakeEvent wake;
  RetryGuard guard(quick(64));
  for (int i = 0; i < 63; ++i) EXPECT_FALSE(guard.on_again(s.object, wake.fd())) << i;
  EXPECT_EQ(guard.waits(), 0u);
  EXPECT_TRUE(guard.on_again(s.object, wake.fd()));
  EXPECT_EQ(guard.waits(), 1u);
}

TEST(RetryGuard, IdleRetriesSleepInTheKernelWithGrowingWaits) {
  GuestSocket a = add_socket(), b = add_socket();
  os::WakeEvent wake;
  RetryGuard guard(quick(2));
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  // Waits of 1, 2, 4, 8, 16, 16, ... ms: 20 retries sleep over 200 ms.
  for (int i = 0; i < 22; ++i) guard.on_again(i % 2 ? a.object : b.object, wake.fd());
  const auto elapsed = Clock::now() - t0;
  const double cpu = cpu_seconds() - cpu0;
  EXPECT_EQ(guard.waits(), 21u);
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 20s);
  // Spinning through the 200 ms and more of waits would cost as much CPU.
  EXPECT_LT(cpu, 0.1) << "the waits must sleep, not spin";
}

TEST(RetryGuard, ReadinessOfAnyRetriedSocketEndsTheWaitAtOnce) {
  GuestSocket listener = add_socket(), conn = add_socket();
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(2);
  settings.first_wait = 30000ms;
  settings.max_wait = 30000ms;
  RetryGuard guard(settings);
  guard.on_again(conn.object, wake.fd());  // the connection is retried too
  std::thread peer([&] {
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(::write(conn.peer.get(), "x", 1), 1);
  });
  const auto t0 = Clock::now();
  EXPECT_TRUE(guard.on_again(listener.object, wake.fd()));  // waits on both
  const auto elapsed = Clock::now() - t0;
  peer.join();
  EXPECT_GE(elapsed, 50ms);
  EXPECT_LT(elapsed, 10s) << "data on the other retried socket must end the wait";
}

TEST(RetryGuard, WakeEventEndsTheWait) {
  GuestSocket s = add_socket();
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(1);
  settings.first_wait = 30000ms;
  settings.max_wait = 30000ms;
  RetryGuard guard(settings);
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    wake.fire();
  });
  const auto t0 = Clock::now();
  EXPECT_TRUE(guard.on_again(s.object, wake.fd()));
  stopper.join();
  EXPECT_LT(Clock::now() - t0, 10s);
}

TEST(RetryGuard, AReadySocketNobodyReadsWakesOneWaitOnly) {
  GuestSocket busy = add_socket(), idle = add_socket();
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(1);
  // Waits of 800 ms, told apart with margins a loaded machine keeps.
  settings.first_wait = 800ms;
  settings.max_wait = 800ms;
  RetryGuard guard(settings);
  guard.on_again(busy.object, wake.fd());  // watched, then data arrives unread
  ASSERT_EQ(::write(busy.peer.get(), "x", 1), 1);
  auto t0 = Clock::now();
  guard.on_again(idle.object, wake.fd());
  EXPECT_LT(Clock::now() - t0, 400ms) << "the ready socket ends the first wait";
  t0 = Clock::now();
  guard.on_again(idle.object, wake.fd());
  EXPECT_GE(Clock::now() - t0, 700ms) << "an unread ready socket must not keep waking the guard";
}

TEST(RetryGuard, ProgressOrWorkBetweenCallsStartsTheCountAfresh) {
  GuestSocket s = add_socket();
  os::WakeEvent wake;
  RetryGuard guard(quick(8));
  for (int i = 0; i < 100; ++i) {
    guard.on_again(s.object, wake.fd());
    if (i % 5 == 4) guard.on_progress();
  }
  EXPECT_EQ(guard.waits(), 0u);

  RetryGuard::Settings gap = quick(8);
  gap.max_gap = std::chrono::microseconds(200);
  RetryGuard working(gap);
  for (int i = 0; i < 30; ++i) {
    working.on_again(s.object, wake.fd());
    std::this_thread::sleep_for(2ms);  // the guest computes between calls
  }
  EXPECT_EQ(working.waits(), 0u);
}

// The adapters' wrapper: without a guard the call is made once; with one,
// an EAGAIN that made the guard wait is followed by one more attempt.
TEST(RetryGuard, RetryGuardedCallsAgainAfterAWaitAndOnlyWithAGuard) {
  wasi::Context ctx;
  GuestSocket s = add_socket();
  int calls = 0;
  const auto eagain = [&] {
    ++calls;
    return wasi::Result<int>(Errno::again);
  };
  EXPECT_EQ(retry_guarded(ctx, s.object, eagain).error(), Errno::again);
  EXPECT_EQ(calls, 1);
  RetryGuard::Settings settings = quick(1);
  settings.first_wait = 1ms;
  ctx.retry_guard = std::make_shared<RetryGuard>(settings);
  calls = 0;
  EXPECT_EQ(retry_guarded(ctx, s.object, eagain).error(), Errno::again);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(ctx.retry_guard->waits(), 1u);
  calls = 0;
  const auto works = [&] {
    ++calls;
    return wasi::Result<int>(7);
  };
  EXPECT_EQ(*retry_guarded(ctx, s.object, works), 7);
  EXPECT_EQ(calls, 1);
}

TEST(RetryGuard, AClosedSocketsNumberReusedByANewOneIsWatchedAgain) {
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(1);
  settings.first_wait = 30000ms;
  settings.max_wait = 30000ms;
  RetryGuard guard(settings);
  GuestSocket old = add_socket();
  ASSERT_EQ(::write(old.peer.get(), "x", 1), 1);  // so this wait ends at once
  guard.on_again(old.object, wake.fd());
  old.object.reset();                            // host fd closed, number free
  GuestSocket reused = add_socket();           // likely the same host number
  std::thread peer([&] {
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(::write(reused.peer.get(), "y", 1), 1);
  });
  const auto t0 = Clock::now();
  guard.on_again(reused.object, wake.fd());
  peer.join();
  EXPECT_LT(Clock::now() - t0, 10s) << "the new socket must be in the wait set";
}

}  // namespace
}  // namespace wasinet::net
