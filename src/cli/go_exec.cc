// `wasinet go _exec`: what `wasinet go test` and `wasinet go run` give go as
// -exec. go runs it in the package's directory (test) or the caller's (run)
// as `... _exec [run flags] -- PROGRAM ARGS...`; it runs PROGRAM under
// `wasinet run` with that directory as the working directory (the rest of
// its Go module read-only) and a private
// /tmp (Go tests use t.TempDir, which is under os.TempDir, "/tmp" on
// wasip1) in which it may use unix sockets, then deletes the /tmp and
// exits with wasinet run's status.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/go_command.hh"
#include "runtime/exit_codes.hh"

namespace wasinet::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitSetup = runtime::kExitHostError;

volatile sig_atomic_t g_child = 0;

// Signals that would end us (go test's timeout, Ctrl-C) go to wasinet run,
// which stops the guest and exits 130/143; we then clean up and exit too.
void forward_signal(int sig) {
  if (g_child > 0) ::kill(g_child, sig);
}

// Whether the flags already map the guest's /tmp.
bool maps_tmp(const std::vector<std::string>& flags) {
  for (size_t i = 0; i < flags.size(); ++i) {
    std::string_view v;
    if (flags[i].rfind("--dir=", 0) == 0) v = std::string_view(flags[i]).substr(6);
    else if (flags[i] == "--dir" && i + 1 < flags.size()) v = flags[i + 1];
    else continue;
    if (v.ends_with(":ro")) v.remove_suffix(3);
    const size_t sep = v.find("::");
    const std::string_view guest = sep == std::string_view::npos ? v : v.substr(sep + 2);
    if (guest == "/tmp" || guest == "/tmp/") return true;
  }
  return false;
}

// The directory of the go.mod above `dir` (not `dir` itself), if any: tests
// read ../testdata and the like.
std::optional<fs::path> module_root_above(const fs::path& dir) {
  std::error_code ec;
  for (fs::path p = dir.parent_path(); !p.empty(); p = p.parent_path()) {
    if (fs::is_regular_file(p / "go.mod", ec)) return p;
    if (p == p.root_path()) break;
  }
  return std::nullopt;
}

// Tests may leave read-only files and directories behind.
void remove_tree(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, ec);
  fs::remove_all(dir, ec);
}

int wait_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return kExitSetup;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace

int go_exec_command(const std::vector<std::string>& args) {
  auto sep = std::find(args.begin(), args.end(), std::string("--"));
  if (sep == args.end() || sep + 1 == args.end()) {
    std::fprintf(stderr, "wasinet: go _exec: expected [run flags] -- PROGRAM ARGS... (go's -exec for `wasinet go`)\n");
    return 2;
  }
  const std::vector<std::string> flags(args.begin(), sep);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec) {
    std::fprintf(stderr, "wasinet: go _exec: no current directory: %s\n", ec.message().c_str());
    return kExitSetup;
  }
  std::string tmp;
  if (!maps_tmp(flags)) {
    tmp = (fs::temp_directory_path(ec) / "wasinet-go-tmp-XXXXXX").string();
    if (ec || ::mkdtemp(tmp.data()) == nullptr) {
      std::fprintf(stderr, "wasinet: go _exec: cannot create a temporary directory: %s\n", std::strerror(errno));
      return kExitSetup;
    }
  }

  std::vector<std::string> argv = {fs::read_symlink("/proc/self/exe", ec).string(), "run", "--dir", cwd.string()};
  // The rest of the module, read-only, unless the package is its root.
  if (!fs::is_regular_file(cwd / "go.mod", ec))
    if (auto root = module_root_above(cwd)) argv.insert(argv.end(), {"--dir", root->string() + "::" + root->string() + ":ro"});
  // Unix sockets inside the private /tmp reach nothing but the program
  // itself (Go's tests make theirs under t.TempDir()).
  if (!tmp.empty()) argv.insert(argv.end(), {"--dir", tmp + "::/tmp", "--allow-unix=" + tmp});
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), sep, args.end());  // "--", PROGRAM, ARGS...
  std::vector<char*> c;
  for (std::string& w : argv) c.push_back(w.data());
  c.push_back(nullptr);

  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) ::sigaction(sig, &sa, nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "wasinet: go _exec: fork: %s\n", std::strerror(errno));
    if (!tmp.empty()) remove_tree(tmp);
    return kExitSetup;
  }
  if (pid == 0) {
    ::execv(c[0], c.data());
    std::fprintf(stderr, "wasinet: go _exec: cannot run %s: %s\n", c[0], std::strerror(errno));
    ::_exit(kExitSetup);
  }
  g_child = pid;
  const int status = wait_child(pid);
  if (!tmp.empty()) remove_tree(tmp);
  return status;
}

}  // namespace wasinet::cli
