# The layers of src/ as static libraries, each linked only to the layers it
# may use (docs/architecture.md has the picture; the include rules, file by
# file, are tests/layers/check_layers.py, run by ctest as layer_rules):
#
#   os  <-  wasi  <-  net  <-  net_policy
#                      ^           ^
#   engine  <-  abi ---+           |     (engine uses os: the guest thread)
#                ^                 |
#             runtime -------------+   <-  embed (include/wasinet/wasmtime.hh)
#                ^                     <-  cli   (wasinet, src/cli/main.cc)
#
# src/metrics/ holds header-only counters (plain atomics) that every layer
# from wasi/ up may include; it has no library of its own.
#
# Only engine and embed see wasmtime's headers (its include directory is
# private to engine), so an #include <wasmtime.h> anywhere else does not
# compile. Each layer also gets a link check, NAME_link_check: every object
# of the layer (whole archive) linked with nothing but what the layer
# declares, so a call into a layer it may not use fails the build with an
# undefined reference.

set(WASINET_LAYER_CHECK_DIR ${CMAKE_BINARY_DIR}/layer_link_checks)

# wasinet_layer(NAME DIRS dir... [EXCLUDE file...] [DEPS target...]
#               [PRIVATE_DEPS target...])
# A static library wasinet_NAME of src/DIR/*.cc (EXCLUDE: file names to
# leave out), linked PUBLIC to DEPS and PRIVATE to PRIVATE_DEPS.
function(wasinet_layer name)
  cmake_parse_arguments(L "" "" "DIRS;EXCLUDE;DEPS;PRIVATE_DEPS" ${ARGN})
  set(_sources "")
  foreach(_dir IN LISTS L_DIRS)
    file(GLOB _found CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${_dir}/*.cc)
    foreach(_file IN LISTS _found)
      get_filename_component(_base ${_file} NAME)
      if(NOT _base IN_LIST L_EXCLUDE)
        list(APPEND _sources ${_file})
      endif()
    endforeach()
  endforeach()
  add_library(wasinet_${name} STATIC ${_sources})
  target_include_directories(wasinet_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(wasinet_${name} PRIVATE -Wall -Wextra)
  target_link_libraries(wasinet_${name} PUBLIC ${L_DEPS} PRIVATE ${L_PRIVATE_DEPS})

  add_executable(wasinet_${name}_link_check ${PROJECT_SOURCE_DIR}/tests/layers/link_check_main.cc)
  target_link_libraries(wasinet_${name}_link_check PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,wasinet_${name}>")
  set_target_properties(wasinet_${name}_link_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${WASINET_LAYER_CHECK_DIR})
endfunction()

wasinet_layer(os DIRS os)
wasinet_layer(wasi DIRS wasi DEPS wasinet_os)
wasinet_layer(net DIRS net DEPS wasinet_wasi wasinet_os)
wasinet_layer(net_policy DIRS net/policy DEPS wasinet_net
              PRIVATE_DEPS nlohmann_json::nlohmann_json tomlplusplus::tomlplusplus)
wasinet_layer(engine DIRS engine DEPS wasinet_os PRIVATE_DEPS wasmtime::c_api)
wasinet_layer(abi DIRS abi DEPS wasinet_engine wasinet_net wasinet_wasi wasinet_os)
wasinet_layer(runtime DIRS runtime
              DEPS wasinet_abi wasinet_engine wasinet_net_policy wasinet_net wasinet_wasi wasinet_os
                   OpenSSL::Crypto Threads::Threads)
# The embedding API hands wasmtime types to its callers: they see its headers.
wasinet_layer(embed DIRS embed DEPS wasinet_runtime wasinet_abi wasinet_engine wasmtime::c_api)
# The CLI's flag parsing and commands; main.cc is the executable's own.
wasinet_layer(cli DIRS cli EXCLUDE main.cc
              DEPS wasinet_runtime wasinet_engine wasinet_net_policy CLI11::CLI11
              PRIVATE_DEPS nlohmann_json::nlohmann_json)

# Everything but the CLI: what an embedding program, the tests and the fuzz
# targets link.
add_library(wasinet_core INTERFACE)
target_link_libraries(wasinet_core INTERFACE wasinet_embed wasinet_runtime)
