// embed_run: runs a WASI program on a wasmtime engine, store and linker
// that this program owns, with wasinet's WASI preview1 and sockets
// (wasinet_v0) added to the linker through the public embedding API.
//
//   embed_run [OPTION...] APP.wasm [ARGS...]
//
//   --listen IP:PORT   a TCP listener on IPv4 (port 0: the system chooses),
//                      handed to the program as the fd after its preopened
//                      directories (it finds it in WASINET_LISTEN_FDS); its
//                      address and fd are printed on stderr once the module
//                      is compiled and about to run (clients may connect then)
//   --dir HOST::GUEST  a preopened directory (HOST alone: the same path)
//   --env K=V          an environment variable
//   --max-fds N, --max-conns N, --max-memory BYTES   limits
//
// The program gets every network call (unrestricted_network). Its exit
// code becomes ours, and is printed on stderr too.
#include <wasmtime.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wasinet/wasmtime.hh"

namespace {

std::string message_of(wasmtime_error_t* error, wasm_trap_t* trap) {
  wasm_byte_vec_t text;
  if (error) {
    wasmtime_error_message(error, &text);
    wasmtime_error_delete(error);
  } else {
    wasm_trap_message(trap, &text);
    wasm_trap_delete(trap);
  }
  std::string out(text.data, text.size);
  wasm_byte_vec_delete(&text);
  if (!out.empty() && out.back() == '\0') out.pop_back();
  return out.substr(0, out.find('\n'));  // the first line; backtraces follow
}

// "127.0.0.1:8080" as a wasinet::ListenSpec (IPv4 only, to stay short).
bool parse_listen(const std::string& text, wasinet::ListenSpec& spec) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    const unsigned long port = std::stoul(text.substr(colon + 1));
    if (port > 65535) return false;
    spec = wasinet::ListenSpec::tcp(text.substr(0, colon), static_cast<uint16_t>(port));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

int usage() {
  std::fprintf(stderr,
               "usage: embed_run [--listen IP:PORT] [--dir HOST[::GUEST]] [--env K=V]\n"
               "                 [--max-fds N] [--max-conns N] [--max-memory BYTES] APP.wasm [ARGS...]\n");
  return 2;
}

// One option and its value into `options`; false when it is malformed.
bool parse_option(const std::string& name, const std::string& value, wasinet::GuestOptions& options) {
  try {
    if (name == "--listen") {
      wasinet::ListenSpec spec;
      if (!parse_listen(value, spec)) return false;
      options.listeners.push_back(spec);
    } else if (name == "--dir") {
      const size_t sep = value.find("::");
      options.dirs.push_back({value.substr(0, sep), sep == std::string::npos ? value : value.substr(sep + 2)});
    } else if (name == "--env") {
      options.environ.push_back(value);
    } else if (name == "--max-fds") {
      options.max_fds = std::stoul(value);
    } else if (name == "--max-conns") {
      options.max_conns = std::stoul(value);
    } else if (name == "--max-memory") {
      options.max_memory = std::stoull(value);
    } else {
      return false;
    }
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  wasinet::GuestOptions options;
  int i = 1;
  while (i < argc && std::strncmp(argv[i], "--", 2) == 0) {
    if (i + 1 >= argc || !parse_option(argv[i], argv[i + 1], options)) return usage();
    i += 2;
  }
  if (i >= argc) return usage();
  // As `wasinet run` does: the guest's fds count against the hard limit.
  wasinet::raise_fd_limit();
  const std::string path = argv[i];
  options.argv.assign(argv + i, argv + argc);  // argv[0] of the guest: its file
  options.network = wasinet::unrestricted_network();

  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    std::fprintf(stderr, "embed_run: cannot read %s\n", path.c_str());
    return 1;
  }

  // Made first and destroyed last: the linker and the instance call into it.
  std::unique_ptr<wasinet::Host> host;
  try {
    host = std::make_unique<wasinet::Host>(options);
  } catch (const wasinet::Error& e) {
    std::fprintf(stderr, "embed_run: %s\n", e.what());
    return 1;
  }

  // Everything wasmtime is ours: wasinet only adds functions to the linker.
  // Go programs need a deep wasm stack: 8 MiB, as `wasinet run` gives.
  wasm_config_t* config = wasm_config_new();
  wasinet::set_max_wasm_stack(config, wasinet::kDefaultMaxWasmStack);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasmtime_module_t* module = nullptr;
  if (wasmtime_error_t* e = wasmtime_module_new(engine, wasm.data(), wasm.size(), &module)) {
    std::fprintf(stderr, "embed_run: %s: %s\n", path.c_str(), message_of(e, nullptr).c_str());
    wasm_engine_delete(engine);
    return 1;
  }
  wasmtime_store_t* store = wasmtime_store_new(engine, nullptr, nullptr);
  wasmtime_context_t* context = wasmtime_store_context(store);
  wasmtime_linker_t* linker = wasmtime_linker_new(engine);

  int code = 0;
  try {
    wasinet::limit_store(engine, store, *host);  // --max-memory
  } catch (const wasinet::Error& e) {
    std::fprintf(stderr, "embed_run: %s\n", e.what());
    code = 1;
  }
  wasmtime_error_t* error = nullptr;
  wasm_trap_t* trap = nullptr;
  try {
    if (code == 0) wasinet::add_to_linker(linker, *host);
  } catch (const wasinet::Error& e) {
    std::fprintf(stderr, "embed_run: %s\n", e.what());
    code = 1;
  }
  if (code == 0) {
    wasmtime_instance_t instance;
    error = wasmtime_linker_instantiate(linker, context, module, &instance, &trap);
    wasmtime_extern_t start;
    if (!error && !trap) {
      if (wasmtime_instance_export_get(context, &instance, "_start", 6, &start) &&
          start.kind == WASMTIME_EXTERN_FUNC) {
        // On a thread with the native stack that wasm stack needs.
        // Said once the module is compiled and instantiated: a client that
        // waits for this line is served at once (compiling can take seconds).
        for (const wasinet::Listening& l : host->listeners())
          std::fprintf(stderr, "embed_run: listening on %s (fd %u)\n", l.url.c_str(), l.fd);
        wasinet::run_with_wasm_stack(wasinet::kDefaultMaxWasmStack, [&] {
          error = wasmtime_func_call(context, &start.of.func, nullptr, 0, nullptr, 0, &trap);
        });
      } else {
        std::fprintf(stderr, "embed_run: %s exports no _start function\n", path.c_str());
        code = 1;
      }
    }
  }
  if (error || trap) {
    // proc_exit ends the guest with a trap; the Host kept its code.
    const std::string why = message_of(error, trap);
    if (std::optional<int> exit = host->exit_code()) {
      code = *exit;
    } else {
      std::fprintf(stderr, "embed_run: %s trapped: %s\n", path.c_str(), why.c_str());
      code = 134;
    }
  }
  std::fprintf(stderr, "embed_run: exit code %d\n", code);

  wasmtime_linker_delete(linker);
  wasmtime_store_delete(store);
  wasmtime_module_delete(module);
  wasm_engine_delete(engine);
  return code;  // `host` goes last
}
