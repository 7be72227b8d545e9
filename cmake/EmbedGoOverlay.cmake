# Writes a C++ source holding the Go overlay files of sdk/go-overlay, so that
# `wasinet go` needs nothing but the wasinet binary. Run at build time:
#
#   cmake -DOVERLAY_DIR=sdk/go-overlay -DOUT=go_overlay_data.cc -P EmbedGoOverlay.cmake
#
# Each releases/<release>.txt becomes one entry of kReleases (see
# src/cli/go_overlay_data.hh): its "remove" paths, and the files its "add"
# lines name, with their bytes.
cmake_minimum_required(VERSION 3.25)

file(GLOB _manifests ${OVERLAY_DIR}/releases/*.txt)
list(SORT _manifests)
set(_arrays "")
set(_tables "")
set(_entries "")
set(_embedded "")  # source paths already emitted as arrays
set(_release_count 0)

foreach(_manifest IN LISTS _manifests)
  get_filename_component(_release ${_manifest} NAME_WLE)
  string(MAKE_C_IDENTIFIER ${_release} _id)
  file(STRINGS ${_manifest} _lines)
  set(_removed "")
  set(_dests "")     # destination paths, in order
  foreach(_line IN LISTS _lines)
    if(_line MATCHES "^[ \t]*(#|$)")
      continue()
    elseif(_line MATCHES "^remove ([^ ]+)$")
      list(APPEND _removed ${CMAKE_MATCH_1})
    elseif(_line MATCHES "^add ([^ ]+) ([^ ]+)$")
      set(_dir ${CMAKE_MATCH_1})
      file(GLOB _srcs ${OVERLAY_DIR}/${CMAKE_MATCH_2}/*.go)
      list(SORT _srcs)
      foreach(_src IN LISTS _srcs)
        get_filename_component(_name ${_src} NAME)
        set(_dest ${_dir}/${_name})
        list(FIND _dests ${_dest} _at)
        if(_at EQUAL -1)
          list(APPEND _dests ${_dest})
        endif()
        string(MAKE_C_IDENTIFIER "${_dest}" _dest_id)
        set(_src_of_${_id}_${_dest_id} ${_src})
      endforeach()
    else()
      message(FATAL_ERROR "${_manifest}: cannot read the line \"${_line}\"")
    endif()
  endforeach()

  set(_removed_init "")
  foreach(_r IN LISTS _removed)
    string(APPEND _removed_init "    \"${_r}\",\n")
  endforeach()
  set(_files_init "")
  foreach(_dest IN LISTS _dests)
    string(MAKE_C_IDENTIFIER "${_dest}" _dest_id)
    set(_src ${_src_of_${_id}_${_dest_id}})
    file(RELATIVE_PATH _rel ${OVERLAY_DIR} ${_src})
    string(MAKE_C_IDENTIFIER "${_rel}" _arr)
    set(_arr "b_${_arr}")
    list(FIND _embedded ${_src} _seen)
    if(_seen EQUAL -1)
      list(APPEND _embedded ${_src})
      file(READ ${_src} _hex HEX)
      string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
      # A trailing 0 keeps the array non-empty; the size leaves it out.
      string(APPEND _arrays "const unsigned char ${_arr}[] = {${_bytes}0};\n")
    endif()
    string(APPEND _files_init "    {\"${_dest}\", ${_arr}, sizeof ${_arr} - 1},\n")
  endforeach()
  string(APPEND _tables "const char* const ${_id}_removed[] = {\n${_removed_init}};\n")
  string(APPEND _tables "const EmbeddedFile ${_id}_files[] = {\n${_files_init}};\n")
  string(APPEND _entries "    {\"${_release}\", ${_id}_removed, std::size(${_id}_removed), ${_id}_files, std::size(${_id}_files)},\n")
  math(EXPR _release_count "${_release_count} + 1")
endforeach()

if(_release_count EQUAL 0)
  message(FATAL_ERROR "no ${OVERLAY_DIR}/releases/*.txt")
endif()

file(WRITE ${OUT}.tmp
  "// Generated from sdk/go-overlay by cmake/EmbedGoOverlay.cmake: do not edit.\n"
  "#include <iterator>\n\n#include \"cli/go_overlay_data.hh\"\n\n"
  "namespace wasinet::cli::go_overlay {\nnamespace {\n\n${_arrays}\n${_tables}\n}  // namespace\n\n"
  "const EmbeddedRelease kReleases[] = {\n${_entries}};\n"
  "const size_t kReleaseCount = std::size(kReleases);\n\n}  // namespace wasinet::cli::go_overlay\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
