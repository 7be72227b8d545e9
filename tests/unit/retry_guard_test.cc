// The guard that puts EAGAIN-retrying guests to sleep, on real socket pairs:
// it waits only after a run of back-to-back EAGAINs, wakes at once for
// readiness or the wake event, and a ready socket nobody reads cannot keep
// it from sleeping.
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "os/unique_fd.hh"
#include "os/wake_event.hh"
#include "wasi/fd_table.hh"
#include "wasi/retry_guard.hh"

namespace wasinet::wasi {
namespace {

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

// A guest fd whose host end is one side of a socket pair; `peer` is the
// other side, which the test writes to.
struct GuestSocket {
  Fd fd = 0;
  os::UniqueFd peer;
};

GuestSocket add_socket(FdTable& fds) {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
  FdEntry e;
  e.object = std::make_shared<SocketEnd>(sv[0]);
  auto fd = fds.insert(std::move(e));
  EXPECT_TRUE(fd.ok());
  return {*fd, os::UniqueFd(sv[1])};
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
  FdTable fds;
  GuestSocket s = add_socket(fds);
  os::WakeEvent wake;
  RetryGuard guard(quick(64));
  for (int i = 0; i < 63; ++i) EXPECT_FALSE(guard.on_again(fds, s.fd, wake.fd())) << i;
  EXPECT_EQ(guard.waits(), 0u);
  EXPECT_TRUE(guard.on_again(fds, s.fd, wake.fd()));
  EXPECT_EQ(guard.waits(), 1u);
}

TEST(RetryGuard, IdleRetriesSleepInTheKernelWithGrowingWaits) {
  FdTable fds;
  GuestSocket a = add_socket(fds), b = add_socket(fds);
  os::WakeEvent wake;
  RetryGuard guard(quick(2));
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  // Waits of 1, 2, 4, 8, 16, 16, ... ms: 20 retries sleep over 200 ms.
  for (int i = 0; i < 22; ++i) guard.on_again(fds, i % 2 ? a.fd : b.fd, wake.fd());
  const auto elapsed = Clock::now() - t0;
  const double cpu = cpu_seconds() - cpu0;
  EXPECT_EQ(guard.waits(), 21u);
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 20s);
  EXPECT_LT(cpu, 0.05) << "the waits must sleep, not spin";
}

TEST(RetryGuard, ReadinessOfAnyRetriedSocketEndsTheWaitAtOnce) {
  FdTable fds;
  GuestSocket listener = add_socket(fds), conn = add_socket(fds);
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(2);
  settings.first_wait = 30000ms;
  settings.max_wait = 30000ms;
  RetryGuard guard(settings);
  guard.on_again(fds, conn.fd, wake.fd());  // the connection is retried too
  std::thread peer([&] {
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(::write(conn.peer.get(), "x", 1), 1);
  });
  const auto t0 = Clock::now();
  EXPECT_TRUE(guard.on_again(fds, listener.fd, wake.fd()));  // waits on both
  const auto elapsed = Clock::now() - t0;
  peer.join();
  EXPECT_GE(elapsed, 50ms);
  EXPECT_LT(elapsed, 10s) << "data on the other retried socket must end the wait";
}

TEST(RetryGuard, WakeEventEndsTheWait) {
  FdTable fds;
  GuestSocket s = add_socket(fds);
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
  EXPECT_TRUE(guard.on_again(fds, s.fd, wake.fd()));
  stopper.join();
  EXPECT_LT(Clock::now() - t0, 10s);
}

TEST(RetryGuard, AReadySocketNobodyReadsWakesOneWaitOnly) {
  FdTable fds;
  GuestSocket busy = add_socket(fds), idle = add_socket(fds);
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(1);
  settings.first_wait = 300ms;
  settings.max_wait = 300ms;
  RetryGuard guard(settings);
  guard.on_again(fds, busy.fd, wake.fd());  // watched, then data arrives unread
  ASSERT_EQ(::write(busy.peer.get(), "x", 1), 1);
  auto t0 = Clock::now();
  guard.on_again(fds, idle.fd, wake.fd());
  EXPECT_LT(Clock::now() - t0, 250ms) << "the ready socket ends the first wait";
  t0 = Clock::now();
  guard.on_again(fds, idle.fd, wake.fd());
  EXPECT_GE(Clock::now() - t0, 250ms) << "an unread ready socket must not keep waking the guard";
}

TEST(RetryGuard, ProgressOrWorkBetweenCallsStartsTheCountAfresh) {
  FdTable fds;
  GuestSocket s = add_socket(fds);
  os::WakeEvent wake;
  RetryGuard guard(quick(8));
  for (int i = 0; i < 100; ++i) {
    guard.on_again(fds, s.fd, wake.fd());
    if (i % 5 == 4) guard.on_progress();
  }
  EXPECT_EQ(guard.waits(), 0u);

  RetryGuard::Settings gap = quick(8);
  gap.max_gap = std::chrono::microseconds(200);
  RetryGuard working(gap);
  for (int i = 0; i < 30; ++i) {
    working.on_again(fds, s.fd, wake.fd());
    std::this_thread::sleep_for(2ms);  // the guest computes between calls
  }
  EXPECT_EQ(working.waits(), 0u);
}

TEST(RetryGuard, DisabledNeverWaits) {
  FdTable fds;
  GuestSocket s = add_socket(fds);
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(1);
  settings.enabled = false;
  RetryGuard guard(settings);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(guard.on_again(fds, s.fd, wake.fd()));
  EXPECT_EQ(guard.waits(), 0u);
}

TEST(RetryGuard, AClosedSocketsNumberReusedByANewOneIsWatchedAgain) {
  FdTable fds;
  os::WakeEvent wake;
  RetryGuard::Settings settings = quick(1);
  settings.first_wait = 30000ms;
  settings.max_wait = 30000ms;
  RetryGuard guard(settings);
  GuestSocket old = add_socket(fds);
  ASSERT_EQ(::write(old.peer.get(), "x", 1), 1);  // so this wait ends at once
  guard.on_again(fds, old.fd, wake.fd());
  ASSERT_EQ(fds.close(old.fd), Errno::success);  // host fd closed, number free
  GuestSocket reused = add_socket(fds);           // likely the same host number
  std::thread peer([&] {
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(::write(reused.peer.get(), "y", 1), 1);
  });
  const auto t0 = Clock::now();
  guard.on_again(fds, reused.fd, wake.fd());
  peer.join();
  EXPECT_LT(Clock::now() - t0, 10s) << "the new socket must be in the wait set";
}

}  // namespace
}  // namespace wasinet::wasi
