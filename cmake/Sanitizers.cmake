# Sanitizer and fuzzing builds (see tests/fuzz/README.md).
#
#   -DWASINET_SANITIZE=address,undefined
#       instruments everything this project compiles (wasinet_core, the CLI,
#       the unit tests) with those sanitizers. scripts/test.sh builds such a
#       tree in build-asan and runs it from the normal build's ctest (the
#       sanitized_* tests, see tests/fuzz/CMakeLists.txt).
#   -DWASINET_FUZZ=ON   (clang only)
#       builds the libFuzzer targets of tests/fuzz: everything compiled with
#       coverage instrumentation plus ASan and UBSan. scripts/fuzz.sh does it.
#
# Included before any target is defined, so the options reach every target.
# The wasmtime static library (Rust) stays uninstrumented: the sanitizers see
# our code and every byte it reads or writes, not the engine's internals.

set(WASINET_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list for the whole build (e.g. address,undefined)")
option(WASINET_FUZZ "Build the libFuzzer targets of tests/fuzz (clang)" OFF)

set(_wasinet_sanitize "${WASINET_SANITIZE}")
if(WASINET_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "WASINET_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ (scripts/fuzz.sh does)")
  endif()
  if(_wasinet_sanitize STREQUAL "")
    set(_wasinet_sanitize "address,undefined")
  endif()
  # Coverage feedback everywhere; the fuzzer's main() only in the fuzz
  # executables (tests/fuzz/CMakeLists.txt links -fsanitize=fuzzer).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(NOT _wasinet_sanitize STREQUAL "")
  message(STATUS "Sanitizers: ${_wasinet_sanitize}")
  # Every finding stops the program (a report that scrolls past in a
  # passing test is no use), with whole stacks.
  add_compile_options(-fsanitize=${_wasinet_sanitize} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${_wasinet_sanitize})
endif()

# The options the sanitized binaries need (tests/fuzz/sanitizer_defaults.cc),
# compiled into the CLI and everything that links wasinet_core. Not for the
# libFuzzer build: libFuzzer handles signals itself.
function(wasinet_sanitizer_defaults)
  if(NOT WASINET_SANITIZE STREQUAL "" AND NOT WASINET_FUZZ)
    target_sources(wasinet_core INTERFACE ${PROJECT_SOURCE_DIR}/tests/fuzz/sanitizer_defaults.cc)
    target_sources(wasinet PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz/sanitizer_defaults.cc)
  endif()
endfunction()
