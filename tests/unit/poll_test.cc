// poll_oneoff's core (wasi/poll.hh) with real pipes, sockets and clocks;
// each PollFd and PollClock test runs with a ppoll per call and with the
// persistent epoll registry. The registry itself and the whole call:
// poll_registry_test.cc; the adapter: preview1_poll_test.cc.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "os/unique_fd.hh"
#include "poll_helpers.hh"
#include "wasi/poll.hh"

namespace wasinet::wasi {
namespace {

using namespace polltest;

class PollFd : public WaitSetTest {};
class PollClock : public WaitSetTest {};
INSTANTIATE_TEST_SUITE_P(WaitSets, PollFd, ::testing::Bool(), wait_set_name);
INSTANTIATE_TEST_SUITE_P(WaitSets, PollClock, ::testing::Bool(), wait_set_name);

// --- clocks ---------------------------------------------------------------

class ClockTest : public ::testing::TestWithParam<ClockId> {};

TEST_P(ClockTest, RelativeTimeoutSleepsAtLeastThatLong) {
  FdTable fds;
  auto r = run(fds, {clock_sub(7, GetParam(), 50 * kMs)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 7u);
  EXPECT_EQ(r.events[0].type, EventType::clock);
  EXPECT_EQ(r.events[0].error, Errno::success);
  EXPECT_GE(r.ms, 49.9);
  EXPECT_LT(r.ms, 1000);
}

TEST_P(ClockTest, AbsoluteDeadlineIsHonoured) {
  FdTable fds;
  const clockid_t host = GetParam() == ClockId::realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC;
  const Timestamp deadline = now(host) + 60 * kMs;
  auto r = run(fds, {clock_sub(8, GetParam(), deadline, /*abstime=*/true)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 8u);
  EXPECT_GE(now(host), deadline);
  EXPECT_GE(r.ms, 55);
  EXPECT_LT(r.ms, 1000);
}

TEST_P(ClockTest, AbsoluteDeadlineInThePastIsReadyAtOnce) {
  FdTable fds;
  auto r = run(fds, {clock_sub(9, GetParam(), 1, /*abstime=*/true)});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_LT(r.ms, kAtOnceMs);
}

TEST_P(ClockTest, ZeroTimeoutReturnsImmediately) {
  FdTable fds;
  auto r = run(fds, {clock_sub(1, GetParam(), 0)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_LT(r.ms, kAtOnceMs);
}

INSTANTIATE_TEST_SUITE_P(BothClocks, ClockTest,
                         ::testing::Values(ClockId::realtime, ClockId::monotonic));

TEST_P(PollClock, EarliestOfSeveralClocksWins) {
  FdTable fds;
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 2000 * kMs),
                     clock_sub(2, ClockId::realtime, 40 * kMs),
                     clock_sub(3, ClockId::monotonic, 1000 * kMs)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_GE(r.ms, 39.9);
  EXPECT_LT(r.ms, 900);
}

TEST_P(PollClock, HugeTimeoutDoesNotOverflow) {
  FdTable fds;
  // UINT64_MAX relative would wrap if added naively; with a short clock
  // beside it the call must still end on the short one.
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, UINT64_MAX),
                     clock_sub(2, ClockId::monotonic, 10 * kMs)});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  // Alone, huge relative and absolute timeouts are valid kernel timeouts.
  Pipe p;
  os::UniqueFd rd(p.r);
  Fd w = add(fds, std::make_shared<HostFdObject>(p.w));
  r = run(fds, {clock_sub(1, ClockId::monotonic, UINT64_MAX),
                clock_sub(2, ClockId::realtime, UINT64_MAX, /*abstime=*/true),
                fd_sub(3, EventType::fd_write, w)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 3u);
}

TEST_P(PollClock, CpuTimeAndUnknownClocksGiveEinvalEvents) {
  FdTable fds;
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 5000 * kMs),
                     clock_sub(2, ClockId::process_cputime, 10 * kMs),
                     clock_sub(3, static_cast<ClockId>(99), 10 * kMs)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_EQ(r.events[0].error, Errno::inval);
  EXPECT_EQ(r.events[1].userdata, 3u);
  EXPECT_EQ(r.events[1].error, Errno::inval);
  EXPECT_LT(r.ms, 1000);
}

TEST_P(PollClock, SleepingCostsNoCpu) {
  FdTable fds;
  auto cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 200 * kMs)});
  auto cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_GE(r.ms, 199.9);
  // Spinning for the 200 ms would cost about 200 ms of CPU.
  EXPECT_LT(cpu, 50 * kMs) << "CPU ns while sleeping: " << cpu;
}

// A signal interrupts ppoll; the call must wait out the rest, not return
// early with nothing and not fail.
TEST_P(PollClock, SignalDuringWaitResumesWithRemainingTime) {
  struct sigaction sa {}, old{};
  sa.sa_handler = [](int) {};
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: ppoll sees EINTR
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  pthread_t self = pthread_self();
  std::thread t([self] {
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(20ms);
      pthread_kill(self, SIGUSR1);
    }
  });
  FdTable fds;
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 200 * kMs)});
  t.join();
  sigaction(SIGUSR1, &old, nullptr);
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_GE(r.ms, 199.9);
  EXPECT_LT(r.ms, 1000);
}

// --- fds ------------------------------------------------------------------

TEST_P(PollFd, PipeBecomingReadableWakesTheWait) {
  FdTable fds;
  Pipe p;
  Fd rfd = add(fds, std::make_shared<HostFdObject>(p.r));
  os::UniqueFd w(p.w);
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(::write(w.get(), "hello", 5), 5);
  });
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 5000 * kMs),
                     fd_sub(2, EventType::fd_read, rfd)});
  writer.join();
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_EQ(r.events[0].type, EventType::fd_read);
  EXPECT_EQ(r.events[0].error, Errno::success);
  EXPECT_EQ(r.events[0].nbytes, 5u);
  EXPECT_EQ(r.events[0].flags, 0);
  EXPECT_GE(r.ms, 40);
  EXPECT_LT(r.ms, 2000);
}

TEST_P(PollFd, FdOnlyWaitHasNoTimeout) {
  FdTable fds;
  Pipe p;
  Fd rfd = add(fds, std::make_shared<HostFdObject>(p.r));
  os::UniqueFd w(p.w);
  std::thread writer([&] {
    std::this_thread::sleep_for(30ms);
    ASSERT_EQ(::write(w.get(), "x", 1), 1);
  });
  auto r = run(fds, {fd_sub(2, EventType::fd_read, rfd)});
  writer.join();
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].nbytes, 1u);
}

TEST_P(PollFd, EmptyPipeWriteEndIsWritable) {
  FdTable fds;
  Pipe p;
  os::UniqueFd rd(p.r);
  Fd wfd = add(fds, std::make_shared<HostFdObject>(p.w));
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 5000 * kMs),
                     fd_sub(2, EventType::fd_write, wfd)});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_EQ(r.events[0].type, EventType::fd_write);
  EXPECT_EQ(r.events[0].error, Errno::success);
  EXPECT_LT(r.ms, kAtOnceMs);
}

TEST_P(PollFd, ReadAndWriteOnOneFdAreBothReported) {
  FdTable fds;
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  Fd a = add(fds, std::make_shared<HostFdObject>(sv[0]));
  os::UniqueFd peer(sv[1]);
  // Writable only at first.
  auto r = run(fds, {fd_sub(1, EventType::fd_read, a), fd_sub(2, EventType::fd_write, a)});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  // Once the peer writes, both, in subscription order.
  ASSERT_EQ(::write(peer.get(), "abc", 3), 3);
  r = run(fds, {fd_sub(1, EventType::fd_read, a), fd_sub(2, EventType::fd_write, a)});
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].userdata, 1u);
  EXPECT_EQ(r.events[0].type, EventType::fd_read);
  EXPECT_EQ(r.events[0].nbytes, 3u);
  EXPECT_EQ(r.events[1].userdata, 2u);
  EXPECT_EQ(r.events[1].type, EventType::fd_write);
}

TEST_P(PollFd, ClosedWriteEndGivesHangupToReadAndWriteWaiters) {
  FdTable fds;
  Pipe p;
  Fd rfd = add(fds, std::make_shared<HostFdObject>(p.r));
  std::thread closer([&] {
    std::this_thread::sleep_for(30ms);
    ::close(p.w);
  });
  auto r = run(fds, {fd_sub(1, EventType::fd_read, rfd), fd_sub(2, EventType::fd_write, rfd),
                     clock_sub(3, ClockId::monotonic, 5000 * kMs)});
  closer.join();
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(r.events[i].userdata, uint64_t(i + 1));
    EXPECT_EQ(r.events[i].flags & eventrwflags::hangup, eventrwflags::hangup);
    EXPECT_EQ(r.events[i].error, Errno::success);
  }
  EXPECT_EQ(r.events[0].type, EventType::fd_read);
  EXPECT_EQ(r.events[1].type, EventType::fd_write);
}

