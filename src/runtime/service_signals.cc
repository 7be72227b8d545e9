#include "runtime/service_signals.hh"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

const char* name_of(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
  }
  return "a signal";
}

void say(const std::string& text) {
  const std::string line = "wasinet: " + text + "\n";
  [[maybe_unused]] ssize_t w = ::write(STDERR_FILENO, line.data(), line.size());
}

[[noreturn]] void exit_now(Service* service, int sig, const char* note) {
  if (service) service->remove_socket_files();
  say(std::string("stopped by ") + name_of(sig) + note);
  ::_exit(128 + sig);
}

}  // namespace

ServiceSignals::ServiceSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGHUP);
  if (int e = pthread_sigmask(SIG_BLOCK, &signals_, &old_mask_); e != 0)
    throw Error(std::string("cannot block SIGINT/SIGTERM/SIGHUP: ") + std::strerror(e));
  signal_fd_.reset(::signalfd(-1, &signals_, SFD_CLOEXEC | SFD_NONBLOCK));
  done_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!signal_fd_ || !done_) {
    const int e = errno;
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    throw Error(std::string("cannot watch for signals: ") + std::strerror(e));
  }
  watcher_ = std::thread([this] { watch(); });
}

ServiceSignals::~ServiceSignals() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(done_.get(), &one, sizeof one);
  watcher_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void ServiceSignals::on_signal(int sig) {
  Service* service = service_.load();
  if (!service) {
    // Still compiling: nothing to reload yet, nothing to drain.
    if (sig == SIGHUP) {
      say("SIGHUP ignored: the service is still starting");
      return;
    }
    exit_now(nullptr, sig, "");
  }
  if (sig == SIGHUP) {
    say("SIGHUP: reloading");
    service->reload();
    return;
  }
  ++stops_;
  if (sig == SIGTERM && stops_ == 1) {
    received_.store(sig);
    say("SIGTERM: draining (a second SIGTERM or a SIGINT stops at once)");
    service->drain();
    return;
  }
  // SIGINT, or a second SIGTERM: at once; a guest that does not stop at
  // its next host call (wasm code that never calls the host) is ended with
  // the process by the next signal.
  if (stops_ > 2 || (stops_ == 2 && sig == SIGINT && received_.load() == SIGINT))
    exit_now(service, sig, " (forced)");
  received_.store(sig);
  service->stop();
}

void ServiceSignals::watch() {
  pollfd fds[2] = {{signal_fd_.get(), POLLIN, 0}, {done_.get(), POLLIN, 0}};
  for (;;) {
    const int n = ::poll(fds, 2, -1);
    if (n < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) return;
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo info{};
    if (::read(signal_fd_.get(), &info, sizeof info) != sizeof info) continue;
    on_signal(static_cast<int>(info.ssi_signo));
  }
}

}  // namespace wasinet::runtime
