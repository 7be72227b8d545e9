#include "runtime/system_files.hh"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string_view>

#include "os/unique_fd.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

namespace fs = std::filesystem;

// Far above any hosts file or CA bundle; stops a source that never ends
// (a FIFO, /dev/zero behind a symlink) from filling the disk.
constexpr size_t kMaxFileSize = 64u << 20;

struct Content {
  std::string name;
  std::string bytes;
};

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

bool valid_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\0') != std::string_view::npos) return false;
  while (true) {
    const size_t slash = name.find('/');
    const std::string_view part = name.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    name.remove_prefix(slash + 1);
  }
}

// The whole content of a regular file; nullopt when it does not exist
// (ENOENT: a missing file or a dangling symlink).
std::optional<std::string> read_file(const fs::path& path, bool follow) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
  os::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW)));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw Error(sys_error("cannot read " + path.string()));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw Error(sys_error("cannot stat " + path.string()));
  if (!S_ISREG(st.st_mode)) throw Error(path.string() + ": not a regular file");
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(sys_error("cannot read " + path.string()));
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxFileSize) throw Error(path.string() + ": larger than 64 MiB");
  }
}

std::string digest(const std::vector<Content>& contents) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  // Names and sizes delimit the contents, so no two sets hash alike by
  // moving bytes from one file to the next.
  static constexpr std::string_view kTag = "wasinet private files v1";
  EVP_DigestUpdate(ctx, kTag.data(), kTag.size());
  for (const Content& c : contents) {
    const std::string header = '\0' + c.name + '\0' + std::to_string(c.bytes.size()) + '\0';
    EVP_DigestUpdate(ctx, header.data(), header.size());
    EVP_DigestUpdate(ctx, c.bytes.data(), c.bytes.size());
  }
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// Whether `dir` holds exactly `contents`: a directory left half-written by
// hand, or changed since, is not reused.
bool holds_exactly(const fs::path& dir, const std::vector<Content>& contents) {
  try {
    if (contents.empty()) return fs::is_directory(dir) && !fs::is_symlink(dir) && fs::is_empty(dir);
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_symlink()) return false;
      if (e.is_regular_file()) ++files;
      else if (!e.is_directory()) return false;
    }
    if (files != contents.size()) return false;
    for (const Content& c : contents) {
      auto bytes = read_file(dir / c.name, /*follow=*/false);
      if (!bytes || *bytes != c.bytes) return false;
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void write_file(const fs::path& path, const std::string& bytes) {
  os::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444));
  if (!fd) throw Error(sys_error("cannot create " + path.string()));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(sys_error("cannot write " + path.string()));
    done += static_cast<size_t>(n);
  }
  if (::close(fd.release()) != 0) throw Error(sys_error("cannot write " + path.string()));
}

