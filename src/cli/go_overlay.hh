#pragma once
// The overlay `wasinet go` hands the Go toolchain (`go build -overlay`): the
// files of sdk/go-overlay that replace package net's fake network for the
// Go release in use, written once into a private, content-addressed
// directory, and the overlay JSON that maps $GOROOT/src's files onto them,
// merged with a user's own -overlay.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "cli/go_overlay_data.hh"

namespace wasinet::cli::go_overlay {

// The release a GOVERSION belongs to ("go1.26.8" → "go1.26"); empty for
// anything else (a development version, "devel go1.27-...").
std::string release_of(std::string_view goversion);

// The embedded overlay for `release`, or nullptr when it is not supported.
const EmbeddedRelease* find_release(std::string_view release);

// "go1.26, go1.27": the supported releases, for error messages.
std::string supported_releases();

// $WASINET_GO_OVERLAY_DIR, else $XDG_CACHE_HOME/wasinet/go-overlay, else
// ~/.cache/wasinet/go-overlay.
std::filesystem::path default_root();

// The directory under `root` holding `release`'s files, named by the
// SHA-256 of their paths and contents (so a wasinet with other overlay
// files never shares it). Built in a temporary directory and renamed into
// place; an existing one is reused only if it holds exactly those bytes.
// Throws wasinet::Error naming what failed.
std::filesystem::path install_files(const EmbeddedRelease& release, const std::filesystem::path& root);

// Writes the overlay JSON for a build with `goroot`: every removed file
// mapped to "" (deleted), every added one to its copy in `files_dir`, plus
// the entries of `user_overlay` (a -overlay FILE the user gave; relative
// paths in it stay relative to the go command's directory, as go reads
// them). A user entry for one of our paths is refused (wasinet::Error
// naming it). Returns the JSON file's path, inside `files_dir`'s parent.
std::filesystem::path write_overlay_json(const EmbeddedRelease& release, const std::filesystem::path& files_dir,
                                         const std::filesystem::path& goroot,
                                         const std::optional<std::filesystem::path>& user_overlay,
                                         const std::filesystem::path& go_dir);

}  // namespace wasinet::cli::go_overlay
