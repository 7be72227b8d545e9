// The guest functions of the C API (wasinet.h, "guest"): a runtime::Guest
// from the options (the one guest assembly), run by run_guest, stopped at
// its next host call from any thread; or, for several instances, a
// wasinet::Service of them.
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "capi/handles.hh"
#include "capi/last_error.hh"
#include "abi/host_modules.hh"
#include "os/cpus.hh"
#include "runtime/exit_codes.hh"
#include "runtime/limit_values.hh"
#include "wasinet/error.hh"

using wasinet::capi::fail;
using wasinet::capi::guard;

namespace {

// Several instances: a Service over the module's file, restarted on
// failure as `wasinet run --instances` does.
wasinet_status_t new_service(const wasinet_module& module, const wasinet_options& o, wasinet::GuestOptions guest,
                             std::unique_ptr<wasinet_guest> g, wasinet_guest_t** out) {
  if (module.file.empty())
    return fail(WASINET_ERROR_UNSUPPORTED, "more than one instance needs a module loaded from a file "
                                           "(wasinet_module_load_file): the instances reload it");
  if (guest.timeout.count() > 0)
    return fail(WASINET_ERROR_INVALID, "a timeout applies to one instance only (a service runs until stopped)");
  g->stop_event.reset(::eventfd(0, EFD_CLOEXEC));
  if (!g->stop_event) return fail(WASINET_ERROR_INTERNAL, std::string("eventfd: ") + std::strerror(errno));
  wasinet::ServiceOptions so;
  so.module = module.file;
  so.guest = std::move(guest);
  so.instances = o.instances == 0 ? wasinet::os::usable_cpus() : o.instances;
  so.restart = wasinet::RestartPolicy::on_failure;
  so.use_cache = module.cache_dir.valid();
  if (so.use_cache) so.cache_dir = "/proc/self/fd/" + std::to_string(module.cache_dir.get());
  const wasinet_status_t s =
      guard(WASINET_ERROR_SETUP, [&] { g->service = std::make_unique<wasinet::Service>(std::move(so)); });
  if (s != WASINET_OK) return s;
  for (const wasinet::ServiceListener& l : g->service->listeners()) g->listener_urls.push_back(l.url);
  *out = g.release();
  return WASINET_OK;
}

// Runs the service; a thread turns wasinet_guest_stop's eventfd write into
// Service::stop (which locks), and is woken to end when the run ends.
int run_service(wasinet_guest& g) {
  std::atomic<bool> ran_out{false};
  std::thread stopper([&] {
    uint64_t n = 0;
    while (::read(g.stop_event.get(), &n, sizeof n) < 0 && errno == EINTR) {
    }
    if (!ran_out.load()) g.service->stop();
  });
  const int status = g.service->run();
  ran_out.store(true);
  const uint64_t one = 1;
  (void)!::write(g.stop_event.get(), &one, sizeof one);
  stopper.join();
  return status;
}

}  // namespace

