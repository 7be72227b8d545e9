// `wasinet`: run and precompile WASI programs with real networking.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/dir_flag.hh"
#include "cli/go_command.hh"
#include "cli/limit_flags.hh"
#include "cli/listen_flag.hh"
#include "cli/net_flags.hh"
#include "cli/run_words.hh"
#include "engine/engine.hh"
#include "runtime/module_loader.hh"
#include "runtime/runner.hh"
#include "wasinet/config.hh"
#include "wasinet/error.hh"

extern char** environ;

namespace wasinet::cli {
namespace {

constexpr int kExitUsage = 2;

struct RunFlags {
  std::vector<std::string> dirs;
  std::vector<std::string> envs;
  std::vector<std::string> listens;
  NetFlags net;
  LimitFlags limits;
  bool no_dns_files = false;
  bool no_ca_certs = false;
  bool inherit_env = false;
  bool no_cache = false;
  std::string cache_dir;
  bool verbose = false;
};

// `--env K=V` sets K; `--env K` copies K from the host when it is set.
std::vector<std::string> build_environ(const RunFlags& f) {
  std::vector<std::string> out;
  if (f.inherit_env)
    for (char** e = environ; *e; ++e) out.emplace_back(*e);
  for (const std::string& kv : f.envs) {
    std::string entry = kv;
    if (kv.find('=') == std::string::npos) {
      const char* v = std::getenv(kv.c_str());
      if (!v) continue;
      entry = kv + "=" + v;
    }
    if (entry.front() == '=') throw Error("--env " + kv + ": empty variable name");
    const std::string key = entry.substr(0, entry.find('=') + 1);
    std::erase_if(out, [&](const std::string& s) { return s.rfind(key, 0) == 0; });
    out.push_back(entry);
  }
  return out;
}

// WASINET_RETRY_GUARD=off turns the wasinet_v0 retry guard off: a
// diagnostic knob, for measuring what the guard saves (BENCHMARKS.md).
bool retry_guard_from_environment() {
  const char* guard = std::getenv("WASINET_RETRY_GUARD");
  return !guard || std::string_view(guard) != "off";
}

int run_command(const RunFlags& f, const std::vector<std::string>& positional) {
  GuestOptions options;
  // A malformed --dir or --listen is a usage error like an unknown flag
  // (exit 2); one that cannot be opened (no such directory, address in
  // use) is a setup error (125).
  try {
    DirFlags dirs = parse_dir_flags(f.dirs);
    options.dirs = std::move(dirs.dirs);
    options.working_dir = std::move(dirs.working_dir);
    for (const std::string& l : f.listens) options.listeners.push_back(parse_listen_flag(l));
    options.net = net_policy_from_flags(f.net);
    parse_limit_flags(f.limits, options);
    options.environ = build_environ(f);
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: %s\n", e.what());
    return kExitUsage;
  }
  options.dns_files = !f.no_dns_files;
  options.ca_certs = !f.no_ca_certs;
  options.argv = positional;  // argv[0]: the module's path, as typed
  options.retry_guard = retry_guard_from_environment();
  runtime::LoadOptions load;
  load.use_cache = !f.no_cache;
  load.cache_dir = f.cache_dir;
  load.verbose = f.verbose;
  apply_fd_limit(f.limits, options);  // an Error (125) when the host cannot hold --max-fds
  return runtime::run(positional.front(), options, load);
}

int compile_command(const std::string& input, std::string output, bool interruptible) {
  if (output.empty()) output = std::filesystem::path(input).replace_extension(".cwasm").string();
  // The same settings `run` uses: epoch checks only on request, for --timeout.
  engine::EngineOptions options;
  options.epoch_interruption = interruptible;
  engine::Engine engine(options);
  std::vector<uint8_t> bytes = runtime::precompile(engine, input);
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write " + output);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error("cannot write " + output);
  std::fprintf(stderr, "wasinet: wrote %s (%zu bytes)\n", output.c_str(), bytes.size());
  return 0;
}

// `wasinet app.wasm`: a program where a command should be.
bool looks_like_program(const std::string& word) {
  std::error_code ec;
  return word.ends_with(".wasm") || word.ends_with(".cwasm") ||
         std::filesystem::is_regular_file(word, ec);
}

int main_impl(int argc, char** argv) {
  CLI::App app{
      "wasinet runs WebAssembly programs built for WASI preview1 (wasm32-wasip1) with real\n"
      "networking, inside a sandbox whose host decides what the guest may reach.",
      "wasinet"};
  app.set_version_flag("--version", std::string("wasinet 0.1.0"));
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  wasinet run app.wasm arg1 arg2\n"
      "  wasinet run --dir ./data::/data --env MODE=test app.wasm\n"
      "  wasinet compile app.wasm -o app.cwasm\n"
      "  wasinet go build -o app.wasm .   # net.Listen, net.Dial... reach the host\n\n"
      "Run `wasinet COMMAND --help` for a command's options (--dir, --env, ...).");

