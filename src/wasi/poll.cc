#include "wasi/poll.hh"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <limits>
#include <memory>
#include <utility>

#include "os/small_buffer.hh"

namespace wasinet::wasi {
namespace {

constexpr Timestamp kNever = std::numeric_limits<Timestamp>::max();
constexpr uint64_t kNsPerSec = 1'000'000'000;

// Inline storage for the common small call (Go's netpoller polls one clock
// and a few fds, once per timer); the heap beyond.
constexpr size_t kInline = 16;

// The two clocks a subscription can wait on, by index.
constexpr clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC};
constexpr size_t kClockCount = std::size(kClocks);

int clock_index(uint32_t id) {
  switch (static_cast<ClockId>(id)) {
    case ClockId::realtime: return 0;
    case ClockId::monotonic: return 1;
    default: return -1;  // CPU-time clocks cannot be slept on
  }
}

Timestamp now_ns(size_t clock) {
  timespec ts;
  ::clock_gettime(kClocks[clock], &ts);
  return static_cast<Timestamp>(ts.tv_sec) * kNsPerSec + static_cast<Timestamp>(ts.tv_nsec);
}

enum class Kind : uint8_t { immediate, clock, fd };

// What one subscription waits for, worked out before the wait.
struct Pending {
  Kind kind = Kind::immediate;
  uint8_t clock = 0;       // Kind::clock: index into kClocks
  uint32_t slot = 0;       // Kind::fd: index into the pollfd array
  Timestamp deadline = 0;  // Kind::clock: absolute, on its own clock
  Event ready{};           // Kind::immediate: the event to report
  // Kind::fd: keeps the host descriptor open (and its number ours) for
  // the whole wait, even if the guest fd is closed meanwhile.
  std::shared_ptr<FileObject> object;
};

// A host descriptor and the subscription that wants it, for merging
// subscriptions on one descriptor into one pollfd.
struct FdRef {
  int host_fd;
  uint32_t sub;
};

Event event_for(const Subscription& s, Errno error = Errno::success) {
  Event e;
  e.userdata = s.userdata;
  e.error = error;
  e.type = s.type;
  return e;
}

// Bytes readable from a pipe, socket or tty without blocking (FIONREAD);
// 0 when the descriptor cannot say.
FileSize bytes_available(int host_fd) {
  int n = 0;
  if (::ioctl(host_fd, FIONREAD, &n) == 0 && n > 0) return static_cast<FileSize>(n);
  return 0;
}

// Bytes between a regular file's host offset and its end; 0 when unknown.
// (FIONREAD would do it too but answers in an int, wrong past 2 GiB.)
FileSize bytes_left_in_file(int host_fd) {
  struct stat st;
  if (host_fd < 0 || ::fstat(host_fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  const off_t pos = ::lseek(host_fd, 0, SEEK_CUR);
  if (pos < 0 || pos >= st.st_size) return 0;
  return static_cast<FileSize>(st.st_size - pos);
}

// Turns what ppoll saw on a descriptor into this subscription's event.
// Errors and hang-ups make both read and write subscriptions ready: Go's
// netpoller relies on that to wake every waiter of a broken connection.
bool fd_event(const Subscription& s, short revents, int host_fd, Event& ev) {
  const bool is_read = s.type == EventType::fd_read;
  const short wanted = is_read ? POLLIN : POLLOUT;
  if ((revents & (wanted | POLLHUP | POLLERR | POLLNVAL)) == 0) return false;
  ev = event_for(s);
  // POLLERR does not say which error; reading SO_ERROR here would consume
  // it before the guest's own call could see it, so report EIO.
  if (revents & POLLNVAL)
    ev.error = Errno::badf;
  else if (revents & POLLERR)
    ev.error = Errno::io;
  if (revents & POLLHUP) ev.flags = eventrwflags::hangup;
  if (is_read && ev.error == Errno::success) ev.nbytes = bytes_available(host_fd);
  return true;
}

timespec to_timespec(Timestamp ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / kNsPerSec);
  ts.tv_nsec = static_cast<long>(ns % kNsPerSec);
  return ts;
}

// What one call waits for, worked out before the wait: a Pending per
// subscription, one pollfd per distinct host descriptor (plus the wake
// event), the earliest deadline on each clock.
struct WaitSet {
  explicit WaitSet(size_t n) : pending(n), refs(n), pfds(n + 2), owners(n + 2) {}

  os::SmallBuffer<Pending, kInline> pending;
  os::SmallBuffer<FdRef, kInline> refs;
  size_t nrefs = 0;
  os::SmallBuffer<pollfd, kInline + 2> pfds;
  // The object behind each pollfd, for the registry (null: the wake or
  // drain event).
  os::SmallBuffer<const std::shared_ptr<FileObject>*, kInline + 2> owners;
  size_t npfds = 0;
  size_t nimmediate = 0;  // subscriptions whose event is known already
  int wake_slot = -1;     // index of the wake event's pollfd, -1: none
  int drain_slot = -1;    // index of the drain event's pollfd, -1: none
  Timestamp earliest[kClockCount] = {kNever, kNever};
  bool clock_used[kClockCount] = {false, false};
  Timestamp start[kClockCount] = {0, 0};  // "now" for relative timeouts,
  bool start_read[kClockCount] = {false, false};  // read once per call
};

// A clock subscription: its deadline on its clock (EINVAL event for a clock
// that cannot be slept on).
void plan_clock(WaitSet& w, const Subscription& s, Pending& p) {
  const int c = clock_index(s.clock_id);
  if (c < 0) {
    p.ready = event_for(s, Errno::inval);
    ++w.nimmediate;
    return;
  }
  Timestamp deadline = s.timeout;
  if ((s.clock_flags & subclockflags::abstime) == 0) {
    if (!w.start_read[c]) {
      w.start[c] = now_ns(static_cast<size_t>(c));
      w.start_read[c] = true;
    }
    // Saturates: a timeout past the end of time never fires.
    deadline = s.timeout > kNever - w.start[c] ? kNever : w.start[c] + s.timeout;
  }
  p.kind = Kind::clock;
  p.clock = static_cast<uint8_t>(c);
  p.deadline = deadline;
  w.clock_used[c] = true;
  w.earliest[c] = std::min(w.earliest[c], deadline);
}

// An fd subscription: a host descriptor to wait on, or an event known now
// (EBADF, ENOTCAPABLE, ENOTSUP, or a regular file that is always ready).
void plan_fd(WaitSet& w, FdTable& fds, const Subscription& s, uint32_t index, Pending& p) {
  auto entry = fds.get(s.fd, rights::poll_fd_readwrite);
  if (!entry.ok()) {
    p.ready = event_for(s, entry.error());  // EBADF or ENOTCAPABLE
    ++w.nimmediate;
    return;
  }
  const FileObject& object = *(*entry)->object;
  const int host_fd = object.host_fd();
  if (object.always_ready()) {
    // Regular files never block (POSIX poll says ready at once).
    p.ready = event_for(s);
    if (s.type == EventType::fd_read) p.ready.nbytes = bytes_left_in_file(host_fd);
    ++w.nimmediate;
  } else if (s.type == EventType::fd_read && object.read_paused()) {
    // Never ready (Pending's clock slot, unused, stays at 0 < kNever): the
    // call waits for its other subscriptions, the wake or the drain event.
    p.kind = Kind::clock;
    p.deadline = kNever;
  } else if (host_fd < 0) {
    // Nothing to wait on (a directory, say): say so rather than hang.
    p.ready = event_for(s, Errno::notsup);
    ++w.nimmediate;
  } else {
    p.kind = Kind::fd;
    p.object = (*entry)->object;
    w.refs[w.nrefs++] = {host_fd, index};
  }
}

// Step 1: what each subscription waits for. Anything wrong with one
// subscription becomes its event, ready at once.
void plan(WaitSet& w, FdTable& fds, std::span<const Subscription> subs) {
  for (size_t i = 0; i < subs.size(); ++i) {
    const Subscription& s = subs[i];
    Pending& p = w.pending[i];
    switch (s.type) {
      case EventType::clock: plan_clock(w, s, p); break;
      case EventType::fd_read:
      case EventType::fd_write: plan_fd(w, fds, s, static_cast<uint32_t>(i), p); break;
      default:
        p.ready = event_for(s, Errno::inval);
        ++w.nimmediate;
        break;
    }
  }
}

// Step 2: one pollfd per distinct host descriptor (a read and a write
// subscription on one fd share it), then the wake event. Sorting keeps this
// O(n log n) and nfds within RLIMIT_NOFILE however often an fd repeats.
void build_pollfds(WaitSet& w, std::span<const Subscription> subs, int wake_fd, int drain_fd) {
  std::sort(w.refs.data(), w.refs.data() + w.nrefs,
            [](const FdRef& a, const FdRef& b) { return a.host_fd < b.host_fd; });
  for (size_t k = 0; k < w.nrefs; ++k) {
    const FdRef& ref = w.refs[k];
    if (w.npfds == 0 || w.pfds[w.npfds - 1].fd != ref.host_fd) {
      w.owners[w.npfds] = &w.pending[ref.sub].object;
      w.pfds[w.npfds++] = {ref.host_fd, 0, 0};
    }
    w.pfds[w.npfds - 1].events |= subs[ref.sub].type == EventType::fd_read ? POLLIN : POLLOUT;
    w.pending[ref.sub].slot = static_cast<uint32_t>(w.npfds - 1);
  }
  if (wake_fd >= 0) {
    w.wake_slot = static_cast<int>(w.npfds);
    w.owners[w.npfds] = nullptr;
    w.pfds[w.npfds++] = {wake_fd, POLLIN, 0};
  }
  if (drain_fd >= 0) {
    w.drain_slot = static_cast<int>(w.npfds);
    w.owners[w.npfds] = nullptr;
    w.pfds[w.npfds++] = {drain_fd, POLLIN, 0};
  }
}

// Step 3: how long to sleep: until the earliest deadline (exactly, in ns);
// not at all when something is ready already (every fd is still looked at,
// so the guest learns everything that is ready in one call); null: fds
// only, as long as it takes.
const timespec* wait_timeout(const WaitSet& w, timespec& storage) {
  storage = {};
  if (w.nimmediate > 0) return &storage;
  Timestamp wait = kNever;
  for (size_t c = 0; c < kClockCount; ++c) {
    if (!w.clock_used[c]) continue;
    const Timestamp now = now_ns(c);
    wait = std::min(wait, w.earliest[c] > now ? w.earliest[c] - now : 0);
  }
  if (wait == kNever) return nullptr;
  storage = to_timespec(wait);
  return &storage;
}

// While draining no wait is longer than the drain tick (100 ms), so idle
// connections are found soon after they go quiet.
const timespec* at_most_a_drain_tick(const timespec* timeout, timespec& storage) {
  constexpr timespec kTick{0, 100'000'000};
  if (timeout && (timeout->tv_sec < kTick.tv_sec ||
                  (timeout->tv_sec == kTick.tv_sec && timeout->tv_nsec <= kTick.tv_nsec)))
    return timeout;
  storage = kTick;
  return &storage;
}

void drain_event_reset(int fd) {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(fd, &count, sizeof count);
}

// Step 4: one wait in the kernel: the registry's epoll, or ppoll when there
// is none or it failed (no descriptor left for epoll, say; `registry` is
// then cleared for the rest of the call). -1 with errno, as ppoll.
int wait_once(WaitSet& w, PollRegistry*& registry, const timespec* timeout) {
  const bool instant = timeout && timeout->tv_sec == 0 && timeout->tv_nsec == 0;
  if (w.npfds == 0 && instant) return 0;
  if (registry) {
    const int r = registry->wait({w.pfds.data(), w.npfds}, {w.owners.data(), w.npfds}, timeout);
    if (r >= 0 || errno == EINTR) return r;
    registry = nullptr;
  }
  return ::ppoll(w.npfds ? w.pfds.data() : nullptr, w.npfds, timeout, nullptr);
}

// Step 5: every event that is ready now, in subscription order.
size_t collect_ready(const WaitSet& w, std::span<const Subscription> subs,
                     std::span<Event> events) {
  Timestamp now[kClockCount] = {0, 0};
  for (size_t c = 0; c < kClockCount; ++c)
    if (w.clock_used[c]) now[c] = now_ns(c);
  size_t count = 0;
  for (size_t i = 0; i < subs.size(); ++i) {
    const Pending& p = w.pending[i];
    switch (p.kind) {
      case Kind::immediate: events[count++] = p.ready; break;
      case Kind::clock:
        if (now[p.clock] >= p.deadline) events[count++] = event_for(subs[i]);
        break;
      case Kind::fd: {
        const pollfd& pfd = w.pfds[p.slot];
        if (fd_event(subs[i], pfd.revents, pfd.fd, events[count])) ++count;
        break;
      }
    }
  }
  return count;
}

}  // namespace

Result<size_t> poll_oneoff(FdTable& fds, std::span<const Subscription> subs,
                           std::span<Event> events, const PollOptions& options) {
  const size_t n = subs.size();
  if (n == 0 || n > kMaxSubscriptions || events.size() < n) return Errno::inval;

  WaitSet w(n);
  plan(w, fds, subs);
  build_pollfds(w, subs, options.wake_fd, options.drain_fd);
  PollRegistry* registry = options.registry;
  for (;;) {
    const bool draining = options.draining && options.draining->load(std::memory_order_relaxed);
    if (draining && options.drain_scan && options.drain_scan(options.drain_arg)) return Errno::intr;
    timespec storage;
    const timespec* timeout = wait_timeout(w, storage);
    if (draining) timeout = at_most_a_drain_tick(timeout, storage);
    if (wait_once(w, registry, timeout) < 0) {
      // A signal: the time left is worked out again, and the wait resumes.
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    if (const size_t count = collect_ready(w, subs, events)) return count;
    if (w.wake_slot >= 0 && w.pfds[static_cast<size_t>(w.wake_slot)].revents != 0)
      return Errno::intr;
    // Draining has begun: the scan stops this guest's accepting on shared
    // listeners; the guest polls again without them (a Go runtime retries
    // on EINTR, as after a signal).
    if (w.drain_slot >= 0 && w.pfds[static_cast<size_t>(w.drain_slot)].revents != 0) {
      drain_event_reset(options.drain_fd);
      if (options.drain_scan) options.drain_scan(options.drain_arg);
      return Errno::intr;
    }
    // Woken early (timer slack, a realtime clock that was set back): never
    // return zero events; wait again for what is left.
  }
}

}  // namespace wasinet::wasi
