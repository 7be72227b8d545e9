/* wasinet's C API: run WASI preview1 programs with wasinet's sockets,
 * network policy and limits from any language that can call C (the
 * containerd shim in Rust, examples/capi/gohost in Go through cgo).
 *
 * STATUS: engines, modules (load, compile through the cache, serialize),
 * options (directories by path or descriptor, listeners, policies and the
 * node ceiling from files or memory, limits) and guests (new, run, stop,
 * free; several instances as one service) work over the one guest
 * assembly of `wasinet run`. Not yet (they fail
 * with WASINET_ERROR_UNSUPPORTED naming what is missing): deserializing a
 * module from memory, listeners by descriptor, stdio other than 0-2.
 *
 *   wasinet_engine_options_t* eo = wasinet_engine_options_new();
 *   wasinet_engine_options_set_cache_dir(eo, "/var/cache/wasinet");
 *   wasinet_engine_t* engine;
 *   if (wasinet_engine_new(eo, &engine) != WASINET_OK) die(wasinet_last_error());
 *   wasinet_engine_options_free(eo);
 *
 *   wasinet_module_t* module;
 *   if (wasinet_module_load_file(engine, "app.wasm", &module)) die(wasinet_last_error());
 *
 *   wasinet_options_t* o = wasinet_options_new();
 *   wasinet_options_add_arg(o, "app.wasm");
 *   wasinet_options_add_arg(o, "--port=8080");
 *   wasinet_options_add_env(o, "MODE=prod");
 *   wasinet_options_add_dir(o, "/srv/data", "/data", WASINET_DIR_READ_ONLY);
 *   wasinet_options_add_net_rules(o, WASINET_ALLOW_LISTEN, "127.0.0.1:8080");
 *   wasinet_guest_t* guest;
 *   if (wasinet_guest_new(module, o, &guest)) die(wasinet_last_error());
 *   wasinet_options_free(o);
 *
 *   wasinet_exit_t end;          // another thread may call wasinet_guest_stop(guest, 143)
 *   if (wasinet_guest_run(guest, &end)) die(wasinet_last_error());
 *   int status = end.status;     // as `wasinet run` would exit
 *   wasinet_guest_free(guest); wasinet_module_free(module); wasinet_engine_free(engine);
 *
 * RULES
 *
 * Ownership. Every `wasinet_X_t*` a function hands out is owned by the
 * caller and released with its `wasinet_X_free` (which accepts NULL). A
 * handle keeps alive what it was made from (a module its engine, a guest
 * its module), so handles may be freed in any order. Strings and buffers
 * passed in are copied before the call returns; file descriptors passed in
 * are duplicated (the caller keeps and closes its own). Strings handed out
 * are owned by the handle named in their function's comment and stay valid
 * until that handle is freed, unless the comment says otherwise.
 *
 * Threads. Engines and modules are immutable once made: any number of
 * threads may use one at the same time (compile, load, make guests).
 * An options object is used by one thread at a time. A guest is run by
 * one thread; wasinet_guest_stop() is the exception: any thread, any time
 * before wasinet_guest_free(), and it is async-signal-safe. Threads
 * wasinet starts: wasmtime's compiler threads (a process-wide pool, made
 * at the first compile and kept; they inherit the signal mask of the
 * thread that compiled first) and, while a guest with a timeout runs, its
 * watchdog.
 *
 * Signals. wasinet installs no signal handler and changes no signal mask.
 * (wasmtime handles SIGSEGV, SIGBUS, SIGILL and SIGFPE raised by guest code
 * to turn them into traps, and passes on those it did not cause.) An
 * embedder that wants SIGTERM to stop a guest calls wasinet_guest_stop()
 * from its own handler or signal thread; `wasinet run` and the containerd
 * shim do exactly that.
 *
 * Environment. The library reads no environment variable of its own
 * process: what the guest gets and where the cache lives are all options.
 *
 * Errors. Functions that can fail return a wasinet_status_t: WASINET_OK (0)
 * or a category below. The reason, one line a person can act on
 * ("/srv/data: no such directory (--dir)"), is kept per thread: read it with
 * wasinet_last_error() on the thread that made the failing call. On
 * failure, out-parameters are left untouched.
 *
 * Stability. Until 1.0 the header and library change together: build
 * against the header of the library you link (WASINET_VERSION_* below; the
 * containerd shim checks wasinet_version() at start). Enumerators keep
 * their values; new functions and enumerators are added, never reordered.
 */
