#pragma once
// Runs a socket call that may say EAGAIN under the instance's RetryGuard
// (wasi/retry_guard.hh): guests that retry such calls in a loop instead of
// polling get a short wait in the kernel once the loop is recognised.
#include "wasi/context.hh"

namespace wasinet::abi {

template <class Call>
auto retry_guarded(wasi::Context& ctx, wasi::Fd fd, Call&& call) -> decltype(call()) {
  auto again = [](const auto& r) { return !r.ok() && r.error() == wasi::Errno::again; };
  auto r = call();
  if (again(r) && ctx.retry_guard.on_again(ctx.fds, fd, ctx.wake->fd())) r = call();
  if (!again(r)) ctx.retry_guard.on_progress();
  return r;
}

}  // namespace wasinet::abi
