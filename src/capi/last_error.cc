#include "capi/last_error.hh"

#include <exception>
#include <new>

#include "wasinet/error.hh"

namespace wasinet::capi {
namespace {

// Per thread, as errno: a caller reads the reason on the thread whose call
// failed, without locking, and one thread's failure never hides another's.
thread_local std::string last_error;

}  // namespace

wasinet_status_t fail(wasinet_status_t status, std::string message) noexcept {
  // Moving a string does not allocate; `message` was built by the caller.
  last_error = std::move(message);
  return status;
}

wasinet_status_t fail_from_current_exception(wasinet_status_t on_error) noexcept {
  try {
    throw;
  } catch (const Error& e) {
    try {
      return fail(on_error, e.what());
    } catch (...) {
    }
  } catch (const std::bad_alloc&) {
  } catch (const std::exception& e) {
    try {
      return fail(WASINET_ERROR_INTERNAL,
                  std::string(e.what()) + " (an internal error of wasinet: please report it)");
    } catch (...) {
    }
  } catch (...) {
    try {
      return fail(WASINET_ERROR_INTERNAL, "unknown internal error of wasinet (please report it)");
    } catch (...) {
    }
  }
  // Out of memory, possibly while building the message itself: a message
  // short enough for the string's inline buffer, so assigning it cannot
  // allocate.
  last_error = "out of memory";
  return WASINET_ERROR_INTERNAL;
}

}  // namespace wasinet::capi

extern "C" const char* wasinet_last_error(void) { return wasinet::capi::last_error.c_str(); }