#ifndef WASINET_WASINET_H
#define WASINET_WASINET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WASINET_VERSION_MAJOR 0
#define WASINET_VERSION_MINOR 1
#define WASINET_VERSION_PATCH 0
#define WASINET_VERSION "0.1.0"

/* ------------------------------------------------------------ basics */

typedef enum wasinet_status_t {
  WASINET_OK = 0,
  /* The caller's mistake: a NULL handle, a malformed rule, an option that
   * contradicts another one. */
  WASINET_ERROR_INVALID = 1,
  /* The module: missing or unreadable file, not wasm, corrupt, compiled by
   * another engine, or it imports something wasinet does not provide. */
  WASINET_ERROR_MODULE = 2,
  /* Setting the guest up: a directory that does not exist, a listen
   * address in use, a policy or log file that cannot be read or opened, a
   * module whose memory starts above the memory limit. */
  WASINET_ERROR_SETUP = 3,
  /* Valid, but not available in this build or release (say which in the
   * message), e.g. more than one instance before issue 19. */
  WASINET_ERROR_UNSUPPORTED = 4,
  /* A host failure that is not the caller's: out of memory, an engine
   * error, a bug. */
  WASINET_ERROR_INTERNAL = 5,
} wasinet_status_t;

/* The library's version, "0.1.0": compare with WASINET_VERSION. Static
 * storage; never fails. */
const char* wasinet_version(void);

/* The reason for this thread's most recent failed call, one line without
 * a trailing newline; "" when none failed yet. Valid until this thread's
 * next call into wasinet. */
const char* wasinet_last_error(void);

/* ------------------------------------------------------------ engine */

/* An engine compiles modules and keeps their compiled code in its cache.
 * One per process is the normal case: it is shared by every module and
 * guest made from it. */
typedef struct wasinet_engine wasinet_engine_t;
typedef struct wasinet_engine_options wasinet_engine_options_t;

/* Defaults: not interruptible, no cache, wasmtime's default wasm stack. */
wasinet_engine_options_t* wasinet_engine_options_new(void);
void wasinet_engine_options_free(wasinet_engine_options_t* options);

/* Compile epoch checks into guest code so that wasinet_guest_stop() and
 * timeouts stop a guest even while it computes (without them, a stop
 * reaches the guest only when it next waits in a host call). They cost Go
 * guests about 12% of their compute speed; `wasinet run` turns them on
 * only for --timeout. A module compiled with other settings is recompiled
 * (cache) or refused (precompiled). */
void wasinet_engine_options_set_interruptible(wasinet_engine_options_t* options, int on);

/* The compiled-module cache: a directory by path, or by an open directory
 * descriptor (duplicated), for a process that will no longer see the path
 * when it loads modules (a container after pivot_root: the shim opens the
 * node's cache directory before the container is created). Entries are
 * keyed by the SHA-256 of the engine's fingerprint and the module, written
 * to a temporary file and renamed into place, so several processes may
 * share one directory. An unwritable directory costs the cache, never the
 * run (one line on stderr). Without either call: no cache. The last call
 * wins. */
void wasinet_engine_options_set_cache_dir(wasinet_engine_options_t* options, const char* path);
void wasinet_engine_options_set_cache_dir_fd(wasinet_engine_options_t* options, int dirfd);

/* The most native stack a guest's wasm code may use, in bytes (0: the
 * default of `wasinet run`, 8 MiB; at most 1 GiB, as --max-wasm-stack). A guest that recurses deeper traps with
 * "call stack exhausted". An engine setting, not a guest one, because the
 * engine compiles the check into the code. */
void wasinet_engine_options_set_max_wasm_stack(wasinet_engine_options_t* options, size_t bytes);

/* Host-side notes on stderr (cache hit or miss, compile time), as
 * `wasinet run -v`. Off by default. */
void wasinet_engine_options_set_verbose(wasinet_engine_options_t* options, int on);

/* `options` may be NULL (the defaults) and may be freed right after.
 * Fails with SETUP when the cache directory cannot be opened. */
wasinet_status_t wasinet_engine_new(const wasinet_engine_options_t* options,
                                    wasinet_engine_t** out);
void wasinet_engine_free(wasinet_engine_t* engine);

/* Identifies the engine version and every setting that changes generated
 * code: part of every cache key, and the key under which a caller stores
 * code of its own (the shim's precompiled OCI layers). Owned by the engine. */
const char* wasinet_engine_fingerprint(const wasinet_engine_t* engine);

/* ------------------------------------------------------------ module */

