#pragma once
// The Go overlay files of sdk/go-overlay, compiled into the wasinet binary
// (the .cc is generated at build time by cmake/EmbedGoOverlay.cmake), so
// `wasinet go` needs no source tree.
#include <cstddef>

namespace wasinet::cli::go_overlay {

struct EmbeddedFile {
  const char* path;  // relative to $GOROOT/src, e.g. "net/wasinet_abi.go"
  const unsigned char* data;
  size_t size;
};

// One supported Go release ("go1.26"): the files of $GOROOT/src it takes
// out of the build, and the files it adds there.
struct EmbeddedRelease {
  const char* name;
  const char* const* removed;
  size_t removed_count;
  const EmbeddedFile* files;
  size_t file_count;
};

extern const EmbeddedRelease kReleases[];
extern const size_t kReleaseCount;

}  // namespace wasinet::cli::go_overlay
