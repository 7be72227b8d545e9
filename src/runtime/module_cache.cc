#include "runtime/module_cache.hh"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace wasinet::runtime {

namespace fs = std::filesystem;

fs::path ModuleCache::default_dir() {
  if (const char* d = std::getenv("WASINET_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "wasinet/modules";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache/wasinet/modules";
  return fs::temp_directory_path() / "wasinet-cache";
}

std::string ModuleCache::key(const std::string& fingerprint, std::span<const uint8_t> wasm) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, fingerprint.data(), fingerprint.size());
  EVP_DigestUpdate(ctx, "\0", 1);
  EVP_DigestUpdate(ctx, wasm.data(), wasm.size());
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

fs::path ModuleCache::path_for(const std::string& key) const { return dir_ / (key + ".cwasm"); }

std::optional<fs::path> ModuleCache::find(const std::string& key) const {
  std::error_code ec;
  fs::path p = path_for(key);
  if (fs::is_regular_file(p, ec)) return p;
  return std::nullopt;
}

bool ModuleCache::store(const std::string& key, std::span<const uint8_t> compiled,
                        std::string* error) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    *error = "cannot create cache directory " + dir_.string() + ": " + ec.message();
    return false;
  }
  std::string tmp = (dir_ / (key + ".tmp.XXXXXX")).string();
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    *error = "cannot write to cache directory " + dir_.string() + ": " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < compiled.size()) {
    ssize_t n = ::write(fd, compiled.data() + done, compiled.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = std::string("cannot write cache entry: ") + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  // rename() is atomic: a concurrent reader sees the old state or the whole file.
  if (::rename(tmp.c_str(), path_for(key).c_str()) != 0) {
    *error = std::string("cannot install cache entry: ") + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

void ModuleCache::evict(const std::string& key) const {
  std::error_code ec;
  fs::remove(path_for(key), ec);
}

}  // namespace wasinet::runtime