typedef struct wasinet_module wasinet_module_t;

/* Loads `path`: WebAssembly (compiled through the engine's cache) or code
 * precompiled by this wasinet version with the engine's settings
 * (`wasinet compile`, wasinet_module_serialize). Fails with MODULE naming
 * the file and the reason. A precompiled file is native code: load only
 * files you built or trust. */
wasinet_status_t wasinet_module_load_file(const wasinet_engine_t* engine, const char* path,
                                          wasinet_module_t** out);

/* Compiles WebAssembly from memory (through the engine's cache, keyed by
 * the bytes). `name` is used in
 * messages and as the guest's default argv[0] (NULL: "main.wasm").
 * Precompiled bytes are refused here: use wasinet_module_deserialize. */
wasinet_status_t wasinet_module_compile(const wasinet_engine_t* engine, const uint8_t* wasm,
                                        size_t len, const char* name, wasinet_module_t** out);

/* Loads code precompiled by wasinet_module_serialize with an engine of the
 * same fingerprint (MODULE otherwise). Native code: trusted input only. */
wasinet_status_t wasinet_module_deserialize(const wasinet_engine_t* engine,
                                            const uint8_t* bytes, size_t len, const char* name,
                                            wasinet_module_t** out);

/* The module's compiled code, for wasinet_module_deserialize later. The
 * buffer is the caller's: release it with wasinet_bytes_free. */
wasinet_status_t wasinet_module_serialize(const wasinet_module_t* module, uint8_t** bytes,
                                          size_t* len);
void wasinet_bytes_free(uint8_t* bytes);

void wasinet_module_free(wasinet_module_t* module);

/* ------------------------------------------------------------ guest options */

/* What one guest gets. Nothing by default: no arguments but argv[0], no
 * environment, no directory, no network, no host file; stdio are this
 * process's fds 0-2. The setters that take text check it at once and
 * return INVALID with the reason; the others cannot fail. One options
 * object may make any number of guests. */
typedef struct wasinet_options wasinet_options_t;

wasinet_options_t* wasinet_options_new(void);
void wasinet_options_free(wasinet_options_t* options);

/* argv, in order, argv[0] included. Without any, argv is the module's file
 * name alone (as `wasinet run` gives it). */
void wasinet_options_add_arg(wasinet_options_t* options, const char* arg);

/* One environment variable, "KEY=VALUE" (INVALID without '=' or with an
 * empty key), kept in the order added. */
wasinet_status_t wasinet_options_add_env(wasinet_options_t* options, const char* key_value);

/* Preopened directories, from guest fd 3 in the order added, before any
 * socket (Go and wasi-libc stop scanning preopens at the first non
 * directory). `guest_path` NULL: the same as the host path. Without a PWD
 * variable, Go takes the first one as its working directory.
 * WASINET_DIR_READ_ONLY refuses every write beneath it (EROFS). A path
 * that is not a directory fails wasinet_guest_new, not this call. */
#define WASINET_DIR_READ_ONLY 1u
void wasinet_options_add_dir(wasinet_options_t* options, const char* host_path,
                             const char* guest_path, uint32_t flags);
/* The same for a directory the caller opened (duplicated; O_PATH is
 * enough). */
void wasinet_options_add_dir_fd(wasinet_options_t* options, int dirfd, const char* guest_path,
                                uint32_t flags);

/* Show the guest this process's /etc/hosts and /etc/resolv.conf read-only
 * at /etc (for Go's resolver), and its CA bundle ($SSL_CERT_FILE or the
 * system's) at /etc/ssl/certs/ca-certificates.crt with SSL_CERT_FILE set
 * to it, unless the directories map those guest paths themselves. Both on
 * by default, as in `wasinet run` (--no-dns-files, --no-ca-certs). The
 * shim turns them off: the container's own / is the guest's. */
void wasinet_options_set_dns_files(wasinet_options_t* options, int on);
void wasinet_options_set_ca_certs(wasinet_options_t* options, int on);

/* The guest's stdin, stdout and stderr: duplicates of these descriptors
 * (-1: /dev/null). Default: this process's 0, 1 and 2. */
void wasinet_options_set_stdio(wasinet_options_t* options, int in, int out, int err);

/* Listening sockets opened by wasinet_guest_new and handed to the guest at
 * the fds after every directory, as `--listen`: "tcp://127.0.0.1:8080",
 * "tcp://[::1]:0", "unix:///run/app.sock" (a host path). Each is its own
 * grant (no allow-listen rule needed) but still subject to deny rules and
 * the ceiling. INVALID for a malformed URL. */