  RunFlags flags;
  CLI::App* run = app.add_subcommand("run", "Run a WASI program (.wasm, or .cwasm from `wasinet compile`)");
  run->add_option("--dir", flags.dirs,
                  "Preopen a host directory as GUEST (default: an absolute HOST at the\n"
                  "same path; a relative one at / plus the path: . is /, ./data is /data).\n"
                  ":ro makes it read-only, :rw (the default) writable. Repeatable. Go\n"
                  "programs work in the first --dir's GUEST when its HOST is absolute or\n"
                  "::GUEST is given; otherwise, and C programs always, in /.")
      ->type_name("HOST[::GUEST][:ro|:rw]");
  run->add_option("--env", flags.envs,
                  "Set an environment variable (K=V), or copy one from the host (K). Repeatable.")
      ->type_name("K[=V]");
  run->add_option("--listen", flags.listens,
                  "Open a listening socket on the host and hand it to the program:\n"
                  "tcp://127.0.0.1:8080, tcp://[::1]:8080, or unix:///PATH/TO.sock.\n"
                  "Repeatable. The sockets get the fds after every preopened directory\n"
                  "(the --dirs, then the implicit /, /etc and /etc/ssl/certs), in the\n"
                  "order given; the program finds them in WASINET_LISTEN_FDS (e.g. 6,7).\n"
                  "Port 0 lets the system choose; the address and fd are then printed on\n"
                  "stderr. Reported non-blocking to the program (a C program may clear that).")
      ->type_name("URL");
  run->add_flag("--no-dns-files", flags.no_dns_files,
                "Do not show the program the host's /etc/hosts and /etc/resolv.conf\n"
                "(otherwise preopened read-only at /etc for a program granted\n"
                "--allow-net or --allow-dns, unless a --dir maps /etc)");
  run->add_flag("--no-ca-certs", flags.no_ca_certs,
                "Do not show the program the host's CA bundle (otherwise, for a program\n"
                "granted --allow-net or --allow-dns: $SSL_CERT_FILE or the system's,\n"
                "read-only at /etc/ssl/certs/ca-certificates.crt, with SSL_CERT_FILE set\n"
                "to it unless --env sets SSL_CERT_FILE)");
  add_net_flags(*run, flags.net);
  add_limit_flags(*run, flags.limits);
  run->add_flag("--inherit-env", flags.inherit_env,
                "Pass the host's whole environment (before any --env)");
  run->add_flag("--no-cache", flags.no_cache, "Compile afresh; neither read nor write the module cache");
  run->add_option("--cache-dir", flags.cache_dir,
                  "Module cache directory (default $WASINET_CACHE_DIR or ~/.cache/wasinet/modules)")
      ->type_name("DIR");
  run->add_flag("-v,--verbose", flags.verbose,
                "Host-side notes on stderr: module cache hits and misses, compile time");
  // Shown in the usage line only: the words from APP.wasm on are split off
  // before parsing (see below) and go to the guest untouched.
  std::string usage_module;
  std::vector<std::string> usage_args;
  run->add_option("APP.wasm", usage_module, "The program to run");
  run->add_option("ARGS", usage_args, "Arguments for the program (words that look like flags included)");
  run->footer(
      "Exit status: the guest's own exit code; 125 when wasinet cannot start it\n"
      "(missing or invalid module, unknown import, missing --dir directory,\n"
      "--listen address in use, memory above --max-memory, --max-fds above the\n"
      "host's limit); 134 when it traps or runs out of --max-wasm-stack; 124 when\n"
      "--timeout stopped it; 130 / 143 when SIGINT / SIGTERM stopped it; 2 for a\n"
      "usage error (unknown flag, missing value, malformed --dir, --listen URL,\n"
      "network rule or limit).\n\n"
      "Limits: --max-fds, --max-conns, --max-memory, --timeout, --max-wasm-stack\n"
      "(docs/limits.md).\n\n"
      "Network: none unless granted. Each refusal prints one line on stderr;\n"
      "the guest gets EACCES. Rules and examples: docs/network-policy.md.\n"
      "A program granted no outbound network (--allow-net, --allow-dns) sees\n"
      "only its stdio, --dir, --listen and --env: no /etc, no SSL_CERT_FILE.\n\n"
      "Examples:\n"
      "  wasinet run app.wasm arg1 arg2\n"
      "  wasinet run --dir ./data::/data --env MODE=test app.wasm\n"
      "  wasinet run --listen tcp://127.0.0.1:0 server.wasm\n"
      "  wasinet run --allow-listen=127.0.0.1:8080 server.wasm\n"
      "  wasinet run --allow-net='*.example.com:443' --deny-net=private client.wasm\n"
      "  wasinet run --listen unix:///run/app.sock server.wasm  # fd 3");

