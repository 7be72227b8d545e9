#pragma once
// Single host files shown to the guest without their directory.
//
// Preopens are directories only, and preopening the host's /etc would show
// the guest everything in it. Instead the files the guest needs (/etc/hosts
// and /etc/resolv.conf for Go's resolver; later the CA bundle) are copied
// into a private directory that holds just them, which is preopened
// read-only. The directory is content-addressed under a root of its own
// (default_files_root(), apart from the module cache, which --no-cache and
// --cache-dir are about):
//
//     <root>/<sha256 of names and contents>/hosts
//                                          /resolv.conf
//
// so each distinct set of contents is written once and reused by every run
// (a changed /etc/hosts gives a new directory; old ones are never touched
// again and may be deleted at any time between runs). It is built in a
// temporary directory and renamed into place, so concurrent runs each see
// either no directory or a whole one. Contents are copied, never linked:
// resolv.conf is often a symlink into a directory the guest must not see,
// and a copy stays the same for the whole run.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "wasinet/config.hh"

namespace wasinet::runtime {

struct PrivateFile {
  // Where the copy goes inside the private directory: a relative path
  // ("hosts", or "ssl/cert.pem"; no "..", no empty components).
  std::string name;
  // The host file whose content is copied (symlinks followed). A missing
  // one is left out of the directory.
  std::filesystem::path source;
};

// $WASINET_FILES_DIR, else $XDG_CACHE_HOME/wasinet/files, else
// ~/.cache/wasinet/files, else /tmp/wasinet-files-UID (which must then be
// ours and not writable by others: private_files_dir checks).
std::filesystem::path default_files_root();

// The private directory under `root` holding a copy of each present source
// under its name; nullopt when none of the sources exists. Throws
// wasinet::Error naming the file or directory at fault (a source that
// exists but cannot be read, a root that cannot be written or that another
// user controls): a caller should warn and run without the files rather
// than stop.
std::optional<std::filesystem::path> private_files_dir(const std::filesystem::path& root,
                                                       const std::vector<PrivateFile>& files);

// The implicit read-only preopen giving the guest the host's /etc/hosts and
// /etc/resolv.conf at the same paths: {host: the private directory, guest:
// "/etc", read_only: true}. nullopt when the host has neither file. Throws
// as private_files_dir. Goes after the user's --dir preopens (the first
// preopen is Go's working directory) and --listen sockets, and is left out
// when the user maps guest /etc themselves or passes --no-dns-files.
std::optional<DirMapping> dns_files_preopen(const std::filesystem::path& root = default_files_root());

}  // namespace wasinet::runtime