TEST_P(PollFd, PollErrWakesReadAndWriteWaitersWithAnError) {
  FdTable fds;
  Pipe p;
  ::close(p.r);  // the write end now reports POLLERR
  Fd wfd = add(fds, std::make_shared<HostFdObject>(p.w));
  auto r = run(fds, {fd_sub(1, EventType::fd_read, wfd), fd_sub(2, EventType::fd_write, wfd)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].type, EventType::fd_read);
  EXPECT_EQ(r.events[0].error, Errno::io);
  EXPECT_EQ(r.events[1].type, EventType::fd_write);
  EXPECT_EQ(r.events[1].error, Errno::io);
}

TEST_P(PollFd, HostDescriptorClosedUnderneathGivesBadfEvent) {
  FdTable fds;
  Pipe p;
  os::UniqueFd w(p.w);
  auto obj = std::make_shared<HostFdObject>(p.r);
  Fd rfd = add(fds, obj);
  // Simulate a host bug/race: the descriptor number is no longer open.
  int stale = obj->host_fd();
  obj->close_host();
  class Stale final : public FileObject {
   public:
    explicit Stale(int fd) : fd_(fd) {}
    Filetype filetype() const override { return Filetype::unknown; }
    int host_fd() const override { return fd_; }
    int fd_;
  };
  ASSERT_EQ(fds.close(rfd), Errno::success);
  Fd sfd = add(fds, std::make_shared<Stale>(stale));
  auto r = run(fds, {fd_sub(1, EventType::fd_read, sfd), fd_sub(2, EventType::fd_write, sfd)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].error, Errno::badf);
  EXPECT_EQ(r.events[1].error, Errno::badf);
}

TEST_P(PollFd, BadFdIsAnErrorEventNotAFailedCall) {
  FdTable fds;
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 5000 * kMs),
                     fd_sub(2, EventType::fd_read, 99), fd_sub(3, EventType::fd_write, 1u << 31)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_EQ(r.events[0].error, Errno::badf);
  EXPECT_EQ(r.events[0].type, EventType::fd_read);
  EXPECT_EQ(r.events[1].userdata, 3u);
  EXPECT_EQ(r.events[1].error, Errno::badf);
  EXPECT_EQ(r.events[1].type, EventType::fd_write);
  EXPECT_LT(r.ms, kAtOnceMs);
}

TEST_P(PollFd, ErrorEventsStillReportOtherReadyFds) {
  FdTable fds;
  Pipe p;
  os::UniqueFd rd(p.r);
  Fd wfd = add(fds, std::make_shared<HostFdObject>(p.w));
  auto r = run(fds, {fd_sub(1, EventType::fd_read, 42), fd_sub(2, EventType::fd_write, wfd)});
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].error, Errno::badf);
  EXPECT_EQ(r.events[1].userdata, 2u);
  EXPECT_EQ(r.events[1].error, Errno::success);
}

TEST_P(PollFd, MissingPollRightIsNotcapable) {
  FdTable fds;
  Pipe p;
  os::UniqueFd w(p.w);
  Fd rfd = add(fds, std::make_shared<HostFdObject>(p.r), rights::fd_read);
  auto r = run(fds, {fd_sub(1, EventType::fd_read, rfd)});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].error, Errno::notcapable);
}

TEST_P(PollFd, ObjectWithoutHostFdIsNotsup) {
  FdTable fds;
  Fd d = add(fds, std::make_shared<NoFdObject>(), rights::all);
  auto r = run(fds, {fd_sub(1, EventType::fd_read, d), clock_sub(2, ClockId::monotonic, 5000 * kMs)});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].error, Errno::notsup);
  EXPECT_LT(r.ms, kAtOnceMs);
}

