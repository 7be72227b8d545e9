// Built into every executable of a -DWASINET_SANITIZE build (see
// cmake/Sanitizers.cmake): the sanitizer options wasinet needs, so that the
// sanitized binaries behave right whoever starts them (the e2e tests start
// `wasinet` with a minimal environment). ASAN_OPTIONS / UBSAN_OPTIONS set
// by hand still override these.

// wasmtime turns guest faults (out-of-bounds accesses caught by guard
// pages, stack overflow) into traps with its own SIGSEGV/SIGBUS handler:
// ASan must let it install that handler (allow_user_segv_handler) instead
// of reporting the fault as a crash of ours.
extern "C" const char* __asan_default_options() {
  return "allow_user_segv_handler=1:detect_leaks=1:strict_string_checks=1:"
         "check_initialization_order=1:detect_stack_use_after_return=0";
}

// Every UB finding fails the run, with a stack.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }
