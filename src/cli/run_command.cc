#include "cli/run_command.hh"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/dir_flag.hh"
#include "cli/listen_flag.hh"
#include "runtime/module_loader.hh"
#include "runtime/runner.hh"
#include "runtime/service_runner.hh"
#include "wasinet/config.hh"
#include "wasinet/error.hh"

extern char** environ;

namespace wasinet::cli {
namespace {

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

// --metrics takes --listen's URLs (tcp://IP:PORT, unix:///PATH).
ListenSpec parse_metrics_flag(const std::string& text) {
  try {
    return parse_listen_flag(text);
  } catch (const Error& e) {
    throw Error(std::string(e.what()).replace(0, std::string("--listen").size(), "--metrics"));
  }
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunFlags& flags) {
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
  add_service_flags(*run, flags.service);
  run->add_option("--metrics", flags.metrics,
                  "Serve Prometheus metrics (GET /metrics) on tcp://IP:PORT or\n"
                  "unix:///PATH: connections, bytes, policy decisions, lookups, memory,\n"
                  "fds, time in poll_oneoff, restarts (docs/metrics.md). Off by default")
      ->type_name("ADDRESS");
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
  run->add_option("APP.wasm", flags.usage_module, "The program to run");
  run->add_option("ARGS", flags.usage_args, "Arguments for the program (words that look like flags included)");
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
      "Serving: --instances N|auto runs N instances on the same --listen sockets,\n"
      "restarted when they fail; SIGHUP reloads the module, SIGTERM drains (ends\n"
      "with 143 once connections finish), SIGINT stops at once (docs/serving.md).\n\n"
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
      "  wasinet run --listen unix:///run/app.sock server.wasm  # fd 3\n"
      "  wasinet run --instances auto --listen tcp://0.0.0.0:8080 server.wasm");

  return run;
}

int run_command(const RunFlags& f, const std::vector<std::string>& positional) {
  GuestOptions options;
  ServiceOptions service;
  std::optional<ListenSpec> metrics;
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
    if (!f.metrics.empty()) metrics = parse_metrics_flag(f.metrics);
    if (wants_service(f.service)) {
      parse_service_flags(f.service, service);
      if (options.timeout.count() > 0)
        throw Error("--timeout does not apply with --instances/--restart: a service runs until it is stopped");
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: %s\n", e.what());
    return kExitUsage;
  }
  options.dns_files = !f.no_dns_files;
  options.ca_certs = !f.no_ca_certs;
  options.argv = positional;  // argv[0]: the module's path, as typed
  options.retry_guard = retry_guard_from_environment();
  apply_fd_limit(f.limits, options);  // an Error (125) when the host cannot hold --max-fds
  if (wants_service(f.service)) {
    service.module = positional.front();
    service.guest = std::move(options);
    service.use_cache = !f.no_cache;
    service.cache_dir = f.cache_dir;
    service.verbose = f.verbose;
    service.metrics = metrics;
    return runtime::run_service(service);
  }
  runtime::LoadOptions load;
  load.use_cache = !f.no_cache;
  load.cache_dir = f.cache_dir;
  load.verbose = f.verbose;
  return runtime::run(positional.front(), options, load, metrics);
}

}  // namespace wasinet::cli
