// `wasinet go`: the Go toolchain with the overlay that gives package net real
// sockets through the host. See go_command.hh and sdk/go-overlay/README.md.
#include "cli/go_command.hh"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>

#include "cli/go_overlay.hh"
#include "os/unique_fd.hh"
#include "runtime/exit_codes.hh"
#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

namespace fs = std::filesystem;

using runtime::kExitUsage;
constexpr int kExitSetup = runtime::kExitHostError;

constexpr const char* kHelp = R"(Usage: wasinet go build|test|run|vet [wasinet run flags] [go flags] [packages]

Runs the Go toolchain found on PATH for GOOS=wasip1 GOARCH=wasm with an
overlay of package net that gives unmodified programs real sockets through
the wasinet host: net.Listen, net.Dial, net.Dialer, net.Resolver and
everything built on them (net/http, database and RPC clients). Plain
`GOOS=wasip1 go build` gives Go's in-memory fake network instead.

  wasinet go build -o app.wasm .
  wasinet run --allow-listen=127.0.0.1:8080 app.wasm
  wasinet go test --allow-net=loopback --allow-listen=loopback ./...
  wasinet go run --allow-net='*.example.com:443' . -flag value
  wasinet go vet ./...

`test` and `run` run the program under `wasinet run` (through go's -exec):
its working directory is the current one (a test's: its package's),
read-write, the rest of its Go module is read-only, and /tmp is a fresh
directory (unix sockets allowed in it) deleted afterwards. The network is
denied unless granted by `wasinet run` flags right after the command:
  --allow-net[=RULE,...]  --deny-net=RULE,...  --allow-listen[=RULE,...]
  --allow-unix=PATH  --allow-dns  --net-policy=FILE  --net-log=FILE
  --dir=HOST[::GUEST][:ro]  --env=K[=V]  --inherit-env  --listen=URL
  --max-fds=N  --max-conns=N  --max-memory=SIZE  --no-dns-files
  --no-ca-certs  --no-cache  --cache-dir=DIR  --verbose
(see `wasinet run --help`). Go's own flags follow them.

Supported Go releases: )";

constexpr const char* kHelpTail = R"( (from `go env GOVERSION`, so a
go.mod toolchain line is followed). A -overlay of your own is merged with
wasinet's unless it replaces the same files. GOOS and GOARCH, if set, must
be wasip1 and wasm. The overlay files are written once to
$WASINET_GO_OVERLAY_DIR (default ~/.cache/wasinet/go-overlay).

Exit status: go's own; 2 for a usage mistake; 125 when the toolchain cannot
be used (no go on PATH, an unsupported release, an overlay directory that
cannot be written, a -overlay of yours that replaces wasinet's files).
)";

// wasinet run's flags that `wasinet go test|run` passes on.
const std::set<std::string_view> kRunValueFlags = {
    "--dir",     "--env",      "--listen",     "--deny-net",  "--allow-unix", "--net-policy",
    "--net-log", "--max-fds",  "--max-conns",  "--max-memory", "--cache-dir"};
const std::set<std::string_view> kRunOptionalValueFlags = {"--allow-net", "--allow-listen"};
const std::set<std::string_view> kRunBoolFlags = {"--allow-dns",   "--inherit-env", "--no-dns-files",
                                                  "--no-ca-certs", "--no-cache",    "--verbose"};

// go flags whose value may be the next word; any other flag is taken as
// standing alone when looking for -overlay and -exec.
const std::set<std::string_view> kGoValueFlags = {
    "o",         "p",          "asmflags",   "buildmode", "compiler",    "gccgoflags",   "gcflags",
    "installsuffix", "ldflags", "mod",       "modfile",   "overlay",     "pgo",          "pkgdir",
    "tags",      "toolexec",   "exec",       "covermode", "coverpkg",    "bench",        "benchtime",
    "blockprofile", "blockprofilerate", "count", "coverprofile", "cpu", "cpuprofile", "fuzz",
    "fuzztime",  "fuzzminimizetime", "list", "memprofile", "memprofilerate", "mutexprofile",
    "mutexprofilefraction", "outputdir", "parallel", "run", "skip", "shuffle", "timeout", "trace",
    "vettool"};

