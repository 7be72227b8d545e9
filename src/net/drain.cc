#include "net/drain.hh"

#include "net/socket.hh"

namespace wasinet::net {

bool drain_scan(wasi::Context& ctx) {
  const Clock::time_point now = Clock::now();
  size_t held = 0;
  for (wasi::Fd fd = 0; fd < ctx.fds.end(); ++fd) {
    auto socket = ctx.fds.get_as<Socket>(fd, 0, wasi::Errno::notsock);
    if (!socket.ok()) continue;
    if ((*socket)->shared_listener() && !(*socket)->accepting_stopped()) {
      // Its queue is the other guests' now: out of this guest's waits.
      (*socket)->stop_accepting();
      ctx.poll_registry.unregister_now((*socket)->host_fd());
    }
    if (!(*socket)->accepted()) continue;
    ++held;
    if ((*socket)->idle_for_drain(now, kDrainTick)) (void)(*socket)->shutdown(true, true);
  }
  if (held > 0) return false;
  ctx.stop_requested.store(true);
  return true;
}

}  // namespace wasinet::net