extern "C" {

wasinet_status_t wasinet_guest_new(const wasinet_module_t* module, const wasinet_options_t* options,
                                   wasinet_guest_t** out) {
  if (!module || !out) return fail(WASINET_ERROR_INVALID, "wasinet_guest_new: a NULL module or `out`");
  const wasinet_options defaults;
  const wasinet_options& o = options ? *options : defaults;
  if (!o.unsupported.empty())
    return fail(WASINET_ERROR_UNSUPPORTED, o.unsupported + " is not implemented in this build yet");
  if (o.guest.timeout.count() > 0 && !module->engine->interruptible())
    return fail(WASINET_ERROR_INVALID, "a timeout needs an interruptible engine "
                                       "(wasinet_engine_options_set_interruptible)");
  auto g = std::make_unique<wasinet_guest>();
  g->engine = module->engine;
  g->module = module->module;
  wasinet::GuestOptions guest = o.guest;
  if (guest.argv.empty()) guest.argv.push_back(module->name);
  if (o.instances != 1) return new_service(*module, o, std::move(guest), std::move(g), out);
  const wasinet_status_t s =
      guard(WASINET_ERROR_SETUP, [&] { g->guest = std::make_unique<wasinet::runtime::Guest>(std::move(guest)); });
  if (s != WASINET_OK) return s;
  for (const wasinet::runtime::GuestListener& l : g->guest->listening()) g->listener_urls.push_back(l.host->url);
  *out = g.release();
  return WASINET_OK;
}

size_t wasinet_guest_listener_count(const wasinet_guest_t* guest) {
  return guest ? guest->listener_urls.size() : 0;
}

const char* wasinet_guest_listener_url(const wasinet_guest_t* guest, size_t index) {
  if (!guest || index >= guest->listener_urls.size()) return nullptr;
  return guest->listener_urls[index].c_str();
}

wasinet_status_t wasinet_guest_run(wasinet_guest_t* guest, wasinet_exit_t* out) {
  if (!guest || !out) return fail(WASINET_ERROR_INVALID, "wasinet_guest_run: a NULL guest or `out`");
  if (guest->ran) return fail(WASINET_ERROR_INVALID, "wasinet_guest_run: a guest runs once");
  guest->ran = true;
  wasinet::runtime::GuestOutcome outcome;
  if (guest->service) {
    if (guest->stop_status.load() < 0) {
      const int status = run_service(*guest);
      *out = {status == 0 ? WASINET_END_RETURNED : WASINET_END_EXITED, status, ""};
    }
    if (const int stopped = guest->stop_status.load(); stopped >= 0) *out = {WASINET_END_STOPPED, stopped, ""};
    guest->message = out->end == WASINET_END_STOPPED ? "stopped" : "";
    out->message = guest->message.c_str();
    return WASINET_OK;
  }
  if (guest->stop_status.load() < 0) {
    wasinet_status_t s = WASINET_OK;
    try {
      outcome = wasinet::runtime::run_guest(*guest->engine, *guest->module, *guest->guest);
    } catch (const wasinet::abi::ImportError& e) {
      s = fail(WASINET_ERROR_MODULE, std::string("the module ") + e.what());
    } catch (...) {
      s = wasinet::capi::fail_from_current_exception(WASINET_ERROR_SETUP);
    }
    if (s != WASINET_OK) return s;
  }
  const wasinet::engine::RunOutcome& run = outcome.run;
  guest->message.clear();
  if (const int stopped = guest->stop_status.load(); stopped >= 0) {
    *out = {WASINET_END_STOPPED, stopped, ""};
    guest->message = "stopped";
  } else if (outcome.timed_out) {
    guest->message = "--timeout " + wasinet::runtime::format_duration(guest->guest->options().timeout) + " reached";
    *out = {WASINET_END_TIMED_OUT, wasinet::runtime::kExitTimeout, ""};
  } else if (run.kind == wasinet::engine::RunOutcome::Kind::returned) {
    *out = {WASINET_END_RETURNED, 0, ""};
  } else if (run.kind == wasinet::engine::RunOutcome::Kind::exited) {
    *out = {WASINET_END_EXITED, run.exit_code, ""};
  } else {
    guest->message = run.stack_exhausted ? "ran out of stack" : run.message;
    *out = {WASINET_END_TRAPPED, wasinet::runtime::kExitTrap, ""};
  }
  out->message = guest->message.c_str();
  return WASINET_OK;
}

void wasinet_guest_stop(wasinet_guest_t* guest, int status) {
  if (!guest) return;
  int none = -1;
  guest->stop_status.compare_exchange_strong(none, status < 0 ? 0 : status);
  if (guest->service) {
    const uint64_t one = 1;
    (void)!::write(guest->stop_event.get(), &one, sizeof one);  // async-signal-safe
    return;
  }
  guest->guest->stop();
}

void wasinet_guest_free(wasinet_guest_t* guest) { delete guest; }

}  // extern "C"
