#pragma once
// poll_oneoff: wait for clocks and fd readiness, as POSIX ppoll(2) does.
//
// Engine-agnostic: the adapter (abi/preview1_poll.cc) decodes the guest's
// subscriptions into `Subscription`s and encodes the `Event`s back.
//
// The wait blocks in the kernel (ppoll) with the earliest clock deadline as
// its timeout, so an idle guest costs no CPU. Problems with one subscription
// (closed fd, missing right, unknown clock) become that subscription's event
// with `error` set, ready at once; they never fail the whole call, because
// Go aborts on any poll_oneoff result but success and EINTR.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wasi/fd_table.hh"
#include "wasi/poll_registry.hh"
#include "wasi/result.hh"
#include "wasi/types.hh"

namespace wasinet::wasi {

// One decoded `subscription`. Which fields count depends on `type`.
struct Subscription {
  uint64_t userdata = 0;
  EventType type = EventType::clock;
  // type == clock
  uint32_t clock_id = 0;     // ClockId; only realtime and monotonic can be waited on
  Timestamp timeout = 0;     // ns: relative, or an absolute time with abstime
  Timestamp precision = 0;   // a hint; ignored (ppoll's own slack applies)
  uint16_t clock_flags = 0;  // subclockflags
  // type == fd_read / fd_write
  Fd fd = 0;
};

// One `event`. For clock events nbytes and flags are 0.
struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::success;
  EventType type = EventType::clock;
  FileSize nbytes = 0;  // fd_read: bytes available when known, else 0
  uint16_t flags = 0;   // eventrwflags (hangup)
};

// More subscriptions than this in one call is EINVAL (like poll(2) with
// nfds over RLIMIT_NOFILE): it bounds the host memory one call can make us
// allocate. Go's netpoller itself stops at 65535.
inline constexpr size_t kMaxSubscriptions = size_t{1} << 16;

// Optional extras for a wait.
struct PollOptions {
  // A host descriptor that, once readable, ends the wait: the call then
  // returns what is ready, or EINTR when nothing is. Meant for an eventfd
  // the host signals on SIGINT/SIGTERM or a time limit. Never drained here.
  int wake_fd = -1;
  // The instance's persistent wait set (wasi/poll_registry.hh); null: a
  // ppoll per call.
  PollRegistry* registry = nullptr;
  // Draining (docs/serving.md): while *draining, drain_scan(drain_arg) runs
  // when the call starts and on every wake-up, and no wait is longer than
  // the drain tick; when it returns true the call ends with EINTR (the
  // guest is then stopped). drain_fd, an event fired when draining starts,
  // wakes a waiting call for its first scan; it is reset here.
  int drain_fd = -1;
  const std::atomic<bool>* draining = nullptr;
  bool (*drain_scan)(void* arg) = nullptr;
  void* drain_arg = nullptr;
};

// Waits until at least one subscription is ready and writes every ready
// event into `events` (which must hold subs.size() entries), in
// subscription order; returns how many.
//
// Clocks: realtime and monotonic, relative or absolute (subclockflags::abstime);
// other ids give an EINVAL event. Fds need rights::poll_fd_readwrite
// (else an ENOTCAPABLE event); unknown fds give EBADF events; objects
// without a host descriptor that are not always ready give ENOTSUP events.
// POLLHUP sets eventrwflags::hangup, POLLERR/POLLNVAL set error EIO/EBADF,
// and each wakes both read and write subscriptions of that fd.
//
// Errors for the whole call: EINVAL for no or too many subscriptions or a
// short `events`; EINTR when options.wake_fd fired with nothing ready;
// ENOMEM when the kernel cannot allocate the wait.
Result<size_t> poll_oneoff(FdTable& fds, std::span<const Subscription> subs,
                           std::span<Event> events, const PollOptions& options = {});

}  // namespace wasinet::wasi
