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

namespace wasinet::wasi {
namespace {

constexpr Timestamp kNever = std::numeric_limits<Timestamp>::max();
constexpr uint64_t kNsPerSec = 1'000'000'000;

// Storage for n elements: inline for the common small call (Go's netpoller
// polls one clock and a few fds, once per timer), on the heap beyond that.
template <class T, size_t N>
class Scratch {
 public:
  explicit Scratch(size_t n) {
    if (n > N) heap_ = std::make_unique<T[]>(n);
  }
  T* data() noexcept { return heap_ ? heap_.get() : inline_; }
  T& operator[](size_t i) noexcept { return data()[i]; }

 private:
  T inline_[N]{};
  std::unique_ptr<T[]> heap_;
};
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

}  // namespace

Result<size_t> poll_oneoff(FdTable& fds, std::span<const Subscription> subs,
                           std::span<Event> events, const PollOptions& options) {
  const size_t n = subs.size();
  if (n == 0 || n > kMaxSubscriptions || events.size() < n) return Errno::inval;

  Scratch<Pending, kInline> pending(n);
  Scratch<FdRef, kInline> refs(n);
  size_t nrefs = 0;
  size_t nimmediate = 0;
  Timestamp earliest[kClockCount] = {kNever, kNever};
  bool clock_used[kClockCount] = {false, false};
  Timestamp start[kClockCount] = {0, 0};
  bool start_read[kClockCount] = {false, false};

  // Work out what each subscription waits for. Anything wrong with one
  // subscription becomes its event, ready at once.
  for (size_t i = 0; i < n; ++i) {
    const Subscription& s = subs[i];
    Pending& p = pending[i];
    switch (s.type) {
      case EventType::clock: {
        const int c = clock_index(s.clock_id);
        if (c < 0) {
          p.ready = event_for(s, Errno::inval);
          ++nimmediate;
          break;
        }
        Timestamp deadline = s.timeout;
        if ((s.clock_flags & subclockflags::abstime) == 0) {
          if (!start_read[c]) {
            start[c] = now_ns(static_cast<size_t>(c));
            start_read[c] = true;
          }
          // Saturates: a timeout past the end of time never fires.
          deadline = s.timeout > kNever - start[c] ? kNever : start[c] + s.timeout;
        }
        p.kind = Kind::clock;
        p.clock = static_cast<uint8_t>(c);
        p.deadline = deadline;
        clock_used[c] = true;
        earliest[c] = std::min(earliest[c], deadline);
        break;
      }
      case EventType::fd_read:
      case EventType::fd_write: {
        auto entry = fds.get(s.fd, rights::poll_fd_readwrite);
        if (!entry.ok()) {
          p.ready = event_for(s, entry.error());  // EBADF or ENOTCAPABLE
          ++nimmediate;
          break;
        }
        const FileObject& object = *(*entry)->object;
        const int host_fd = object.host_fd();
        if (object.always_ready()) {
          // Regular files never block (POSIX poll says ready at once).
          p.ready = event_for(s);
          if (s.type == EventType::fd_read) p.ready.nbytes = bytes_left_in_file(host_fd);
          ++nimmediate;
        } else if (host_fd < 0) {
          // Nothing to wait on (a directory, say): say so rather than hang.
          p.ready = event_for(s, Errno::notsup);
          ++nimmediate;
        } else {
          p.kind = Kind::fd;
          p.object = (*entry)->object;
          refs[nrefs++] = {host_fd, static_cast<uint32_t>(i)};
        }
        break;
      }
      default:
        p.ready = event_for(s, Errno::inval);
        ++nimmediate;
        break;
    }
  }

  // One pollfd per distinct host descriptor (a read and a write
  // subscription on one fd share it). Sorting keeps this O(n log n) and
  // keeps nfds within RLIMIT_NOFILE however often an fd repeats.
  std::sort(refs.data(), refs.data() + nrefs,
            [](const FdRef& a, const FdRef& b) { return a.host_fd < b.host_fd; });
  Scratch<struct pollfd, kInline + 1> pfds(nrefs + 1);
  // The object behind each pollfd, for the registry (null: the wake event).
  Scratch<const std::shared_ptr<FileObject>*, kInline + 1> owners(nrefs + 1);
  size_t npfds = 0;
  for (size_t k = 0; k < nrefs; ++k) {
    if (npfds == 0 || pfds[npfds - 1].fd != refs[k].host_fd) {
      owners[npfds] = &pending[refs[k].sub].object;
      pfds[npfds++] = {refs[k].host_fd, 0, 0};
    }
    const Subscription& s = subs[refs[k].sub];
    pfds[npfds - 1].events |= s.type == EventType::fd_read ? POLLIN : POLLOUT;
    pending[refs[k].sub].slot = static_cast<uint32_t>(npfds - 1);
  }
  const bool has_wake = options.wake_fd >= 0;
  const size_t wake_slot = npfds;
  if (has_wake) {
    owners[npfds] = nullptr;
    pfds[npfds++] = {options.wake_fd, POLLIN, 0};
  }
  PollRegistry* registry = options.registry;

  for (;;) {
    // Sleep until the earliest deadline (exactly, in ns), or not at all
    // when something is ready already: we still look at every fd, so the
    // guest learns everything that is ready in one call.
    timespec timeout{};
    const timespec* timeout_ptr = &timeout;
    if (nimmediate == 0) {
      Timestamp wait = kNever;
      for (size_t c = 0; c < kClockCount; ++c) {
        if (!clock_used[c]) continue;
        const Timestamp now = now_ns(c);
        wait = std::min(wait, earliest[c] > now ? earliest[c] - now : 0);
      }
      if (wait == kNever)
        timeout_ptr = nullptr;  // fds only: wait for them as long as it takes
      else
        timeout = to_timespec(wait);
    }

    const bool instant = timeout_ptr && timeout.tv_sec == 0 && timeout.tv_nsec == 0;
    if (npfds > 0 || !instant) {
      int r = -1;
      if (registry) {
        r = registry->wait({pfds.data(), npfds}, {owners.data(), npfds}, timeout_ptr);
        // The registry failed (no descriptor left for epoll, say): this
        // call waits the plain way.
        if (r < 0 && errno != EINTR) registry = nullptr;
      }
      if (!registry) r = ::ppoll(npfds ? pfds.data() : nullptr, npfds, timeout_ptr, nullptr);
      if (r < 0) {
        // A signal: the loop recomputes the time left and waits again.
        if (errno == EINTR) continue;
        return errno_from_host(errno);
      }
    }

    // Report, in subscription order, everything that is ready now.
    Timestamp now[kClockCount] = {0, 0};
    for (size_t c = 0; c < kClockCount; ++c)
      if (clock_used[c]) now[c] = now_ns(c);
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
      const Pending& p = pending[i];
      switch (p.kind) {
        case Kind::immediate: events[count++] = p.ready; break;
        case Kind::clock:
          if (now[p.clock] >= p.deadline) events[count++] = event_for(subs[i]);
          break;
        case Kind::fd: {
          const struct pollfd& pfd = pfds[p.slot];
          if (fd_event(subs[i], pfd.revents, pfd.fd, events[count])) ++count;
          break;
        }
      }
    }
    if (count > 0) return count;
    if (has_wake && pfds[wake_slot].revents != 0) return Errno::intr;
    // Woken early (timer slack, a realtime clock that was set back):
    // never return zero events, wait again for what is left.
  }
}

}  // namespace wasinet::wasi
