// poll_oneoff: the core (wasi/poll.hh) with real pipes, sockets and
// clocks, and the adapter (abi/preview1_poll.cc) through guest memory.
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

#include "abi/host_function.hh"
#include "abi/layout.hh"
#include "abi/preview1.hh"
#include "engine/engine.hh"
#include "os/unique_fd.hh"
#include "wasi/context.hh"
#include "wasi/poll.hh"
#include "wasinet/config.hh"
#include "runtime/instance_setup.hh"

namespace wasinet::wasi {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kMs = 1'000'000;

// A pollable host descriptor (pipe end, socket), as a socket object would be.
class HostFdObject final : public FileObject {
 public:
  explicit HostFdObject(int fd) : fd_(fd) {}
  Filetype filetype() const override { return Filetype::unknown; }
  int host_fd() const override { return fd_.get(); }
  void close_host() { fd_.reset(); }

 private:
  os::UniqueFd fd_;
};

// A regular file: always ready, like the real file objects.
class RegularFileObject final : public FileObject {
 public:
  explicit RegularFileObject(int fd) : fd_(fd) {}
  Filetype filetype() const override { return Filetype::regular_file; }
  int host_fd() const override { return fd_.get(); }
  bool always_ready() const override { return true; }

 private:
  os::UniqueFd fd_;
};

// Something with no host descriptor that is never ready by itself.
class NoFdObject final : public FileObject {
 public:
  Filetype filetype() const override { return Filetype::directory; }
};

Fd add(FdTable& t, std::shared_ptr<FileObject> o, Rights r = rights::socket) {
  FdEntry e;
  e.object = std::move(o);
  e.rights_base = r;
  auto fd = t.insert(std::move(e));
  EXPECT_TRUE(fd.ok());
  return *fd;
}

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int p[2];
    EXPECT_EQ(::pipe2(p, O_CLOEXEC), 0);
    r = p[0];
    w = p[1];
  }
};

Subscription clock_sub(uint64_t userdata, ClockId id, Timestamp timeout, bool abstime = false) {
  Subscription s;
  s.userdata = userdata;
  s.type = EventType::clock;
  s.clock_id = static_cast<uint32_t>(id);
  s.timeout = timeout;
  s.clock_flags = abstime ? subclockflags::abstime : 0;
  return s;
}

Subscription fd_sub(uint64_t userdata, EventType type, Fd fd) {
  Subscription s;
  s.userdata = userdata;
  s.type = type;
  s.fd = fd;
  return s;
}

Timestamp now(clockid_t c) {
  timespec ts;
  clock_gettime(c, &ts);
  return static_cast<Timestamp>(ts.tv_sec) * 1'000'000'000ull + ts.tv_nsec;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct PollResult {
  Errno error = Errno::success;
  std::vector<Event> events;
  double ms = 0;
};

// The wait set the PollFd and PollClock tests use: each runs twice, with
// a ppoll per call and with the persistent epoll registry.
PollRegistry* g_registry = nullptr;

class WaitSetTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { g_registry = GetParam() ? &registry_ : nullptr; }
  void TearDown() override { g_registry = nullptr; }
  PollRegistry registry_;
};
std::string wait_set_name(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "EpollRegistry" : "Ppoll";
}

PollResult run(FdTable& fds, const std::vector<Subscription>& subs, PollOptions opts = {}) {
  if (!opts.registry) opts.registry = g_registry;
  std::vector<Event> events(subs.size());
  auto t0 = Clock::now();
  auto r = poll_oneoff(fds, subs, events, opts);
  PollResult out;
  out.ms = ms_since(t0);
  if (!r.ok()) {
    out.error = r.error();
    return out;
  }
  events.resize(*r);
  out.events = std::move(events);
  return out;
}

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
  EXPECT_LT(r.ms, 50);
}

