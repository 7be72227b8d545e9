// The guest functions of the C API (wasinet.h, "guest"): a runtime::Guest
// from the options (the one guest assembly), run by run_guest, stopped at
// its next host call from any thread.
#include <memory>
#include <string>

#include "capi/handles.hh"
#include "capi/last_error.hh"
#include "abi/host_modules.hh"
#include "runtime/exit_codes.hh"
#include "runtime/limit_values.hh"
#include "wasinet/error.hh"

using wasinet::capi::fail;
using wasinet::capi::guard;

extern "C" {

wasinet_status_t wasinet_guest_new(const wasinet_module_t* module, const wasinet_options_t* options,
                                   wasinet_guest_t** out) {
  if (!module || !out) return fail(WASINET_ERROR_INVALID, "wasinet_guest_new: a NULL module or `out`");
  const wasinet_options defaults;
  const wasinet_options& o = options ? *options : defaults;
  if (!o.unsupported.empty())
    return fail(WASINET_ERROR_UNSUPPORTED, o.unsupported + " is not implemented in this build yet");
  if (o.instances != 1)
    return fail(WASINET_ERROR_UNSUPPORTED,
                "more than one instance per guest handle is not in the C API yet (the C++ wasinet::Service, "
                "include/wasinet/service.hh, runs them)");
  if (o.guest.timeout.count() > 0 && !module->engine->interruptible())
    return fail(WASINET_ERROR_INVALID, "a timeout needs an interruptible engine "
                                       "(wasinet_engine_options_set_interruptible)");
  auto g = std::make_unique<wasinet_guest>();
  g->engine = module->engine;
  g->module = module->module;
  wasinet::GuestOptions guest = o.guest;
  if (guest.argv.empty()) guest.argv.push_back(module->name);
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
  guest->guest->stop();
}

void wasinet_guest_free(wasinet_guest_t* guest) { delete guest; }

}  // extern "C"
