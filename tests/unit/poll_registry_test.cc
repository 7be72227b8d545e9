// poll_oneoff: the persistent epoll registry (wasi/poll_registry.hh), and
// the errors of the whole call.
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
#include "wasi/poll_registry.hh"

namespace wasinet::wasi {
namespace {

using namespace polltest;

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
