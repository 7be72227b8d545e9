// Guest paths (wasi/path_resolver): check_guest_path, then open_beneath or
// resolve_parent against a scratch tree full of traps (symlinks to /, to
// .., to /proc/self/root, absolute ones, loops). Resolution only: the
// flags never create or truncate. Whatever opens must lie inside the tree
// (the kernel says where an fd really is: /proc/self/fd/N).
//
// Input: u8 operation and flags, then the path.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "fuzz_check.hh"
#include "fuzz_input.hh"
#include "wasi/path_resolver.hh"

using namespace wasinet;
namespace fs = std::filesystem;

namespace {

struct ScratchTree {
  fs::path root;  // real path, no symlinks
  int fd = -1;
  ScratchTree() {
    char tmpl[] = "/tmp/wasinet-fuzz-path-XXXXXX";
    FUZZ_CHECK(::mkdtemp(tmpl) != nullptr, "mkdtemp");
    root = fs::canonical(tmpl);
    fs::create_directories(root / "a" / "b" / "c");
    fs::create_directories(root / "d");
    for (const char* f : {"file", "a/f", "a/b/f", "d/f"}) {
      FILE* out = std::fopen((root / f).c_str(), "w");
      FUZZ_CHECK(out != nullptr, "create %s", f);
      std::fclose(out);
    }
    const std::pair<const char*, const char*> links[] = {
        {"up", ".."},           {"root", "/"},          {"etc", "/etc/passwd"},
        {"proc", "/proc/self/root"}, {"cwd", "/proc/self/cwd"}, {"loop", "loop"},
        {"ab", "a/b"},          {"a/b/top", "../../.."}, {"a/in", "b/c"},
        {"a/b/out", "../../../.."}, {"dangling", "nowhere"}, {"d/self", "."},
        {"d/deep", "../a/b/c/../../b/f"}};
    for (const auto& [name, target] : links) fs::create_symlink(target, root / name);
    fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FUZZ_CHECK(fd >= 0, "open the scratch tree");
  }
  ~ScratchTree() {
    ::close(fd);
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

// Where the kernel says `fd` is.
std::string where(int fd) {
  std::error_code ec;
  return fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string();
}

bool inside(const fs::path& root, const std::string& path) {
  const std::string r = root.string();
  return path == r || (path.size() > r.size() && path.compare(0, r.size(), r) == 0 && path[r.size()] == '/');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchTree tree;
  fuzz::FuzzInput in(data, size);
  const uint8_t op = in.take<uint8_t>();
  const std::string_view path = in.text_until('\n');  // what follows is ignored

  const wasi::Status checked = wasi::check_guest_path(path);
  if (checked != wasi::Errno::success) return 0;
  FUZZ_CHECK(!path.empty() && path.front() != '/' && path.find('\0') == std::string_view::npos,
             "check_guest_path passed \"%.*s\"", int(path.size()), path.data());

  if (op & 1) {
    auto parent = wasi::resolve_parent(tree.fd, path);
    if (!parent.ok()) return 0;
    FUZZ_CHECK(parent->name.find('/') == std::string::npos, "a last component with a slash");
    const std::string at = where(parent->fd);
    FUZZ_CHECK(inside(tree.root, at), "\"%.*s\": parent %s is outside %s", int(path.size()), path.data(),
               at.c_str(), tree.root.c_str());
    return 0;
  }
  // Read-only opens: with or without O_DIRECTORY, O_NOFOLLOW, O_PATH.
  int flags = O_RDONLY | O_NONBLOCK;
  if (op & 2) flags |= O_DIRECTORY;
  if (op & 4) flags |= O_NOFOLLOW;
  if (op & 8) flags |= O_PATH;
  auto opened = wasi::open_beneath(tree.fd, path, flags);
  if (!opened.ok()) return 0;
  const std::string at = where(opened->get());
  FUZZ_CHECK(inside(tree.root, at), "\"%.*s\" opened %s, outside %s", int(path.size()), path.data(),
             at.c_str(), tree.root.c_str());
  return 0;
}
