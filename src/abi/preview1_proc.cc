// proc_exit, proc_raise, sched_yield, random_get.
#include <sys/random.h>
#include <sched.h>

#include <cerrno>

#include "abi/host_function.hh"
#include "abi/preview1.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

// Never returns to the guest: the engine unwinds it with the exit code.
engine::HostReturn proc_exit(Call&, uint32_t code) {
  engine::HostReturn r;
  r.exit = true;
  r.exit_code = static_cast<int32_t>(code);
  return r;
}

// Signals are not part of the sandbox; wasmtime answers the same way.
Errno proc_raise(Call&, uint32_t) { return Errno::nosys; }

Errno sched_yield(Call&) {
  ::sched_yield();
  return Errno::success;
}

Errno random_get(Call& c, uint32_t buf, uint32_t len) {
  WASINET_TRY(auto dest, c.memory.bytes(buf, len));
  size_t done = 0;
  while (done < dest.size()) {
    ssize_t n = ::getrandom(dest.data() + done, dest.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return wasi::errno_from_host(errno);
    }
    done += static_cast<size_t>(n);
  }
  return Errno::success;
}

}  // namespace

void add_preview1_proc(HostFunctions& out) {
  out.push_back(bind<&proc_exit>(kPreview1, "proc_exit"));
  out.push_back(bind<&proc_raise>(kPreview1, "proc_raise"));
  out.push_back(bind<&sched_yield>(kPreview1, "sched_yield"));
  out.push_back(bind<&random_get>(kPreview1, "random_get"));
}

}  // namespace wasinet::abi
