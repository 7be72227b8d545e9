# The sanitized test suite, run from the normal build's ctest (included by
# tests/CMakeLists.txt). Configure the normal build with
#   -DWASINET_SANITIZED_DIR=/path/to/build-asan
# where build-asan is a -DWASINET_SANITIZE=address,undefined tree with
# wasinet, wasinet_unit_tests, embed_run, guests_c and the fuzz_replay_*
# runners built (scripts/test.sh does both). The sanitized binaries carry
# their sanitizer options (tests/fuzz/sanitizer_defaults.cc); the guests and
# examples are the normal build's (guest code is not what is sanitized).
#
#   sanitized_unit_N       the unit tests, in shards so ctest -j spreads them
#   sanitized_e2e          the Go end-to-end tests against the sanitized CLI
#                          and embed_run
#   sanitized_e2e_overlay  the `wasinet go` ones (e2e_go_overlay) against it
#   sanitized_conformance  the WASI test suite against the sanitized CLI
#   sanitized_fuzz_replay  every fuzz target on its corpus and regressions

set(WASINET_SANITIZED_DIR "" CACHE PATH "A -DWASINET_SANITIZE build tree whose binaries the sanitized_* tests run")
set(WASINET_SANITIZED_UNIT_SHARDS 4 CACHE STRING "Shards of the sanitized unit tests")

if(NOT WASINET_SANITIZED_DIR STREQUAL "")
  set(_san ${WASINET_SANITIZED_DIR})

  math(EXPR _last "${WASINET_SANITIZED_UNIT_SHARDS} - 1")
  foreach(i RANGE ${_last})
    add_test(NAME sanitized_unit_${i} COMMAND ${_san}/tests/wasinet_unit_tests)
    set_tests_properties(sanitized_unit_${i} PROPERTIES
      TIMEOUT 600 LABELS sanitized
      ENVIRONMENT "GTEST_TOTAL_SHARDS=${WASINET_SANITIZED_UNIT_SHARDS};GTEST_SHARD_INDEX=${i}")
  endforeach()

  if(GO_EXECUTABLE)
    string(REPLACE ";" " " _san_langs "${WASINET_GUEST_LANGS}")
    # The soak figures of the sanitized run go beside its binaries, not over
    # the normal run's (both share the guests directory).
    set(_san_env "WASINET=${_san}/wasinet;EMBED_RUN=${_san}/examples/embed_run;SOAK_REPORT=${_san}/soak-report.txt;GUESTS=${WASINET_GUEST_DIR};EXAMPLES=${CMAKE_BINARY_DIR}/examples;GUEST_LANGS=${_san_langs};GOTOOLCHAIN=local;GOWORK=off;GOFLAGS=")
    add_test(NAME sanitized_e2e
      COMMAND ${GO_EXECUTABLE} test -count=1 -timeout 20m -skip ^TestOverlay ./...
      WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
    set_tests_properties(sanitized_e2e PROPERTIES TIMEOUT 1500 LABELS sanitized ENVIRONMENT "${_san_env}")
    # `wasinet go` (the overlay's programs against the sanitized host).
    add_test(NAME sanitized_e2e_overlay
      COMMAND ${GO_EXECUTABLE} test -count=1 -timeout 25m -run ^TestOverlay ./...
      WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
    set_tests_properties(sanitized_e2e_overlay PROPERTIES TIMEOUT 1800 LABELS sanitized ENVIRONMENT "${_san_env}")
  endif()

  if(Python3_Interpreter_FOUND)
    add_test(NAME sanitized_conformance
      COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/conformance/run_wasi_testsuite.py
              --wasinet ${_san}/wasinet)
    set_tests_properties(sanitized_conformance PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 LABELS sanitized)
  endif()

  # One fuzz target per tests/fuzz/NAME_fuzz.cc (as tests/fuzz/CMakeLists.txt).
  file(GLOB _fuzz_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/*_fuzz.cc)
  set(_replays "")
  foreach(_src IN LISTS _fuzz_sources)
    get_filename_component(name ${_src} NAME_WE)
    string(REGEX REPLACE "_fuzz$" "" name ${name})
    list(APPEND _replays "${_san}/tests/fuzz/fuzz_replay_${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${name}")
  endforeach()
  list(JOIN _replays " && " _replay_command)
  add_test(NAME sanitized_fuzz_replay COMMAND sh -c "${_replay_command}")
  set_tests_properties(sanitized_fuzz_replay PROPERTIES TIMEOUT 300 LABELS sanitized)
endif()
