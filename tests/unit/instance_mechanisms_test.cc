// The mechanisms under wasinet::Service (issue 19), each on its own: a
// guest stopped at its next host call on an engine without epoch checks;
// one connection on a shared listener waking one guest (EPOLLEXCLUSIVE);
// a paused listener never ready; SO_REUSEPORT for instances; whole lines
// on a shared stdout.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.hh"
#include "net/socket.hh"
#include "net/socket_calls.hh"
#include "os/unique_fd.hh"
#include "runtime/exit_codes.hh"
#include "runtime/guest.hh"
#include "socket_fd.hh"
#include "test_options.hh"
#include "wasi/poll.hh"
#include "wasi/stdio.hh"

namespace wasinet {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kHour = 3600ull * 1000 * 1000 * 1000;

// A guest that either loops on sched_yield or waits an hour in poll_oneoff.
std::string waiting_guest(bool in_poll) {
  const std::string body =
      in_poll ? "(i32.store (i32.const 16) (i32.const 1)) (i64.store (i32.const 24) (i64.const " +
                    std::to_string(kHour) +
                    "))"  // subscription at 0: userdata 0, tag 0 (clock), id 1 (monotonic), timeout 1 h
                    "(drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))"
              : "(loop $l (drop (call $yield)) (br $l))";
  return R"((module
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
    (memory (export "memory") 1)
    (func (export "_start") )" +
         body + "))";
}

class StopAtHostCall : public ::testing::TestWithParam<bool> {};

// Without epoch checks, stop() ends a guest at its next host call, whether
// it calls the host in a loop or waits in one.
TEST_P(StopAtHostCall, EndsTheGuestWithoutEpochChecks) {
  engine::EngineOptions eo;
  eo.epoch_interruption = false;
  engine::Engine engine(eo);
  engine::Module module = engine.compile(engine::wat_to_wasm(waiting_guest(GetParam())));
  runtime::Guest guest(testkit::test_options("waiting.wasm"));
  auto run = std::async(std::launch::async, [&] { return runtime::run_guest(engine, module, guest); });
  EXPECT_EQ(run.wait_for(200ms), std::future_status::timeout) << "the guest ended by itself";
  const auto t0 = Clock::now();
  guest.stop();
  ASSERT_EQ(run.wait_for(20s), std::future_status::ready) << "stop() did not end the guest";
  const runtime::GuestOutcome out = run.get();
  EXPECT_EQ(out.run.kind, engine::RunOutcome::Kind::interrupted);
  EXPECT_TRUE(out.run.stopped);
  EXPECT_EQ(runtime::exit_status(out), runtime::kExitTrap);
  EXPECT_LT(Clock::now() - t0, 5s);
}

INSTANTIATE_TEST_SUITE_P(Guests, StopAtHostCall, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "WaitingInPoll" : "CallingInALoop"; });

