// `wasinet`: run and precompile WASI programs with real networking.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "cli/go_command.hh"
#include "cli/run_command.hh"
#include "cli/run_words.hh"
#include "engine/engine.hh"
#include "runtime/exit_codes.hh"
#include "runtime/module_loader.hh"
#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

struct CompileFlags {
  std::string input;
  std::string output;  // empty: APP.cwasm
  bool interruptible = false;
};

CLI::App* add_compile_command(CLI::App& app, CompileFlags& flags) {
  CLI::App* compile = app.add_subcommand("compile", "Precompile a module for fast starts (writes .cwasm)");
  compile->add_option("APP.wasm", flags.input, "The module to compile")->required();
  compile->add_option("-o,--output", flags.output, "Output file (default: APP.cwasm)");
  compile->add_flag("--interruptible", flags.interruptible,
                    "Compile in the epoch checks `run --timeout` needs (guest code runs ~12% slower)");
  return compile;
}

int compile_command(const CompileFlags& flags) {
  std::string output = flags.output;
  if (output.empty()) output = std::filesystem::path(flags.input).replace_extension(".cwasm").string();
  // The same settings `run` uses: epoch checks only on request, for --timeout.
  engine::EngineOptions options;
  options.epoch_interruption = flags.interruptible;
  engine::Engine engine(options);
  std::vector<uint8_t> bytes = runtime::precompile(engine, flags.input);
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

// The command line as CLI11 sees it, and what it may not see.
struct Words {
  std::vector<std::string> cli;    // the command and wasinet's own flags
  std::vector<std::string> guest;  // run: APP.wasm and its arguments
};

// APP.wasm and everything after it belong to the guest, even words that
// look like our own flags: split them off before CLI11 sees them. Throws
// wasinet::Error for a malformed network rule.
Words split_words(std::vector<std::string> words, const CLI::App& run, NetFlags& net) {
  if (words.empty() || words.front() != run.get_name()) return {std::move(words), {}};
  RunWords split = split_run_words(
      words,
      [&](const std::string& w) {
        // Flags have type size 1 but expect 0 items: ask for the item count.
        const CLI::Option* opt = run.get_option_no_throw(w);
        return opt && opt->get_items_expected_min() > 0;
      },
      net);
  return {std::move(split.flags), std::move(split.guest)};
}

// CLI11 would report a word it does not know as "a subcommand is required":
// name it, and say how to run it when it looks like a program.
bool unknown_command(const std::vector<std::string>& words, const std::vector<const CLI::App*>& commands) {
  if (words.empty() || words.front().empty() || words.front()[0] == '-') return false;
  for (const CLI::App* c : commands)
    if (words.front() == c->get_name()) return false;
  std::fprintf(stderr, "wasinet: unknown command %s (%s)\n", words.front().c_str(),
               looks_like_program(words.front())
                   ? ("to run it: wasinet run " + words.front()).c_str()
                   : "the commands are run and compile; see `wasinet --help`");
  return true;
}

// Parses `words`; an exit status when there is nothing more to do (help,
// version, a usage error).
std::optional<int> parse(CLI::App& app, std::vector<std::string> words,
                         const std::vector<const CLI::App*>& commands) {
  // Help for the command the mistake is in: `wasinet --help` does not list
  // run's flags.
  std::string see = "wasinet --help";
  for (const CLI::App* c : commands)
    if (!words.empty() && words.front() == c->get_name()) see = "wasinet " + words.front() + " --help";
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
  return std::nullopt;
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
  RunFlags run_flags;
  CLI::App* run = add_run_command(app, run_flags);
  CompileFlags compile_flags;
  CLI::App* compile = add_compile_command(app, compile_flags);
  // `wasinet go` hands its words to the go command: parsed by go_command.
  app.add_subcommand("go", "Build, test, run or vet a Go program for wasip1 with real sockets (`wasinet go --help`)");

  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "go") return go_command({args.begin() + 1, args.end()});
  Words words;
  try {
    words = split_words(std::move(args), *run, run_flags.net);
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: %s\n", e.what());
    return kExitUsage;
  }
  if (unknown_command(words.cli, {run, compile})) return kExitUsage;
  if (std::optional<int> done = parse(app, std::move(words.cli), {run, compile})) return *done;

  try {
    if (!*run) return compile_command(compile_flags);
    if (words.guest.empty()) {
      std::fprintf(stderr, "wasinet: run: missing the module to run (see `wasinet run --help`)\n");
      return kExitUsage;
    }
    return run_command(run_flags, words.guest);
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
