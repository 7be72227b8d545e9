#include "net/unix_names.hh"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "os/proc_fd.hh"
#include "wasi/directory.hh"

namespace wasinet::net {
namespace {

using wasi::Errno;
using wasi::Result;

std::string name_of(const HostAddress& h) {
  if (h.family() != AF_UNIX) return {};
  auto a = from_host(h);
  return a.ok() ? a->path : std::string();
}

// Live names guests bound, process-wide: fd numbers (and so /proc/self/fd
// names) are shared by every guest of the process.
class Registry {
 public:
  struct Entry {
    const wasi::Context* ctx = nullptr;
    std::string guest_path;
    uint64_t id = 0;
  };

  std::mutex mu;

  bool taken(const std::string& name) const { return names_.count(name) != 0; }

  uint64_t add(const std::string& name, const wasi::Context* ctx, const std::string& guest_path) {
    const uint64_t id = ++last_id_;
    names_[name] = Entry{ctx, guest_path, id};
    return id;
  }

  // Forgets `name` unless a newer socket registered it since.
  void forget(const std::string& name, uint64_t id) {
    auto it = names_.find(name);
    if (it != names_.end() && it->second.id == id) names_.erase(it);
  }

  std::string lookup(const wasi::Context* ctx, const std::string& name) const {
    auto it = names_.find(name);
    return it != names_.end() && it->second.ctx == ctx ? it->second.guest_path : std::string();
  }

 private:
  std::unordered_map<std::string, Entry> names_;
  uint64_t last_id_ = 0;
};

Registry& registry() {
  static Registry r;
  return r;
}

// The real host path of `parent`/`name`, when it fits sun_path and the
// directory's path still leads to `parent` (it was resolved beneath the
// preopen; a path that no longer does is not used). Empty otherwise.
//
// What remains is a race with another process that swaps a directory on
// that path for a symlink between this check and bind(2); a guest cannot
// do it alone, as it waits in this call (see RATIONALE).
std::string real_path_for(int parent, std::string_view name) {
  const std::string dir = os::host_path_of_fd(parent);
  if (dir.empty()) return {};
  struct stat by_path, by_fd;
  if (::stat(dir.c_str(), &by_path) != 0 || ::fstat(parent, &by_fd) != 0) return {};
  if (by_path.st_dev != by_fd.st_dev || by_path.st_ino != by_fd.st_ino) return {};
  std::string path = join_path(dir, name);
  if (path.size() >= sizeof(sockaddr_un::sun_path)) return {};
  return path;
}

}  // namespace

wasi::Status bind_unix(const wasi::Context& ctx, Socket& socket, const UnixTarget& target,
                       const std::string& guest_path) {
  Registry& reg = registry();
  std::string bound;
  uint64_t id = 0;
  {
    std::lock_guard lock(reg.mu);
    HostAddress h = target.address;
    // Aliases of the directory descriptor, open until bind returns.
    std::vector<os::UniqueFd> aliases;
    if (!target.name.empty()) {
      if (std::string real = real_path_for(target.parent.get(), target.name);
          !real.empty() && !reg.taken(real)) {
        WASINET_TRY(h, unix_host_address(real));
      } else {
        std::string candidate = name_of(target.address);
        while (reg.taken(candidate)) {
          const int alias = ::fcntl(target.parent.get(), F_DUPFD_CLOEXEC, 0);
          if (alias < 0) return wasi::errno_from_host(errno);
          aliases.emplace_back(alias);
          candidate = os::proc_fd_path(alias, target.name);
        }
        WASINET_TRY(h, unix_host_address(candidate));
      }
    }
    WASINET_CHECK(socket.bind(h));
    bound = name_of(h);
    id = reg.add(bound, &ctx, guest_path);
  }
  // Outside the lock: replacing an old registration forgets it, which locks.
  socket.bound_name = std::shared_ptr<void>(nullptr, [bound, id](void*) {
    Registry& r = registry();
    std::lock_guard lock(r.mu);
    r.forget(bound, id);
  });
  return Errno::success;
}

std::string guest_unix_path(wasi::Context& ctx, const HostAddress& h) {
  const std::string name = name_of(h);
  if (name.empty()) return {};
  {
    Registry& reg = registry();
    std::lock_guard lock(reg.mu);
    if (std::string own = reg.lookup(&ctx, name); !own.empty()) return own;
  }
  if (name.front() != '/' || os::is_proc_fd_path(name)) return {};
  std::string best;
  size_t best_root = 0;
  bool found = false;
  for (wasi::Fd fd = 0; fd < ctx.fds.end(); ++fd) {
    auto entry = ctx.fds.get(fd);
    if (!entry.ok() || !(*entry)->preopen_name) continue;
    auto dir = std::dynamic_pointer_cast<wasi::Directory>((*entry)->object);
    if (!dir) continue;
    const std::string root = os::host_path_of_fd(dir->dir_fd());
    if (root.empty()) continue;
    std::string_view rest;
    if (root == "/")
      rest = std::string_view(name).substr(1);
    else if (name == root)
      rest = {};
    else if (name.size() > root.size() && name.starts_with(root) && name[root.size()] == '/')
      rest = std::string_view(name).substr(root.size() + 1);
    else
      continue;
    // The deepest preopen wins; among equals, the lowest fd.
    if (found && root.size() <= best_root) continue;
    found = true;
    best_root = root.size();
    best = join_path(*(*entry)->preopen_name, rest);
  }
  return best;
}

}  // namespace wasinet::net
