# Builds wasmtime's C API as a static library with cargo (see
# src/engine/wasmtime-crate) and exposes it as the target wasmtime::c_api.
#
# cargo's target directory lives outside the build tree (default
# ~/.cache/wasinet/cargo-target) so that fresh clones, CI runs and rebuilds
# share one compiled engine. The build runs at configure time: it takes
# minutes once, and well under a second when nothing changed.

set(WASINET_CRATE_DIR ${CMAKE_SOURCE_DIR}/src/engine/wasmtime-crate)
if(DEFINED ENV{WASINET_CARGO_TARGET_DIR})
  set(_default_target $ENV{WASINET_CARGO_TARGET_DIR})
else()
  set(_default_target $ENV{HOME}/.cache/wasinet/cargo-target)
endif()
set(WASINET_CARGO_TARGET_DIR ${_default_target} CACHE PATH "cargo target directory for the engine")

find_program(CARGO cargo HINTS $ENV{HOME}/.cargo/bin REQUIRED)
message(STATUS "Building wasmtime C API with cargo (first time: several minutes)")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env CARGO_TARGET_DIR=${WASINET_CARGO_TARGET_DIR}
          ${CARGO} build --release --locked
  WORKING_DIRECTORY ${WASINET_CRATE_DIR}
  RESULT_VARIABLE _cargo_result)
if(NOT _cargo_result EQUAL 0)
  message(FATAL_ERROR "cargo build of the wasmtime C API failed (see above)")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${WASINET_CRATE_DIR}/Cargo.toml ${WASINET_CRATE_DIR}/Cargo.lock
  ${WASINET_CRATE_DIR}/build.rs ${WASINET_CRATE_DIR}/src/lib.rs)

set(_profile_dir ${WASINET_CARGO_TARGET_DIR}/release)
file(READ ${_profile_dir}/wasmtime-include-dir.txt WASMTIME_INCLUDE_DIR)
string(STRIP "${WASMTIME_INCLUDE_DIR}" WASMTIME_INCLUDE_DIR)

# The shared target directory holds one libwasinet_wasmtime.a, whichever
# checkout built it last (clones of different revisions may differ, e.g. in
# the functions lib.rs adds): this build tree links its own copy, taken
# right after its own cargo build.
set(_engine_lib ${CMAKE_BINARY_DIR}/engine/libwasinet_wasmtime.a)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/engine)
file(COPY_FILE ${_profile_dir}/libwasinet_wasmtime.a ${_engine_lib} ONLY_IF_DIFFERENT)

add_library(wasmtime::c_api STATIC IMPORTED GLOBAL)
set_target_properties(wasmtime::c_api PROPERTIES
  IMPORTED_LOCATION ${_engine_lib}
  INTERFACE_INCLUDE_DIRECTORIES ${WASMTIME_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES "pthread;dl;m")
