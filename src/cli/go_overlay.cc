#include "cli/go_overlay.hh"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "os/unique_fd.hh"
#include "wasinet/error.hh"

namespace wasinet::cli::go_overlay {
namespace {

namespace fs = std::filesystem;

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// Names and sizes delimit the contents, so no two sets hash alike by moving
// bytes from one file to the next.
std::string files_digest(const EmbeddedRelease& r) {
  std::string all = std::string("wasinet go overlay v1\0", 22) + r.name + '\0';
  for (size_t i = 0; i < r.file_count; ++i) {
    all += std::string(r.files[i].path) + '\0' + std::to_string(r.files[i].size) + '\0';
    all.append(reinterpret_cast<const char*>(r.files[i].data), r.files[i].size);
  }
  return sha256_hex(all);
}

std::optional<std::string> read_file(const fs::path& path) {
  os::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return std::nullopt;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// Whether `dir` holds exactly the release's files: a directory changed by
// hand since, or left half-written, is not reused.
bool holds_exactly(const fs::path& dir, const EmbeddedRelease& r) {
  try {
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_symlink()) return false;
      if (e.is_regular_file()) ++files;
      else if (!e.is_directory()) return false;
    }
    if (files != r.file_count) return false;
    for (size_t i = 0; i < r.file_count; ++i) {
      auto bytes = read_file(dir / r.files[i].path);
      if (!bytes || bytes->size() != r.files[i].size ||
          std::memcmp(bytes->data(), r.files[i].data, r.files[i].size) != 0)
        return false;
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void write_all(int fd, const fs::path& path, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(sys_error("cannot write " + path.string()));
    done += static_cast<size_t>(n);
  }
}

void write_file(const fs::path& path, const void* data, size_t size) {
  os::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444));
  if (!fd) throw Error(sys_error("cannot create " + path.string()));
  write_all(fd.get(), path, data, size);
  if (::close(fd.release()) != 0) throw Error(sys_error("cannot write " + path.string()));
}

fs::path make_temp_dir(const fs::path& root) {
  std::string tmpl = (root / ".tmp-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw Error(sys_error("cannot create a directory in " + root.string()));
  return tmpl;
}

// The files go into package net of every build that uses them: the root
// must be ours alone.
void check_root(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw Error("cannot create " + root.string() + ": " + ec.message());
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) throw Error(sys_error("cannot stat " + root.string()));
  if (st.st_uid != ::getuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
    throw Error(root.string() + " belongs to another user or is writable by others: not using it");
}

// Builds the directory in a temporary one and renames it into place; false
// when another process installed it first.
bool install(const fs::path& root, const fs::path& final_dir, const EmbeddedRelease& r) {
  const fs::path tmp = make_temp_dir(root);
  try {
    for (size_t i = 0; i < r.file_count; ++i) {
      const fs::path p = tmp / r.files[i].path;
      fs::create_directories(p.parent_path());
      write_file(p, r.files[i].data, r.files[i].size);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  if (::rename(tmp.c_str(), final_dir.c_str()) == 0) return true;
  const int err = errno;
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (err == ENOTEMPTY || err == EEXIST) return false;
  errno = err;
  throw Error(sys_error("cannot install " + final_dir.string()));
}

// A file renamed into place whole (concurrent builds may write the same one).
void write_atomically(const fs::path& path, const std::string& bytes) {
  std::string tmp = (path.parent_path() / ".tmp-json-XXXXXX").string();
  os::UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd) throw Error(sys_error("cannot create a file in " + path.parent_path().string()));
  try {
    write_all(fd.get(), tmp, bytes.data(), bytes.size());
    if (::fchmod(fd.get(), 0444) != 0 || ::close(fd.release()) != 0) throw Error(sys_error("cannot write " + tmp));
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw Error(sys_error("cannot install " + path.string()));
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

// The "Replace" entries of a user's overlay file.
nlohmann::json read_user_overlay(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(sys_error("-overlay " + file.string() + ": cannot read it"));
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw Error("-overlay " + file.string() + ": not a JSON object");
  nlohmann::json replace = j.value("Replace", nlohmann::json::object());
  if (!replace.is_object()) throw Error("-overlay " + file.string() + ": \"Replace\" is not an object");
  for (const auto& [from, to] : replace.items())
    if (!to.is_string()) throw Error("-overlay " + file.string() + ": the value for " + from + " is not a string");
  return replace;
}

}  // namespace

std::string release_of(std::string_view goversion) {
  goversion = goversion.substr(0, goversion.find_first_of(" \t\n"));
  if (goversion.substr(0, 4) != "go1.") return "";
  size_t i = 4;
  while (i < goversion.size() && goversion[i] >= '0' && goversion[i] <= '9') ++i;
  if (i == 4) return "";
  const std::string_view release = goversion.substr(0, i);
  const std::string_view rest = goversion.substr(i);
  // go1.26 or go1.26.8; not go1.27rc1 or go1.27beta1 (not a release).
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2) return "";
    for (char c : rest.substr(1))
      if (c < '0' || c > '9') return "";
  }
  return std::string(release);
}

const EmbeddedRelease* find_release(std::string_view release) {
  for (size_t i = 0; i < kReleaseCount; ++i)
    if (release == kReleases[i].name) return &kReleases[i];
  return nullptr;
}

std::string supported_releases() {
  std::string out;
  for (size_t i = 0; i < kReleaseCount; ++i) out += (i ? ", " : "") + std::string(kReleases[i].name);
  return out;
}

fs::path default_root() {
  if (const char* d = std::getenv("WASINET_GO_OVERLAY_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "wasinet/go-overlay";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache/wasinet/go-overlay";
  return fs::temp_directory_path() / ("wasinet-go-overlay-" + std::to_string(::getuid()));
}

fs::path install_files(const EmbeddedRelease& r, const fs::path& root) {
  check_root(root);
  const fs::path dir = root / (std::string(r.name) + "-" + files_digest(r).substr(0, 32));
  // Two rounds at most: a damaged directory is replaced once; a second
  // mismatch means something else keeps writing there.
  for (int round = 0; round < 2; ++round) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
      if (holds_exactly(dir, r)) return dir;
      // Renamed onto an empty temporary directory, then deleted.
      const fs::path stale = make_temp_dir(root);
      if (::rename(dir.c_str(), stale.c_str()) != 0 && errno != ENOENT)
        throw Error(sys_error("cannot replace " + dir.string()));
      fs::remove_all(stale, ec);
    }
    if (install(root, dir, r) || holds_exactly(dir, r)) return dir;
  }
  throw Error(dir.string() + " keeps changing: cannot use it");
}

fs::path write_overlay_json(const EmbeddedRelease& r, const fs::path& files_dir, const fs::path& goroot,
                            const std::optional<fs::path>& user_overlay, const fs::path& go_dir) {
  nlohmann::json replace = nlohmann::json::object();
  const fs::path src = goroot / "src";
  for (size_t i = 0; i < r.removed_count; ++i) replace[(src / r.removed[i]).string()] = "";
  for (size_t i = 0; i < r.file_count; ++i)
    replace[(src / r.files[i].path).string()] = (files_dir / r.files[i].path).string();
  if (user_overlay) {
    const nlohmann::json theirs = read_user_overlay(*user_overlay);
    for (const auto& [from, to] : theirs.items()) {
      const fs::path abs = (fs::path(from).is_absolute() ? fs::path(from) : go_dir / from).lexically_normal();
      if (replace.contains(abs.string()))
        throw Error("-overlay " + user_overlay->string() + " replaces " + abs.string() +
                    ", which wasinet's overlay of package net replaces too; leave that file out of yours");
      replace[from] = to;
    }
  }
  const std::string text = nlohmann::json{{"Replace", replace}}.dump(1) + "\n";
  const fs::path json = files_dir.parent_path() / ("overlay-" + sha256_hex(text).substr(0, 32) + ".json");
  if (auto existing = read_file(json); existing && *existing == text) return json;
  write_atomically(json, text);
  return json;
}

}  // namespace wasinet::cli::go_overlay