struct UsageError : Error {
  using Error::Error;
};

struct Invocation {
  std::string verb;
  std::vector<std::string> run_flags;  // for `wasinet run`
  std::optional<std::string> chdir;    // go's -C
  std::optional<std::string> overlay;  // the user's -overlay
  std::vector<std::string> go_args;    // the rest, for go
};

std::string_view flag_name(std::string_view w) { return w.substr(0, w.find('=')); }

// "-overlay", "--overlay=x" → "overlay"; "" for a word that is no flag.
std::string_view go_flag_name(std::string_view w) {
  if (w.size() < 2 || w[0] != '-') return "";
  w.remove_prefix(w[1] == '-' ? 2 : 1);
  return w.substr(0, w.find('='));
}

bool is_run_flag(std::string_view name) {
  return kRunValueFlags.contains(name) || kRunOptionalValueFlags.contains(name) || kRunBoolFlags.contains(name);
}

Invocation parse(const std::vector<std::string>& args) {
  Invocation inv;
  inv.verb = args.front();
  const bool runs = inv.verb == "test" || inv.verb == "run";
  size_t i = 1;
  for (; i < args.size(); ++i) {
    const std::string& w = args[i];
    const std::string_view name = flag_name(w);
    const bool value = kRunValueFlags.contains(name);
    if (!is_run_flag(name)) break;
    if (!runs)
      throw UsageError("go " + inv.verb + ": " + std::string(name) +
                       " is a `wasinet run` flag, for `wasinet go test` and `wasinet go run`");
    inv.run_flags.push_back(w);
    if (value && name.size() == w.size()) {
      if (i + 1 == args.size()) throw UsageError("go " + inv.verb + ": " + w + " needs a value");
      inv.run_flags.push_back(args[++i]);
    }
  }
  // go's -C must come first.
  if (i < args.size() && go_flag_name(args[i]) == "C") {
    const std::string& w = args[i];
    if (w.find('=') != std::string::npos) {
      inv.chdir = w.substr(w.find('=') + 1);
      ++i;
    } else {
      if (i + 1 == args.size()) throw UsageError("go " + inv.verb + ": -C needs a directory");
      inv.chdir = args[i + 1];
      i += 2;
    }
  }
  // Look for -overlay and -exec among the flags, up to the first word that
  // is no flag (a package, or the program's arguments).
  bool scanning = true;
  for (; i < args.size(); ++i) {
    const std::string& w = args[i];
    const std::string_view name = go_flag_name(w);
    if (!scanning || w == "--" || w == "-args" || w == "--args" || name.empty()) {
      scanning = false;
      inv.go_args.push_back(w);
      continue;
    }
    if (is_run_flag(flag_name(w)))
      throw UsageError("go " + inv.verb + ": " + std::string(flag_name(w)) + " is a `wasinet run` flag" +
                       (runs ? ": put it right after `" + inv.verb + "`, before go's flags"
                             : ", for `wasinet go test` and `wasinet go run`"));
    const bool inline_value = w.find('=') != std::string::npos;
    const bool next_is_value = !inline_value && kGoValueFlags.contains(name) && i + 1 < args.size();
    if (name == "overlay") {
      if (!inline_value && !next_is_value) throw UsageError("go " + inv.verb + ": -overlay needs a file");
      inv.overlay = inline_value ? w.substr(w.find('=') + 1) : args[++i];
      continue;
    }
    if (name == "exec" && runs)
      throw UsageError("go " + inv.verb + ": -exec: wasinet runs the program itself (under `wasinet run`)");
    inv.go_args.push_back(w);
    if (next_is_value) inv.go_args.push_back(args[++i]);
  }
  return inv;
}

