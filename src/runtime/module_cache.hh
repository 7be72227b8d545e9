#pragma once
// The on-disk cache of compiled modules.
//
// Keyed by SHA-256 of the engine fingerprint and the module bytes, so a new
// engine version or setting never reuses stale code. Entries are written to
// a temporary file and renamed into place: processes starting the same
// module at once each see either no entry or a whole one.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wasinet::runtime {

class ModuleCache {
 public:
  explicit ModuleCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // $WASINET_CACHE_DIR, else $XDG_CACHE_HOME/wasinet/modules, else
  // ~/.cache/wasinet/modules.
  static std::filesystem::path default_dir();

  static std::string key(const std::string& fingerprint, std::span<const uint8_t> wasm);

  // The cached file for `key`, if present.
  std::optional<std::filesystem::path> find(const std::string& key) const;

  // Stores `compiled` under `key`; failures are reported, not thrown (a
  // read-only cache directory must not stop the guest from running).
  bool store(const std::string& key, std::span<const uint8_t> compiled, std::string* error) const;

  // Drops an entry that failed to load (e.g. truncated by a full disk).
  void evict(const std::string& key) const;

 private:
  std::filesystem::path path_for(const std::string& key) const;
  std::filesystem::path dir_;
};

}  // namespace wasinet::runtime
