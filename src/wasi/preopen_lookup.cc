#include "wasi/preopen_lookup.hh"

#include <vector>

namespace wasinet::wasi {
namespace {

// Path components without empty and "." ones.
std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") out.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_prefix(const std::vector<std::string_view>& prefix,
               const std::vector<std::string_view>& path) {
  if (prefix.size() > path.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (prefix[i] != path[i]) return false;
  return true;
}

std::string join(const std::vector<std::string_view>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out.empty() ? std::string(".") : out;
}

}  // namespace

Result<PreopenMatch> find_preopen(FdTable& fds, std::string_view guest_path) {
  const bool absolute = !guest_path.empty() && guest_path.front() == '/';
  const std::vector<std::string_view> path = components(guest_path);

  PreopenMatch best;
  size_t best_len = 0;
  for (Fd fd = 0; fd < fds.end(); ++fd) {
    auto entry = fds.get(fd);
    if (!entry.ok() || !(*entry)->preopen_name) continue;
    auto dir = std::dynamic_pointer_cast<Directory>((*entry)->object);
    if (!dir) continue;
    if (!absolute) {
      best = {std::move(dir), fd, (*entry)->rights_base, join(path, 0)};
      return best;
    }
    const std::vector<std::string_view> name = components(*(*entry)->preopen_name);
    // Strictly longer: on a tie the lowest fd, which Go's scan also keeps.
    if (!is_prefix(name, path) || (best.dir && name.size() <= best_len)) continue;
    best = {std::move(dir), fd, (*entry)->rights_base, join(path, name.size())};
    best_len = name.size();
  }
  if (!best.dir) return Errno::notcapable;
  return best;
}

}  // namespace wasinet::wasi
