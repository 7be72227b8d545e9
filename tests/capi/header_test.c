/* The C API from C: wasinet.h compiles as strict C11 (no C++ type crosses
 * it), links against the C++ library, and the functions implemented so far
 * answer. Exits 0 when every check holds, 1 with a line per failed one. */
#include <stdio.h>
#include <string.h>

#include "wasinet/wasinet.h"

static int failures;

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "header_test: %s\n", what);
    failures++;
  }
}

int main(void) {
  check(strcmp(wasinet_version(), WASINET_VERSION) == 0,
        "wasinet_version() differs from WASINET_VERSION");
  char expect[32];
  snprintf(expect, sizeof expect, "%d.%d.%d", WASINET_VERSION_MAJOR, WASINET_VERSION_MINOR,
           WASINET_VERSION_PATCH);
  check(strcmp(expect, WASINET_VERSION) == 0,
        "WASINET_VERSION differs from WASINET_VERSION_MAJOR.MINOR.PATCH");
  check(wasinet_last_error() != NULL && wasinet_last_error()[0] == '\0',
        "wasinet_last_error() is not \"\" before any call failed");
  /* Engines: defaults, the interruptible setting in the fingerprint, and
   * failures that name their cause. */
  wasinet_engine_t* engine = NULL;
  check(wasinet_engine_new(NULL, &engine) == WASINET_OK && engine != NULL,
        "wasinet_engine_new(NULL) failed");
  if (engine) {
    check(strncmp(wasinet_engine_fingerprint(engine), "wasmtime-", 9) == 0,
          "the fingerprint does not start with wasmtime-");
    check(strstr(wasinet_engine_fingerprint(engine), "epoch") == NULL,
          "a default engine is interruptible");
  }
  wasinet_engine_options_t* eo = wasinet_engine_options_new();
  wasinet_engine_options_set_interruptible(eo, 1);
  wasinet_engine_t* interruptible = NULL;
  check(wasinet_engine_new(eo, &interruptible) == WASINET_OK, "an interruptible engine failed");
  if (interruptible)
    check(strstr(wasinet_engine_fingerprint(interruptible), "-epoch") != NULL,
          "the interruptible engine's fingerprint lacks -epoch");
  if (engine && interruptible)
    check(strcmp(wasinet_engine_fingerprint(engine), wasinet_engine_fingerprint(interruptible)) != 0,
          "two engine settings share one fingerprint (and so one cache key)");
  wasinet_engine_options_set_cache_dir(eo, "/nonexistent/wasinet-cache");
  wasinet_engine_t* untouched = (wasinet_engine_t*)&failures; /* any non-NULL marker */
  check(wasinet_engine_new(eo, &untouched) == WASINET_ERROR_SETUP,
        "a missing cache directory is not a SETUP error");
  check(untouched == (wasinet_engine_t*)&failures, "a failed call wrote its out-parameter");
  check(strstr(wasinet_last_error(), "/nonexistent/wasinet-cache") != NULL,
        "the cache error does not name the directory");
  wasinet_engine_options_set_cache_dir_fd(eo, 1000000);
  check(wasinet_engine_new(eo, &untouched) == WASINET_ERROR_SETUP,
        "a bad cache descriptor is not a SETUP error");
  check(wasinet_engine_new(NULL, NULL) == WASINET_ERROR_INVALID &&
            strstr(wasinet_last_error(), "NULL") != NULL,
        "a NULL out-parameter is not INVALID with a message");
  wasinet_engine_options_free(eo);
  wasinet_engine_free(interruptible);
  wasinet_engine_free(engine);
  wasinet_engine_free(NULL);
  wasinet_engine_options_free(NULL);

  /* The status values are part of the ABI. */
  check(WASINET_OK == 0 && WASINET_ERROR_INVALID == 1 && WASINET_ERROR_INTERNAL == 5,
        "wasinet_status_t values changed");
  if (failures == 0) printf("header_test: ok (wasinet %s)\n", wasinet_version());
  return failures ? 1 : 0;
}