// A fresh directory next to the entries (same file system, so rename
// works), named so that no entry can be mistaken for it.
fs::path make_temp_dir(const fs::path& root, const char* prefix) {
  std::string tmpl = (root / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw Error(sys_error("cannot create a directory in " + root.string()));
  return tmpl;
}

// Builds the directory in a temporary one and renames it to `final_dir`.
// False when another process installed it first.
bool install(const fs::path& root, const fs::path& final_dir, const std::vector<Content>& contents) {
  const fs::path tmp = make_temp_dir(root, ".tmp-");
  try {
    for (const Content& c : contents) {
      const fs::path p = tmp / c.name;
      fs::create_directories(p.parent_path());
      write_file(p, c.bytes);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  // rename() is atomic: a concurrent run sees no directory or a whole one.
  if (::rename(tmp.c_str(), final_dir.c_str()) == 0) return true;
  const int err = errno;
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (err == ENOTEMPTY || err == EEXIST) return false;
  errno = err;
  throw Error(sys_error("cannot install " + final_dir.string()));
}

// Moves a directory that does not hold what its name says out of the way
// (renaming it onto an empty temporary directory, then deleting it).
void discard(const fs::path& root, const fs::path& dir) {
  const fs::path stale = make_temp_dir(root, ".stale-");
  std::error_code ec;
  if (::rename(dir.c_str(), stale.c_str()) != 0 && errno != ENOENT)
    throw Error(sys_error("cannot replace " + dir.string()));
  fs::remove_all(stale, ec);
}

// The content-addressed directory under `root` holding exactly `contents`
// (none: an empty directory), made when missing or damaged.
fs::path content_dir(const fs::path& root, const std::vector<Content>& contents) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw Error("cannot create " + root.string() + ": " + ec.message());
  // In a shared place such as /tmp, another user could have made the root
  // first and could swap the files after we check them.
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) throw Error(sys_error("cannot stat " + root.string()));
  if (st.st_uid != ::getuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
    throw Error(root.string() + " belongs to another user or is writable by others: not using it");
  const fs::path final_dir = root / digest(contents);

  // Two rounds at most: a damaged directory is replaced once; a second
  // mismatch means something else keeps writing there.
  for (int round = 0; round < 2; ++round) {
    if (fs::exists(final_dir, ec)) {
      if (holds_exactly(final_dir, contents)) return final_dir;
      discard(root, final_dir);
    }
    if (install(root, final_dir, contents) || holds_exactly(final_dir, contents)) return final_dir;
  }
  throw Error(final_dir.string() + " keeps changing: cannot use it");
}

}  // namespace

fs::path default_files_root() {
  if (const char* d = std::getenv("WASINET_FILES_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "wasinet/files";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache/wasinet/files";
  return fs::temp_directory_path() / ("wasinet-files-" + std::to_string(::getuid()));
}

std::optional<fs::path> private_files_dir(const fs::path& root,
                                          const std::vector<PrivateFile>& files) {
  std::vector<Content> contents;
  std::set<std::string> names;
  for (const PrivateFile& f : files) {
    if (!valid_name(f.name) || !names.insert(f.name).second)
      throw Error("private file name \"" + f.name + "\" is not a unique relative path");
    if (auto bytes = read_file(f.source, /*follow=*/true)) contents.push_back({f.name, std::move(*bytes)});
  }
  if (contents.empty()) return std::nullopt;
  return content_dir(root, contents);
}

DirMapping empty_root_preopen(const fs::path& root) {
  DirMapping m;
  m.host = content_dir(root, {}).string();
  m.guest = "/";
  m.read_only = true;
  return m;
}

std::optional<DirMapping> dns_files_preopen(const fs::path& root) {
  auto dir = private_files_dir(root, {{"hosts", "/etc/hosts"}, {"resolv.conf", "/etc/resolv.conf"}});
  if (!dir) return std::nullopt;
  DirMapping m;
  m.host = dir->string();
  m.guest = "/etc";
  m.read_only = true;
  return m;
}

std::optional<fs::path> host_ca_bundle() {
  if (const char* f = std::getenv("SSL_CERT_FILE"); f && *f) return fs::path(f);
  // Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, older RHEL, Alpine/BSDs.
  static const char* const kKnown[] = {
      "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
      "/etc/ssl/ca-bundle.pem",             "/etc/pki/tls/cacert.pem",
      "/etc/ssl/cert.pem",
  };
  for (const char* k : kKnown) {
    std::error_code ec;
    if (fs::is_regular_file(k, ec)) return fs::path(k);
  }
  return std::nullopt;
}

std::optional<DirMapping> ca_certs_preopen(const fs::path& bundle, const fs::path& root) {
  const std::string name = fs::path(kGuestCaFile).filename().string();
  auto dir = private_files_dir(root, {{name, bundle}});
  if (!dir) return std::nullopt;
  DirMapping m;
  m.host = dir->string();
  m.guest = kGuestCaDir;
  m.read_only = true;
  return m;
}

}  // namespace wasinet::runtime
