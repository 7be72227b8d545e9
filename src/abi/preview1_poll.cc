// poll_oneoff: decode the guest's subscriptions, wait in the core
// (wasi/poll.hh), encode the events.
//
// Every Go timer and every netpoller wait comes through here, so small
// calls use stack storage rather than the heap.
#include <chrono>
#include <span>

#include "abi/host_function.hh"
#include "abi/layout.hh"
#include "abi/preview1.hh"
#include "os/small_buffer.hh"
#include "wasi/poll.hh"
#include "net/drain.hh"
#include "metrics/counters.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

// Inline storage for the common small call (os/small_buffer.hh).
constexpr size_t kInline = 16;

bool drain_scan(void* ctx) { return net::drain_scan(*static_cast<wasi::Context*>(ctx)); }

// Every range is checked before anything blocks, so a bad `out` or
// `nevents` pointer is EFAULT at once rather than after the wait. Struct
// pointers need not be aligned: we copy with memcpy, so alignment does not
// matter to us and we do not add a failure the guest cannot cause on a
// native host. Unknown subscription tags are EINVAL for the whole call.
Errno poll_oneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                  uint32_t nevents_ptr) {
  if (nsubscriptions == 0) return Errno::inval;
  const uint64_t n = nsubscriptions;
  WASINET_CHECK(c.memory.check_range<WasiSubscription>(in, n));
  WASINET_CHECK(c.memory.check_range<WasiEvent>(out, n));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nevents_ptr));
  // Bounds host allocation before making any (see kMaxSubscriptions).
  if (n > wasi::kMaxSubscriptions) return Errno::inval;

  os::SmallBuffer<wasi::Subscription, kInline> subs_buf(n);
  std::span<wasi::Subscription> subs = subs_buf.span();
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    WASINET_TRY(const WasiSubscription raw,
                c.memory.load<WasiSubscription>(in + i * uint32_t{sizeof(WasiSubscription)}));
    wasi::Subscription& s = subs[i];
    s.userdata = raw.userdata;
    switch (raw.tag) {
      case static_cast<uint8_t>(wasi::EventType::clock):
        s.type = wasi::EventType::clock;
        s.clock_id = raw.u.clock.id;
        s.timeout = raw.u.clock.timeout;
        s.precision = raw.u.clock.precision;
        s.clock_flags = raw.u.clock.flags;
        break;
      case static_cast<uint8_t>(wasi::EventType::fd_read):
      case static_cast<uint8_t>(wasi::EventType::fd_write):
        s.type = static_cast<wasi::EventType>(raw.tag);
        s.fd = raw.u.fd_readwrite.fd;
        break;
      default:
        return Errno::inval;
    }
  }

  os::SmallBuffer<wasi::Event, kInline> events_buf(n);
  std::span<wasi::Event> events = events_buf.span();
  const wasi::PollOptions options{.wake_fd = c.ctx.wake ? c.ctx.wake->fd() : -1,
                                  .registry = &c.ctx.poll_registry,
                                  .drain_fd = c.ctx.drain_event ? c.ctx.drain_event->fd() : -1,
                                  .draining = &c.ctx.draining,
                                  .drain_scan = drain_scan,
                                  .drain_arg = &c.ctx};
  const auto wait_start = c.ctx.counters ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  wasi::Result<size_t> polled = wasi::poll_oneoff(c.ctx.fds, subs, events, options);
  if (c.ctx.counters)
    metrics::add(c.ctx.counters->poll_wait_ns,
                 static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::steady_clock::now() - wait_start)
                                           .count()));
  WASINET_TRY(const size_t count, std::move(polled));

  for (size_t i = 0; i < count; ++i) {
    const wasi::Event& e = events[i];
    WasiEvent raw{};
    raw.userdata = e.userdata;
    raw.error = static_cast<uint16_t>(e.error);
    raw.type = static_cast<uint8_t>(e.type);
    raw.nbytes = e.nbytes;
    raw.flags = e.flags;
    WASINET_CHECK(c.memory.store(out + static_cast<uint32_t>(i * sizeof(WasiEvent)), raw));
  }
  return c.memory.store<uint32_t>(nevents_ptr, static_cast<uint32_t>(count));
}

}  // namespace

void add_preview1_poll(HostFunctions& out) {
  out.push_back(bind<&poll_oneoff>(kPreview1, "poll_oneoff"));
}

}  // namespace wasinet::abi