std::optional<fs::path> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (true) {
    const size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    const fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

std::vector<char*> c_argv(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (std::string& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

// Runs argv with stdout captured (stderr passes through); nullopt when it
// does not exit 0.
std::optional<std::string> capture_stdout(std::vector<std::string> argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  os::UniqueFd rd(fds[0]), wr(fds[1]);
  std::vector<char*> args = c_argv(argv);
  const pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    ::dup2(wr.get(), STDOUT_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  wr.reset();
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(rd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// One word for go's -exec, which splits on spaces and strips one level of
// '' or "" quotes (no escapes).
std::string quote_exec_word(const std::string& w) {
  const bool plain = !w.empty() && w.find_first_of(" \t\r\n'\"") == std::string::npos;
  if (plain) return w;
  if (w.find('\'') == std::string::npos) return "'" + w + "'";
  if (w.find('"') == std::string::npos) return "\"" + w + "\"";
  throw UsageError("go: cannot pass \"" + w + "\" through go's -exec (it holds both kinds of quote)");
}

void check_target_env() {
  for (const auto& [var, want] : {std::pair{"GOOS", "wasip1"}, std::pair{"GOARCH", "wasm"}}) {
    const char* v = std::getenv(var);
    if (v && *v && std::string_view(v) != want)
      throw UsageError(std::string("go: ") + var + "=" + v + " is set, but wasinet builds for GOOS=wasip1 GOARCH=wasm");
    ::setenv(var, want, 1);
  }
}

struct GoEnv {
  std::string version;
  fs::path goroot;
  fs::path gomodcache;
  std::string goflags;
};

GoEnv go_env(const fs::path& go, const Invocation& inv) {
  std::vector<std::string> argv = {go.string(), "env"};
  if (inv.chdir) argv.insert(argv.end(), {"-C", *inv.chdir});
  argv.insert(argv.end(), {"-json", "GOVERSION", "GOROOT", "GOMODCACHE", "GOFLAGS"});
  const std::optional<std::string> out = capture_stdout(argv);
  if (!out) throw Error("go: `" + go.string() + " env` failed (see above)");
  const nlohmann::json j = nlohmann::json::parse(*out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.value("GOVERSION", nlohmann::json()).is_string() ||
      !j.value("GOROOT", nlohmann::json()).is_string())
    throw Error("go: cannot read the output of `" + go.string() + " env -json`");
  return {j["GOVERSION"].get<std::string>(), j["GOROOT"].get<std::string>(),
          j.value("GOMODCACHE", std::string()), j.value("GOFLAGS", std::string())};
}

// A -overlay=FILE in GOFLAGS (which only takes the `=` form there).
std::optional<std::string> overlay_in_goflags(const std::string& goflags) {
  std::optional<std::string> found;
  size_t pos = 0;
  while (pos < goflags.size()) {
    const size_t end = std::min(goflags.find_first_of(" \t", pos), goflags.size());
    const std::string w = goflags.substr(pos, end - pos);
    if (go_flag_name(w) == "overlay" && w.find('=') != std::string::npos) found = w.substr(w.find('=') + 1);
    pos = end + 1;
  }
  return found;
}

// A toolchain that go downloaded (GOTOOLCHAIN=go1.27.3, or a go.mod's
// toolchain line) lives in the module cache, and go refuses an overlay of
// files there. The same GOROOT is reachable through a symlink of our own,
// outside it: its go is then run with GOROOT set to that path (and
// GOTOOLCHAIN=local, as the toolchain is already the chosen one).
fs::path goroot_outside_modcache(const GoEnv& env, const fs::path& root) {
  const std::string cache = env.gomodcache.string();
  const std::string goroot = env.goroot.string();
  if (cache.empty() || goroot.rfind(cache + "/", 0) != 0) return env.goroot;
  const fs::path link = root / ("goroot-" + env.version.substr(0, env.version.find(' ')));
  std::error_code ec;
  if (fs::read_symlink(link, ec) == env.goroot) return link;
  const fs::path tmp = root / (".tmp-link-" + std::to_string(::getpid()));
  fs::remove(tmp, ec);
  fs::create_directory_symlink(env.goroot, tmp, ec);
  if (ec) throw Error("cannot create " + tmp.string() + ": " + ec.message());
  fs::rename(tmp, link, ec);
  if (ec) throw Error("cannot install " + link.string() + ": " + ec.message());
  return link;
}

int run_go(const std::vector<std::string>& args) {
  Invocation inv = parse(args);
  check_target_env();
  const std::optional<fs::path> go = find_in_path("go");
  if (!go) throw Error("go: no `go` on PATH (install Go " + go_overlay::supported_releases() + ")");
  const GoEnv env = go_env(*go, inv);
  const std::string release = go_overlay::release_of(env.version);
  const go_overlay::EmbeddedRelease* overlay = go_overlay::find_release(release);
  if (!overlay)
    throw Error("go: " + env.version + " is not supported (supported: " + go_overlay::supported_releases() + ")");

  fs::path go_dir = fs::current_path();
  if (inv.chdir) go_dir = (go_dir / *inv.chdir).lexically_normal();
  std::optional<fs::path> user_overlay;
  if (!inv.overlay) inv.overlay = overlay_in_goflags(env.goflags);
  if (inv.overlay) user_overlay = fs::path(*inv.overlay).is_absolute() ? fs::path(*inv.overlay) : go_dir / *inv.overlay;
  const fs::path root = go_overlay::default_root();
  const fs::path files = go_overlay::install_files(*overlay, root);
  const fs::path goroot = goroot_outside_modcache(env, root);
  const fs::path json = go_overlay::write_overlay_json(*overlay, files, goroot, user_overlay, go_dir);
  fs::path go_binary = *go;
  if (goroot != env.goroot) {
    go_binary = goroot / "bin/go";
    ::setenv("GOROOT", goroot.c_str(), 1);
    ::setenv("GOTOOLCHAIN", "local", 1);
  }

  std::vector<std::string> argv = {go_binary.string(), inv.verb};
  if (inv.chdir) argv.insert(argv.end(), {"-C", *inv.chdir});
  argv.push_back("-overlay=" + json.string());
  if (inv.verb == "test" || inv.verb == "run") {
    std::string exec = quote_exec_word(fs::read_symlink("/proc/self/exe").string()) + " go _exec";
    for (const std::string& f : inv.run_flags) exec += " " + quote_exec_word(f);
    argv.push_back("-exec=" + exec + " --");
  }
  argv.insert(argv.end(), inv.go_args.begin(), inv.go_args.end());
  std::vector<char*> c = c_argv(argv);
  ::execv(c[0], c.data());
  throw Error("go: cannot run " + go_binary.string() + ": " + std::strerror(errno));
}

}  // namespace

int go_command(const std::vector<std::string>& args) {
  if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    std::fputs(kHelp, args.empty() ? stderr : stdout);
    std::fputs(go_overlay::supported_releases().c_str(), args.empty() ? stderr : stdout);
    std::fputs(kHelpTail, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : 0;
  }
  if (args.front() == "_exec") return go_exec_command({args.begin() + 1, args.end()});
  static const std::set<std::string_view> kVerbs = {"build", "test", "run", "vet"};
  if (!kVerbs.contains(args.front())) {
    std::fprintf(stderr, "wasinet: go: unknown command %s (build, test, run or vet; see `wasinet go --help`)\n",
                 args.front().c_str());
    return kExitUsage;
  }
  try {
    return run_go(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "wasinet: %s (see `wasinet go --help`)\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wasinet: %s\n", e.what());
    return kExitSetup;
  }
}

}  // namespace wasinet::cli