uint16_t port_of(const std::string& url) {
  return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

os::UniqueFd connect_to(uint16_t port) {
  os::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  return fd;
}

// poll_oneoff on the guest's listener fd with a timeout; true when the
// listener became readable, false on the timeout.
bool listener_ready(runtime::Guest& g, std::chrono::milliseconds timeout) {
  wasi::Context& ctx = g.context();
  wasi::Subscription subs[2];
  subs[0].type = wasi::EventType::fd_read;
  subs[0].fd = g.listening()[0].fd;
  subs[0].userdata = 1;
  subs[1].type = wasi::EventType::clock;
  subs[1].clock_id = 1;  // monotonic
  subs[1].timeout = static_cast<wasi::Timestamp>(std::chrono::nanoseconds(timeout).count());
  subs[1].userdata = 2;
  wasi::Event events[2];
  const wasi::PollOptions options{.wake_fd = ctx.wake->fd(), .registry = &ctx.poll_registry};
  auto n = wasi::poll_oneoff(ctx.fds, subs, events, options);
  if (!n.ok()) return false;
  for (size_t k = 0; k < *n; ++k)
    if (events[k].userdata == 1) return true;
  return false;
}

GuestOptions listening_options() {
  GuestOptions o = testkit::test_options("server.wasm");
  o.listeners = {ListenSpec::tcp("127.0.0.1", 0)};
  return o;
}

// Two guests wait on one shared listener; one connection wakes one of them.
TEST(SharedListener, OneConnectionWakesOneGuest) {
  runtime::Guest first(listening_options());
  runtime::Guest second(listening_options(), first.listeners());
  ASSERT_EQ(first.listening().size(), 1u);
  ASSERT_EQ(second.listening().size(), 1u);
  EXPECT_TRUE(first.listening()[0].socket->shared_listener());
  const uint16_t port = port_of(first.listening()[0].host->url);
  // Each guest waits (its registry then has the listener registered).
  auto a = std::async(std::launch::async, [&] { return listener_ready(first, 3s); });
  auto b = std::async(std::launch::async, [&] { return listener_ready(second, 3s); });
  std::this_thread::sleep_for(300ms);  // both are waiting by now
  os::UniqueFd client = connect_to(port);
  const bool woke_a = a.get();
  const bool woke_b = b.get();
  EXPECT_NE(woke_a, woke_b) << "one connection woke " << (woke_a && woke_b ? "both guests" : "neither guest");
}

// A guest that stopped accepting never sees the listener ready and never
// takes a connection, while the other guest on the same socket does.
TEST(SharedListener, APausedGuestLeavesTheQueueToTheOthers) {
  runtime::Guest draining(listening_options());
  runtime::Guest serving(listening_options(), draining.listeners());
  const uint16_t port = port_of(draining.listening()[0].host->url);
  draining.drain();
  os::UniqueFd client = connect_to(port);
  EXPECT_FALSE(listener_ready(draining, 300ms)) << "a paused listener was reported ready";
  auto accepted = net::accept(draining.context(), net::sock(draining.context(), draining.listening()[0].fd),
                              wasi::fdflags::nonblock);
  EXPECT_EQ(accepted.error(), wasi::Errno::again);
  EXPECT_TRUE(listener_ready(serving, 3s));
  auto served = net::accept(serving.context(), net::sock(serving.context(), serving.listening()[0].fd),
                            wasi::fdflags::nonblock);
  EXPECT_TRUE(served.ok());
}

// Instances bind the same port; a guest without reuse_port cannot.
TEST(ReusePort, InstancesBindTheSamePort) {
  GuestOptions o = testkit::test_options("server.wasm");
  o.reuse_port = true;
  runtime::Guest one(o), two(o);
  GuestOptions plain = testkit::test_options("server.wasm");
  runtime::Guest three(plain);
  auto bind_to = [](runtime::Guest& g, uint16_t port) {
    wasi::Context& ctx = g.context();
    auto fd = net::open_socket(ctx, net::Family::inet, net::SocketType::stream, 0, wasi::fdflags::nonblock);
    EXPECT_TRUE(fd.ok());
    net::SocketFd s = net::sock(ctx, *fd);
    const wasi::Status st = net::bind(ctx, s, net::Address::ipv4({127, 0, 0, 1}, port));
    if (st == wasi::Errno::success) EXPECT_EQ(net::listen(ctx, s, 16), wasi::Errno::success);
    return std::make_pair(st, st == wasi::Errno::success ? net::local_address(ctx, s)->port : uint16_t{0});
  };
  const auto [first, port] = bind_to(one, 0);
  ASSERT_EQ(first, wasi::Errno::success);
  EXPECT_EQ(bind_to(two, port).first, wasi::Errno::success) << "the second instance";
  EXPECT_EQ(bind_to(three, port).first, wasi::Errno::addrinuse) << "a guest without reuse_port";
}

// Four writers, fragments of random sizes, one pipe: every line whole.
TEST(WholeLines, GuestsNeverCutEachOthersLines) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  os::UniqueFd read_end(p[0]), write_end(p[1]);
  ::fcntl(p[0], F_SETPIPE_SZ, 1 << 20);
  constexpr int kWriters = 4, kLines = 200;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      wasi::Stdio out(os::UniqueFd(::fcntl(write_end.get(), F_DUPFD_CLOEXEC, 3)));
      out.write_whole_lines();
      std::mt19937 rng(static_cast<unsigned>(w));
      std::string all;
      for (int l = 0; l < kLines; ++l)
        all += "writer " + std::to_string(w) + " line " + std::to_string(l) + " " + std::string(rng() % 300, 'x') + "\n";
      for (size_t at = 0; at < all.size();) {
        const size_t n = std::min<size_t>(1 + rng() % 97, all.size() - at);
        std::vector<uint8_t> chunk(all.begin() + static_cast<long>(at), all.begin() + static_cast<long>(at + n));
        const std::span<uint8_t> buf(chunk);
        auto r = out.write(wasi::IoVecs(&buf, 1), false);
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(*r, n);
        at += n;
      }
    });
  for (std::thread& t : writers) t.join();
  write_end.reset();
  std::string got;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(read_end.get(), buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  std::map<int, int> next;  // writer -> next line number expected
  size_t lines = 0;
  for (size_t at = 0; at < got.size();) {
    const size_t nl = got.find('\n', at);
    ASSERT_NE(nl, std::string::npos) << "output ends in a partial line";
    const std::string line = got.substr(at, nl - at);
    int w = -1, l = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "writer %d line %d ", &w, &l), 2) << "a cut line: " << line.substr(0, 80);
    EXPECT_EQ(l, next[w]++) << "writer " << w << "'s lines out of order or cut";
    EXPECT_EQ(line.find("writer", 1), std::string::npos) << "two lines mixed: " << line.substr(0, 80);
    ++lines;
    at = nl + 1;
  }
  EXPECT_EQ(lines, size_t{kWriters * kLines});
}

}  // namespace
}  // namespace wasinet
