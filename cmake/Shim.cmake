# The containerd shim, build/containerd-shim-wasinet-v1 (src/shim, Rust):
# `ninja -C build shim` or `make shim`. Not part of ALL: its first build
# compiles the containerd crates (minutes on 2 cores), which only the shim
# and its tests need.
#
# cargo links the C API and the core built here (shim-link.txt lists them in
# link order, with the shared libraries they need) and takes wasmtime from
# its own dependency on the same crate version (src/shim/build.rs checks),
# so the binary holds one wasmtime.
#
# cargo's target directory is the shim's own (default
# ~/.cache/wasinet/cargo-target-shim), outside the clone like the engine's
# and shared by every clone and build tree. Sharing the engine's directory
# would reuse nothing: the containerd crates enable more features of libc,
# serde, rustix and hashbrown, which changes the hash of every crate above
# them (measured: every wasmtime and cranelift crate was compiled again),
# and its lock would make the engine's configure step wait for the shim's
# build.

set(WASINET_SHIM_DIR ${CMAKE_SOURCE_DIR}/src/shim)
if(DEFINED ENV{WASINET_SHIM_CARGO_TARGET_DIR})
  set(_default_shim_target $ENV{WASINET_SHIM_CARGO_TARGET_DIR})
else()
  set(_default_shim_target $ENV{HOME}/.cache/wasinet/cargo-target-shim)
endif()
set(WASINET_SHIM_CARGO_TARGET_DIR ${_default_shim_target} CACHE PATH "cargo target directory for the shim")
set(WASINET_SHIM_BINARY ${CMAKE_BINARY_DIR}/containerd-shim-wasinet-v1)
set(_shim_link_file ${CMAKE_BINARY_DIR}/shim-link.txt)
# The C API's static libraries in link order, one per line, with the shared
# libraries they need: for the shim's build.rs here, and for the Go host's
# CGO_LDFLAGS (tests/CMakeLists.txt adds wasmtime and the C++ runtime).
set(WASINET_CAPI_LINK_LINES
"$<TARGET_FILE:wasinet_capi>
$<TARGET_FILE:wasinet_embed>
$<TARGET_FILE:wasinet_runtime>
$<TARGET_FILE:wasinet_abi>
$<TARGET_FILE:wasinet_engine>
$<TARGET_FILE:wasinet_net_policy>
$<TARGET_FILE:wasinet_net>
$<TARGET_FILE:wasinet_wasi>
$<TARGET_FILE:wasinet_os>
$<TARGET_LINKER_FILE:OpenSSL::Crypto>
$<TARGET_LINKER_FILE:tomlplusplus::tomlplusplus>
")
file(GENERATE OUTPUT ${_shim_link_file} CONTENT "${WASINET_CAPI_LINK_LINES}")

# cargo decides itself whether anything changed (well under a second when
# nothing did), so the target always runs it; the copy keeps the binary's
# time stamp when cargo produced nothing new.
add_custom_target(shim
  COMMAND ${CMAKE_COMMAND} -E env CARGO_TARGET_DIR=${WASINET_SHIM_CARGO_TARGET_DIR}
          WASINET_SHIM_LINK_FILE=${_shim_link_file}
          ${CARGO} build --release --locked --manifest-path ${WASINET_SHIM_DIR}/Cargo.toml
  COMMAND ${CMAKE_COMMAND} -E copy_if_different
          ${WASINET_SHIM_CARGO_TARGET_DIR}/release/containerd-shim-wasinet-v1 ${WASINET_SHIM_BINARY}
  BYPRODUCTS ${WASINET_SHIM_BINARY}
  COMMENT "Building the containerd shim (cargo; the first build takes minutes)"
  USES_TERMINAL
  VERBATIM)
add_dependencies(shim wasinet_capi wasinet_embed wasinet_runtime)
