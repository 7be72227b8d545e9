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

// Where the guest finds the CA bundle (ca_certs_preopen), and the value
// SSL_CERT_FILE gets: Go's crypto/x509 on wasip1 has no default locations
// and reads only $SSL_CERT_FILE / $SSL_CERT_DIR; OpenSSL-based C code reads
// $SSL_CERT_FILE too.
inline constexpr const char* kGuestCaDir = "/etc/ssl/certs";
inline constexpr const char* kGuestCaFile = "/etc/ssl/certs/ca-certificates.crt";

// The host's CA bundle: the file named by this process's $SSL_CERT_FILE when
// set (so an operator, or a test with its own CA, chooses), else the first
// of the distributions' usual locations that exists. nullopt when none does.
std::optional<std::filesystem::path> host_ca_bundle();

// The implicit read-only preopen giving the guest `bundle` as
// kGuestCaFile: {host: a private directory holding just the copy, guest:
// kGuestCaDir, read_only: true}. nullopt when the bundle does not exist.
// Throws as private_files_dir. A preopen of its own (not part of /etc's) so
// that it is there with --no-dns-files too; Go and wasi-libc resolve a path
// through the preopen with the longest matching prefix, so it wins over a
// user's broader mapping such as guest "/".
std::optional<DirMapping> ca_certs_preopen(const std::filesystem::path& bundle,
                                           const std::filesystem::path& root = default_files_root());

// The implicit read-only preopen of an empty private directory as the
// guest's "/": {host: the directory, guest: "/", read_only: true}. It goes
// first among the implicit preopens when the guest's working directory is
// "/" and no --dir is seen there, so that the working directory exists:
// Go's os.Getwd stats it, and a relative path names a file that is not
// there (ENOENT) rather than nothing at all (EBADF). Throws as
// private_files_dir.
DirMapping empty_root_preopen(const std::filesystem::path& root = default_files_root());

// The implicit read-only preopen giving the guest the host's /etc/hosts and
// /etc/resolv.conf at the same paths: {host: the private directory, guest:
// "/etc", read_only: true}. nullopt when the host has neither file. Throws
// as private_files_dir. Goes after the user's --dir preopens (the first
// preopen is Go's working directory) and before the --listen sockets, and
// is left out when the user maps guest /etc themselves or passes
// --no-dns-files.
std::optional<DirMapping> dns_files_preopen(const std::filesystem::path& root = default_files_root());

}  // namespace wasinet::runtime