  std::string compile_in, compile_out;
  CLI::App* compile = app.add_subcommand("compile", "Precompile a module for fast starts (writes .cwasm)");
  compile->add_option("APP.wasm", compile_in, "The module to compile")->required();
  compile->add_option("-o,--output", compile_out, "Output file (default: APP.cwasm)");
  bool compile_interruptible = false;
  compile->add_flag("--interruptible", compile_interruptible,
                    "Compile in the epoch checks `run --timeout` needs (guest code runs ~12% slower)");

  // `wasinet go` hands its words to the go command: parsed by go_command.
  app.add_subcommand("go", "Build, test, run or vet a Go program for wasip1 with real sockets (`wasinet go --help`)");

  // APP.wasm and everything after it belong to the guest, even words that
  // look like our own flags: split them off before CLI11 sees them.
  std::vector<std::string> words(argv + 1, argv + argc);
  if (!words.empty() && words.front() == "go") return go_command({words.begin() + 1, words.end()});
  std::vector<std::string> guest_words;
  if (!words.empty() && words.front() == run->get_name()) {
    try {
      RunWords split = split_run_words(
          words,
          [&](const std::string& w) {
            // Flags have type size 1 but expect 0 items: ask for the item count.
            const CLI::Option* opt = run->get_option_no_throw(w);
            return opt && opt->get_items_expected_min() > 0;
          },
          flags.net);
      words = std::move(split.flags);
      guest_words = std::move(split.guest);
    } catch (const Error& e) {
      std::fprintf(stderr, "wasinet: %s\n", e.what());
      return kExitUsage;
    }
  }
  // CLI11 would report a word it does not know as "a subcommand is required".
  if (!words.empty() && !words.front().empty() && words.front()[0] != '-' &&
      words.front() != run->get_name() && words.front() != compile->get_name()) {
    std::fprintf(stderr, "wasinet: unknown command %s (%s)\n", words.front().c_str(),
                 looks_like_program(words.front())
                     ? ("to run it: wasinet run " + words.front()).c_str()
                     : "the commands are run and compile; see `wasinet --help`");
    return kExitUsage;
  }
  // Help for the command the mistake is in: `wasinet --help` does not list
  // run's flags.
  const std::string see =
      !words.empty() && (words.front() == run->get_name() || words.front() == compile->get_name())
          ? "wasinet " + words.front() + " --help"
          : "wasinet --help";
  std::reverse(words.begin(), words.end());  // CLI11 parses a reversed vector

  try {
    app.parse(words);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "wasinet: %s (see `%s`)\n", e.what(), see.c_str());
    return kExitUsage;
  }

  try {
    if (*run) {
      if (guest_words.empty()) {
        std::fprintf(stderr, "wasinet: run: missing the module to run (see `wasinet run --help`)\n");
        return kExitUsage;
      }
      return run_command(flags, guest_words);
    }
    return compile_command(compile_in, compile_out, compile_interruptible);
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: %s\n", e.what());
    return runtime::kExitHostError;
  }
}

}  // namespace
}  // namespace wasinet::cli

int main(int argc, char** argv) {
  // A guest writing to a pipe or socket whose reader has gone must get
  // EPIPE, as a native program that ignores SIGPIPE would, not kill the host.
  std::signal(SIGPIPE, SIG_IGN);
  return wasinet::cli::main_impl(argc, argv);
}