wasinet_status_t wasinet_options_add_listen(wasinet_options_t* options, const char* url);
/* A listening socket the caller opened (socket activation; duplicated). */
wasinet_status_t wasinet_options_add_listen_fd(wasinet_options_t* options, int fd);

/* ------------------------------------------------------------ network policy */

/* The rules of `wasinet run`'s flags (docs/network-policy.md), with the
 * same syntax: `rules` is what follows '=' in the flag, one rule or several
 * separated by commas ("loopback,10.0.0.0/8:5432"). NULL means the bare
 * flag, everything, and is valid for ALLOW_NET and ALLOW_LISTEN only; ""
 * is INVALID, as `--allow-net=` is. Rules add up. The message of an
 * INVALID names the rule in flag form ("--allow-net=10.1.2.3/8: ..."), so
 * a caller that took it from elsewhere (the shim: WASINET_ALLOW_NET)
 * prefixes its own name. Nothing granted: no network at all. */
typedef enum wasinet_net_rule_kind_t {
  WASINET_ALLOW_NET = 1,    /* --allow-net: connect, send_to */
  WASINET_DENY_NET = 2,     /* --deny-net: refused whatever allows it */
  WASINET_ALLOW_LISTEN = 3, /* --allow-listen: bind, listen */
  WASINET_ALLOW_UNIX = 4,   /* --allow-unix: host paths of unix sockets */
} wasinet_net_rule_kind_t;
wasinet_status_t wasinet_options_add_net_rules(wasinet_options_t* options,
                                               wasinet_net_rule_kind_t kind, const char* rules);

/* --allow-dns: resolve any host name (grants no address). */
void wasinet_options_set_allow_dns(wasinet_options_t* options, int on);

/* --net-policy: rules from a TOML (.toml) or JSON file, read now (INVALID
 * names the file and what is wrong; SETUP if it cannot be read). */
wasinet_status_t wasinet_options_add_net_policy_file(wasinet_options_t* options,
                                                     const char* path);
/* The same from memory: `format` "toml" or "json"; `origin` names the text
 * in messages (a path, "ConfigMap app-policy"). A relative path inside it
 * (net-log) is an error: there is no directory to resolve it against. */
wasinet_status_t wasinet_options_add_net_policy_text(wasinet_options_t* options,
                                                     const char* text, size_t len,
                                                     const char* format, const char* origin);

/* The node's ceiling: a policy (same formats and keys) that bounds every
 * other grant of this guest, --listen sockets included. A call is allowed
 * only when both the guest's rules and the ceiling allow it; a deny of
 * either refuses it; a refusal by the ceiling names the ceiling's origin.
 * An empty ceiling allows nothing. Setting a second ceiling narrows the
 * first (both apply). Not set: no ceiling. The shim reads
 * /etc/wasinet/node-policy.toml on the node before the container exists
 * and passes its text here, so that the file of that name inside a pod's
 * image is never consulted. */
wasinet_status_t wasinet_options_add_net_ceiling_text(wasinet_options_t* options,
                                                      const char* text, size_t len,
                                                      const char* format, const char* origin);

/* --net-log: append every decision as a JSON line to `path` (opened by
 * wasinet_guest_new; SETUP if it cannot be). Refusals are also one line
 * each on the guest's host log, stderr ("wasinet: denied connect to ...");
 * print_refusals 0 turns that off. */
void wasinet_options_set_net_log(wasinet_options_t* options, const char* path);
void wasinet_options_set_print_refusals(wasinet_options_t* options, int on);

/* ------------------------------------------------------------ limits */

/* docs/limits.md. 0 means "no limit of this kind" except for max_fds.
 * max_fds: the fds the guest may hold, stdio and preopens included (EMFILE
 *   beyond). 0: this process's soft RLIMIT_NOFILE less 64 kept for the host.
 * max_conns: the sockets it opened or accepted and holds at once (listening
 *   ones not counted; EMFILE beyond).
 * max_memory: bytes its linear memory may grow to (memory.grow fails beyond).
 * timeout_ms: wall time from the start of wasinet_guest_run; then the guest
 *   is stopped and ends as WASINET_END_TIMED_OUT. Needs an interruptible
 *   engine (wasinet_guest_new fails with INVALID otherwise). */