TEST_P(ClockTest, ZeroTimeoutReturnsImmediately) {
  FdTable fds;
  auto r = run(fds, {clock_sub(1, GetParam(), 0)});
  ASSERT_EQ(r.error, Errno::success);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_LT(r.ms, 20);
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
  EXPECT_LT(cpu, 20 * kMs) << "CPU ns while sleeping: " << cpu;
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
  EXPECT_LT(r.ms, 100);
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
  EXPECT_LT(r.ms, 100);
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
  EXPECT_LT(r.ms, 100);
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
  EXPECT_LT(r.ms, 100);
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

// --- the persistent registry ----------------------------------------------

// A descriptor one call waited on, ready now but not asked for by the next
// call, must not end that call's wait (it would spin Go's netpoller).
TEST(PollRegistry, ADescriptorTheCallNoLongerWantsDoesNotEndItsWait) {
  FdTable fds;
  PollRegistry registry;
  Pipe ready_pipe, idle_pipe;
  Fd ready = add(fds, std::make_shared<HostFdObject>(ready_pipe.r));
  Fd idle = add(fds, std::make_shared<HostFdObject>(idle_pipe.r));
  os::UniqueFd w1(ready_pipe.w), w2(idle_pipe.w);
  PollOptions opts;
  opts.registry = &registry;
  ASSERT_EQ(::write(w1.get(), "x", 1), 1);
  auto first = run(fds, {fd_sub(1, EventType::fd_read, ready), fd_sub(2, EventType::fd_read, idle)}, opts);
  ASSERT_EQ(first.events.size(), 1u);
  EXPECT_EQ(registry.registered(), 2u);
  auto second = run(fds, {clock_sub(3, ClockId::monotonic, 200 * kMs), fd_sub(2, EventType::fd_read, idle)},
                    opts);
  ASSERT_EQ(second.events.size(), 1u);
  EXPECT_EQ(second.events[0].userdata, 3u) << "only the clock may fire";
  EXPECT_GE(second.ms, 150);
  EXPECT_EQ(registry.registered(), 1u);
}

// The same descriptors call after call are registered once and keep
// working; a closed one's number reused by a new object is watched anew.
TEST(PollRegistry, RegistrationsPersistAndFollowReusedNumbers) {
  FdTable fds;
  PollRegistry registry;
  PollOptions opts;
  opts.registry = &registry;
  Pipe a;
  os::UniqueFd aw(a.w);
  Fd afd = add(fds, std::make_shared<HostFdObject>(a.r));
  for (int i = 0; i < 3; ++i) {
    auto r = run(fds, {clock_sub(1, ClockId::monotonic, 1 * kMs), fd_sub(2, EventType::fd_read, afd)}, opts);
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].userdata, 1u);
  }
  const int old_number = a.r;
  ASSERT_EQ(fds.close(afd), Errno::success);  // closes the host end
  Pipe b;
  os::UniqueFd bw(b.w);
  ASSERT_EQ(b.r, old_number) << "the kernel hands out the lowest free number";
  Fd bfd = add(fds, std::make_shared<HostFdObject>(b.r));
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(::write(bw.get(), "y", 1), 1);
  });
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 10000 * kMs), fd_sub(2, EventType::fd_read, bfd)}, opts);
  writer.join();
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_LT(r.ms, 5000);
}

// epoll cannot watch /dev/null; poll calls it ready, and so do we.
TEST(PollRegistry, DescriptorsEpollCannotWatchAreReadyAtOnce) {
  FdTable fds;
  PollRegistry registry;
  PollOptions opts;
  opts.registry = &registry;
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(null_fd, 0);
  Fd fd = add(fds, std::make_shared<HostFdObject>(null_fd));
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 10000 * kMs), fd_sub(2, EventType::fd_read, fd)}, opts);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].userdata, 2u);
  EXPECT_LT(r.ms, 5000);
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
  auto t0 = Clock::now();
  for (int round = 0; round < 20; ++round) {
    auto r = run(fds, subs);
    ASSERT_EQ(r.error, Errno::success);
    ASSERT_EQ(r.events.size(), 500u);
    for (size_t j = 0; j < r.events.size(); ++j) EXPECT_EQ(r.events[j].userdata, 2 * j + 1);
  }
  EXPECT_LT(ms_since(t0), 2000);
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

// --- the whole call -------------------------------------------------------

TEST(PollCall, NoSubscriptionsIsEinval) {
  FdTable fds;
  EXPECT_EQ(run(fds, {}).error, Errno::inval);
}

TEST(PollCall, TooFewEventSlotsIsEinval) {
  FdTable fds;
  std::vector<Subscription> subs{clock_sub(1, ClockId::monotonic, 0),
                                 clock_sub(2, ClockId::monotonic, 0)};
  std::vector<Event> events(1);
  EXPECT_EQ(poll_oneoff(fds, subs, events).error(), Errno::inval);
}

TEST(PollCall, TooManySubscriptionsIsEinval) {
  FdTable fds;
  std::vector<Subscription> subs(kMaxSubscriptions + 1, clock_sub(1, ClockId::monotonic, 0));
  std::vector<Event> events(subs.size());
  EXPECT_EQ(poll_oneoff(fds, subs, events).error(), Errno::inval);
}

TEST(PollCall, WakeFdEndsAnIdleWaitWithEintr) {
  FdTable fds;
  os::UniqueFd wake(::eventfd(0, EFD_CLOEXEC));
  ASSERT_TRUE(wake.valid());
  std::thread t([&] {
    std::this_thread::sleep_for(30ms);
    uint64_t one = 1;
    ASSERT_EQ(::write(wake.get(), &one, 8), 8);
  });
  auto r = run(fds, {clock_sub(1, ClockId::monotonic, 5000 * kMs)}, {.wake_fd = wake.get()});
  t.join();
  EXPECT_EQ(r.error, Errno::intr);
  EXPECT_LT(r.ms, 2000);
  // With something ready, the events win.
  r = run(fds, {clock_sub(1, ClockId::monotonic, 0)}, {.wake_fd = wake.get()});
  ASSERT_EQ(r.error, Errno::success);
  EXPECT_EQ(r.events.size(), 1u);
}

}  // namespace
}  // namespace wasinet::wasi

// --- the adapter, through guest memory --------------------------------------

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
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
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
    RunConfig config;
    config.module = "poll.wasm";
    runtime::setup_context(ctx_, config);
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
