# CMake toolchain for wasm32-wasi programs that use BSD sockets through
# wasinet (sdk/c), with clang and Debian's wasi-libc:
#
#   cmake -G Ninja -S . -B build-wasm \
#     -DCMAKE_TOOLCHAIN_FILE=/path/to/wasinet/sdk/c/cmake/wasinet-toolchain.cmake
#
# Executables come out as NAME.wasm, linked with libwasinet.a. Settings
# (cache variables or -D):
#   WASINET_SDK_LIB   folder of libwasinet.a (default: build/sdk/c of the
#                     checkout holding this file, or sdk/c/lib)
#   WASI_SYSROOT      wasi-libc's sysroot (default /usr)

set(CMAKE_SYSTEM_NAME Generic)  # CMake 3.25 knows no WASI platform
set(CMAKE_SYSTEM_PROCESSOR wasm32)

get_filename_component(_wasinet_sdk "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(NOT WASINET_SDK_LIB)
  if(EXISTS "${_wasinet_sdk}/lib/libwasinet.a")
    set(WASINET_SDK_LIB "${_wasinet_sdk}/lib")
  else()
    get_filename_component(WASINET_SDK_LIB "${_wasinet_sdk}/../../build/sdk/c" ABSOLUTE)
  endif()
endif()
set(WASINET_SDK_LIB "${WASINET_SDK_LIB}" CACHE PATH "folder of libwasinet.a")
if(NOT WASI_SYSROOT)
  set(WASI_SYSROOT /usr)
endif()
set(WASI_SYSROOT "${WASI_SYSROOT}" CACHE PATH "wasi-libc sysroot")
# try_compile projects re-read this file: pass the settings on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES WASINET_SDK_LIB WASI_SYSROOT)

find_program(CMAKE_C_COMPILER NAMES clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14 REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES clang++ clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++-14 REQUIRED)
# Debian: llvm-ar and llvm-ranlib are in package llvm (GNU ar cannot index wasm objects).
set(_wasinet_llvm_bins /usr/lib/llvm-19/bin /usr/lib/llvm-18/bin /usr/lib/llvm-17/bin /usr/lib/llvm-16/bin
    /usr/lib/llvm-15/bin /usr/lib/llvm-14/bin)
find_program(CMAKE_AR NAMES llvm-ar llvm-ar-19 llvm-ar-18 llvm-ar-17 llvm-ar-16 llvm-ar-15 llvm-ar-14
             HINTS ${_wasinet_llvm_bins} REQUIRED)
find_program(CMAKE_RANLIB NAMES llvm-ranlib llvm-ranlib-19 llvm-ranlib-18 llvm-ranlib-17 llvm-ranlib-16
             llvm-ranlib-15 llvm-ranlib-14 HINTS ${_wasinet_llvm_bins} REQUIRED)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_SYSROOT "${WASI_SYSROOT}")

# The SDK's headers come before wasi-libc's (they extend and replace some).
set(CMAKE_C_FLAGS_INIT "-isystem ${_wasinet_sdk}/include")
set(CMAKE_CXX_FLAGS_INIT "-isystem ${_wasinet_sdk}/include")
if(NOT EXISTS "${WASI_SYSROOT}/lib/wasm32-wasi/libc++.a")
  # Debian ships libc++ for wasm32 apart (libc++-14-dev-wasm32): without
  # it, C++ the language over the C library.
  string(APPEND CMAKE_CXX_FLAGS_INIT " -fno-exceptions -fno-rtti")
  set(CMAKE_CXX_STANDARD_LIBRARIES_INIT "-nostdlib++")
endif()
# libwasinet.a after the program's own objects and libraries, before
# wasi-libc (which the driver adds last), so its accept, send, recv, ...
# are the ones linked. See sdk/c/src/preopens.c for the --wrap.
set(CMAKE_C_STANDARD_LIBRARIES "${WASINET_SDK_LIB}/libwasinet.a" CACHE STRING "" FORCE)
set(CMAKE_CXX_STANDARD_LIBRARIES "${CMAKE_CXX_STANDARD_LIBRARIES_INIT} ${WASINET_SDK_LIB}/libwasinet.a" CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--wrap=__wasi_fd_prestat_get")
# Per language: the Generic platform resets the plain variable after this file.
set(CMAKE_EXECUTABLE_SUFFIX_C .wasm)
set(CMAKE_EXECUTABLE_SUFFIX_CXX .wasm)

# Checks compile, never link: libwasinet.a may not be built yet.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