void wasinet_options_set_max_fds(wasinet_options_t* options, uint64_t n);
void wasinet_options_set_max_conns(wasinet_options_t* options, uint64_t n);
void wasinet_options_set_max_memory(wasinet_options_t* options, uint64_t bytes);
void wasinet_options_set_timeout_ms(wasinet_options_t* options, uint64_t ms);

/* Instances of the module run by one guest handle, each on its own thread
 * with its own memory and fd table, sharing the listening sockets (issue
 * 19, `--instances`). 1 is the default; 0 means one per CPU this process
 * may use. More than one makes the guest handle a service (the C++
 * wasinet::Service): each instance gets WASINET_INSTANCE and
 * WASINET_INSTANCES, an instance that fails is restarted (backoff from
 * 100 ms), wasinet_guest_run returns when the last one has ended or the
 * service was stopped. Needs a module loaded from a file (UNSUPPORTED
 * otherwise: the instances reload it) and no timeout (INVALID). */
void wasinet_options_set_instances(wasinet_options_t* options, uint32_t n);

/* ------------------------------------------------------------ guest */

/* A guest made ready to run: its fd table holds stdio, the directories and
 * the listening sockets; its imports are checked against what wasinet
 * provides. It runs once. */
typedef struct wasinet_guest wasinet_guest_t;

/* Fails with SETUP (a directory that does not exist, a listen address in
 * use, the net-log file), MODULE (an import wasinet does not provide),
 * INVALID (a timeout on an engine that is not interruptible) or
 * UNSUPPORTED. `options` may be freed right after. */
wasinet_status_t wasinet_guest_new(const wasinet_module_t* module,
                                   const wasinet_options_t* options, wasinet_guest_t** out);

/* The listening sockets the guest holds, in the order added, with the
 * address each is bound to ("tcp://127.0.0.1:43567" when port 0 was
 * asked). The URL is owned by the guest. NULL past the end. */
size_t wasinet_guest_listener_count(const wasinet_guest_t* guest);
const char* wasinet_guest_listener_url(const wasinet_guest_t* guest, size_t index);

typedef enum wasinet_end_t {
  WASINET_END_RETURNED = 1,  /* _start returned: status 0 */
  WASINET_END_EXITED = 2,    /* proc_exit(code): status = code */
  WASINET_END_TRAPPED = 3,   /* a trap: status 134; message = the reason */
  WASINET_END_STOPPED = 4,   /* wasinet_guest_stop: status = its argument */
  WASINET_END_TIMED_OUT = 5, /* the timeout: status 124 */
} wasinet_end_t;

typedef struct wasinet_exit_t {
  wasinet_end_t end;
  /* What `wasinet run` exits with for this end: the guest's code, 134, 124,
   * or the status given to wasinet_guest_stop. */
  int status;
  /* One line about how it ended ("" for RETURNED and EXITED): the trap,
   * "stopped", "--timeout 30s reached", with a note when the guest was at
   * its memory limit. Owned by the guest. */
  const char* message;
} wasinet_exit_t;

/* Runs the guest on the calling thread until it ends, and fills `out`.
 * Returns OK however the guest ended (a trap is an end, not a failure).
 * Fails (and `out` is untouched) only when it could not start the guest:
 * SETUP for instantiation (memory above the limit), INVALID for a second
 * run. With several instances it returns when the last one has ended;
 * `out` describes that one. Blocking waits of the guest sleep in the
 * kernel; an idle guest costs no CPU. */
wasinet_status_t wasinet_guest_run(wasinet_guest_t* guest, wasinet_exit_t* out);

/* Asks the guest to stop, from any thread or a signal handler: every
 * blocking wait of the guest ends now and from now on (EINTR to the
 * guest), and on an interruptible engine its wasm code traps at the next
 * epoch check. The run then ends as STOPPED with `status` (the first stop
 * decides), whatever the guest does after the wake. A guest that neither
 * waits nor runs on an interruptible engine (a long computation, a read of
 * a terminal) may not return: the caller decides how long to wait for
 * wasinet_guest_run before ending the process (`wasinet run`: 200 ms, 2 s
 * with epoch checks; the shim: the same). Before the run: the run returns
 * at once as STOPPED. After it: nothing. Async-signal-safe: it writes an
 * eventfd and increments atomics, nothing else. */
void wasinet_guest_stop(wasinet_guest_t* guest, int status);

/* Closes every fd the guest held and removes the files of its unix
 * listeners. Not while wasinet_guest_run is running on another thread, and
 * not while a signal handler may still call wasinet_guest_stop on it. */
void wasinet_guest_free(wasinet_guest_t* guest);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* WASINET_WASINET_H */