TEST_P(PollFd, RegularFileIsAlwaysReadyWithBytesLeft) {
  FdTable fds;
  char path[] = "/tmp/wasinet_poll_XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  ASSERT_EQ(::write(fd, "0123456789", 10), 10);
  ASSERT_EQ(::lseek(fd, 4, SEEK_SET), 4);
  Fd f = add(fds, std::make_shared<RegularFileObject>(fd), rights::regular_file);
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 5000 * kMs), fd_sub(2, EventType::fd_read, f),
                     fd_sub(3, EventType::fd_write, f)});
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_EQ(r.events[0].nbytes, 6u);
  EXPECT_EQ(r.events[1].userdata, 3u);
  EXPECT_EQ(r.events[1].nbytes, 0u);
  EXPECT_LT(r.ms, kAtOnceMs);
}

TEST_P(PollFd, ReadyEventsComeInSubscriptionOrder) {
  FdTable fds;
  Pipe p1, p2;
  Fd r1 = add(fds, std::make_shared<HostFdObject>(p1.r));
  Fd w1 = add(fds, std::make_shared<HostFdObject>(p1.w));
  Fd r2 = add(fds, std::make_shared<HostFdObject>(p2.r));
  Fd w2 = add(fds, std::make_shared<HostFdObject>(p2.w));
  ASSERT_EQ(::write(p2.w, "z", 1), 1);
  auto r = run(fds, {fd_sub(10, EventType::fd_write, w2), fd_sub(11, EventType::fd_read, r1),
                     clock_sub(12, ClockId::monotonic, 0), fd_sub(13, EventType::fd_read, r2),
                     fd_sub(14, EventType::fd_write, w1), fd_sub(15, EventType::fd_read, 77)});
  ASSERT_EQ(r.error, Errno::success);
  std::vector<uint64_t> got;
  for (auto& e : r.events) got.push_back(e.userdata);
  EXPECT_EQ(got, (std::vector<uint64_t>{10, 12, 13, 14, 15}));
}

TEST_P(PollFd, ThousandSubscriptions) {
  FdTable fds;
  std::vector<Fd> readers, writers;
  for (int i = 0; i < 250; ++i) {
    Pipe p;
    readers.push_back(add(fds, std::make_shared<HostFdObject>(p.r)));
    writers.push_back(add(fds, std::make_shared<HostFdObject>(p.w)));
  }
  std::vector<Subscription> subs;
  for (int i = 0; i < 1000; ++i) {
    const int k = i % 250;
    if (i % 2 == 0)
      subs.push_back(fd_sub(i, EventType::fd_read, readers[k]));  // never ready
    else
      subs.push_back(fd_sub(i, EventType::fd_write, writers[k]));  // always ready
  }
  subs.push_back(clock_sub(5000, ClockId::monotonic, 5000 * kMs));
  for (int round = 0; round < 20; ++round) {
    auto r = run(fds, subs);
    ASSERT_EQ(r.error, Errno::success);
    ASSERT_EQ(r.events.size(), 500u);
    for (size_t j = 0; j < r.events.size(); ++j) EXPECT_EQ(r.events[j].userdata, 2 * j + 1);
    EXPECT_LT(r.ms, kAtOnceMs) << "round " << round << " waited for the clock";
  }
  // And 1000 clocks, the last one earliest.
  subs.clear();
  for (int i = 0; i < 1000; ++i)
    subs.push_back(clock_sub(i, i % 2 ? ClockId::realtime : ClockId::monotonic,
                             (i == 999 ? 10 : 5000) * kMs));
  auto r = run(fds, subs);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 999u);
}

// Subscriptions on one fd share one pollfd, so repeating an fd never runs
// into poll's nfds <= RLIMIT_NOFILE limit.
TEST_P(PollFd, RepeatedFdBeyondOpenFileLimit) {
  struct rlimit old;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  FdTable fds;
  Pipe p;
  os::UniqueFd rd(p.r);
  Fd wfd = add(fds, std::make_shared<HostFdObject>(p.w));
  struct rlimit low = old;
  low.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<Subscription> subs;
  for (int i = 0; i < 3000; ++i) subs.push_back(fd_sub(i, EventType::fd_write, wfd));
  auto r = run(fds, subs);
  setrlimit(RLIMIT_NOFILE, &old);
  ASSERT_EQ(r.error, Errno::success);
  EXPECT_EQ(r.events.size(), 3000u);
}

}  // namespace
}  // namespace wasinet::wasi
