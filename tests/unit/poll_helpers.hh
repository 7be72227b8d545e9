#pragma once
// What the poll_oneoff tests share (poll_test.cc, poll_registry_test.cc):
// file objects over real pipes, subscriptions, and a call that times itself.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "os/unique_fd.hh"
#include "wasi/fd_table.hh"
#include "wasi/poll.hh"

namespace wasinet::wasi::polltest {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kMs = 1'000'000;

// "At once", in ms: far below the 5 s clock such a call must not wait for,
// far above what a loaded machine or a sanitizer build adds to one call.
constexpr double kAtOnceMs = 1000;

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

inline Fd add(FdTable& t, std::shared_ptr<FileObject> o, Rights r = rights::socket) {
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

inline Subscription clock_sub(uint64_t userdata, ClockId id, Timestamp timeout, bool abstime = false) {
  Subscription s;
  s.userdata = userdata;
  s.type = EventType::clock;
  s.clock_id = static_cast<uint32_t>(id);
  s.timeout = timeout;
  s.clock_flags = abstime ? subclockflags::abstime : 0;
  return s;
}

inline Subscription fd_sub(uint64_t userdata, EventType type, Fd fd) {
  Subscription s;
  s.userdata = userdata;
  s.type = type;
  s.fd = fd;
  return s;
}

inline Timestamp now(clockid_t c) {
  timespec ts;
  clock_gettime(c, &ts);
  return static_cast<Timestamp>(ts.tv_sec) * 1'000'000'000ull + ts.tv_nsec;
}

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct PollResult {
  Errno error = Errno::success;
  std::vector<Event> events;
  double ms = 0;
};

// The wait set the PollFd and PollClock tests use: each runs twice, with
// a ppoll per call and with the persistent epoll registry.
inline PollRegistry* g_registry = nullptr;

class WaitSetTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { g_registry = GetParam() ? &registry_ : nullptr; }
  void TearDown() override { g_registry = nullptr; }
  PollRegistry registry_;
};
inline std::string wait_set_name(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "EpollRegistry" : "Ppoll";
}

inline PollResult run(FdTable& fds, const std::vector<Subscription>& subs, PollOptions opts = {}) {
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

}  // namespace wasinet::wasi::polltest
