/* The C API's modules and guests from C (wasinet.h): the real C guests of
 * the CLI tests run through it, end as they do under `wasinet run`, and
 * bad input fails with the documented status and a reason.
 *
 *   guest_test GUESTS_DIR    (the build directory's guests/c)
 *
 * Exits 0 when every check holds, 1 with a line per failed one. */
#define _POSIX_C_SOURCE 200809L /* nanosleep in strict C11 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <time.h>

#include "wasinet/wasinet.h"

static int failures;

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "guest_test: %s (last error: %s)\n", what, wasinet_last_error());
    failures++;
  }
}

static wasinet_module_t* load(wasinet_engine_t* engine, const char* dir, const char* name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
  wasinet_module_t* m = NULL;
  check(wasinet_module_load_file(engine, path, &m) == WASINET_OK && m != NULL, path);
  return m;
}

static void* stop_later(void* guest) {
  const struct timespec d = {0, 300 * 1000 * 1000};
  nanosleep(&d, NULL);
  wasinet_guest_stop((wasinet_guest_t*)guest, 143);
  return NULL;
}


/* Several instances: GET /who from the service's listener (retrying while
 * the instances start), keep the answer, then stop the service. */
struct who_request {
  wasinet_guest_t* guest;
  int port;
  char answer[512];
};

static void* ask_who_then_stop(void* arg) {
  struct who_request* w = arg;
  for (int attempt = 0; attempt < 200 && w->answer[0] == '\0'; ++attempt) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)w->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr*)&a, sizeof a) == 0) {
      const char* req = "GET /who HTTP/1.0\r\n\r\n";
      if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
        size_t used = 0;
        ssize_t n;
        while (used < sizeof w->answer - 1 && (n = read(fd, w->answer + used, sizeof w->answer - 1 - used)) > 0)
          used += (size_t)n;
        w->answer[used] = '\0';
      }
    }
    close(fd);
    if (w->answer[0] == '\0') {
      const struct timespec d = {0, 50 * 1000 * 1000};
      nanosleep(&d, NULL);
    }
  }
  wasinet_guest_stop(w->guest, 143);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: guest_test GUESTS_DIR\n");
    return 2;
  }
  const char* dir = argv[1];
  wasinet_engine_t* engine = NULL;
  check(wasinet_engine_new(NULL, &engine) == WASINET_OK, "wasinet_engine_new");
  if (!engine) return 1;

  /* hello: argv and env pass through; it exits 3. */
  wasinet_module_t* hello = load(engine, dir, "hello");
  wasinet_options_t* o = wasinet_options_new();
  wasinet_options_add_arg(o, "hello.wasm");
  wasinet_options_add_arg(o, "one");
  check(wasinet_options_add_env(o, "HELLO_GREETING=hi") == WASINET_OK, "add_env");
  check(wasinet_options_add_env(o, "no equals sign") == WASINET_ERROR_INVALID, "add_env without '='");
  wasinet_guest_t* g = NULL;
  check(hello && wasinet_guest_new(hello, o, &g) == WASINET_OK, "guest_new(hello)");
  if (g) {
    wasinet_exit_t end;
    check(wasinet_guest_run(g, &end) == WASINET_OK, "run(hello)");
    check(end.end == WASINET_END_EXITED && end.status == 3, "hello ends EXITED 3");
    check(wasinet_guest_run(g, &end) == WASINET_ERROR_INVALID, "a second run is INVALID");
    wasinet_guest_free(g);
  }
  wasinet_options_free(o);

  /* trap: TRAPPED, status 134, a message. */
  wasinet_module_t* trap = load(engine, dir, "trap");
  g = NULL;
  check(trap && wasinet_guest_new(trap, NULL, &g) == WASINET_OK, "guest_new(trap)");
  if (g) {
    wasinet_exit_t end;
    check(wasinet_guest_run(g, &end) == WASINET_OK, "run(trap)");
    check(end.end == WASINET_END_TRAPPED && end.status == 134 && end.message[0] != '\0',
          "trap ends TRAPPED 134 with a message");
    wasinet_guest_free(g);
  }

  /* An hour's sleep, stopped from another thread: STOPPED with the status
   * given, long before the hour. */
  wasinet_module_t* sleeper = load(engine, dir, "limits_wait");
  wasinet_options_t* forever = wasinet_options_new();
  wasinet_options_add_arg(forever, "limits_wait.wasm");
  wasinet_options_add_arg(forever, "sleep");
  g = NULL;
  check(sleeper && wasinet_guest_new(sleeper, forever, &g) == WASINET_OK, "guest_new(sleep)");
  if (g) {
    pthread_t t;
    pthread_create(&t, NULL, stop_later, g);
    wasinet_exit_t end;
    check(wasinet_guest_run(g, &end) == WASINET_OK, "run(sleep)");
    pthread_join(t, NULL);
    check(end.end == WASINET_END_STOPPED && end.status == 143, "a stopped guest ends STOPPED 143");
    wasinet_guest_free(g);
  }
  wasinet_options_free(forever);

  /* A listener, and the URL it got. */
  o = wasinet_options_new();
  check(wasinet_options_add_listen(o, "tcp://127.0.0.1:0") == WASINET_OK, "add_listen");
  check(wasinet_options_add_listen(o, "http://x") == WASINET_ERROR_INVALID, "a malformed listen URL");
  g = NULL;
  check(hello && wasinet_guest_new(hello, o, &g) == WASINET_OK, "guest_new with a listener");
  if (g) {
    check(wasinet_guest_listener_count(g) == 1 &&
              strncmp(wasinet_guest_listener_url(g, 0), "tcp://127.0.0.1:", 16) == 0 &&
              wasinet_guest_listener_url(g, 1) == NULL,
          "the listener's URL");
    wasinet_guest_free(g);
  }
  wasinet_options_free(o);

  /* Policy rules are checked as the flags are. */
  o = wasinet_options_new();
  check(wasinet_options_add_net_rules(o, WASINET_ALLOW_NET, "loopback,10.0.0.0/8:5432") == WASINET_OK,
        "allow-net rules");
  check(wasinet_options_add_net_rules(o, WASINET_ALLOW_NET, "10.0.0.0/33") == WASINET_ERROR_INVALID &&
            strstr(wasinet_last_error(), "10.0.0.0/33") != NULL,
        "a malformed rule is INVALID, named");
  check(wasinet_options_add_net_rules(o, WASINET_ALLOW_NET, "") == WASINET_ERROR_INVALID, "an empty rule");
  check(wasinet_options_add_net_rules(o, WASINET_DENY_NET, NULL) == WASINET_ERROR_INVALID, "a bare --deny-net");
  /* A directory that does not exist: SETUP, named. */
  wasinet_options_add_dir(o, "/nonexistent/wasinet-capi", "/data", 0);
  g = NULL;
  check(hello && wasinet_guest_new(hello, o, &g) == WASINET_ERROR_SETUP && g == NULL &&
            strstr(wasinet_last_error(), "/nonexistent/wasinet-capi") != NULL,
        "a missing directory is SETUP, named");
  wasinet_options_free(o);

  /* A directory by descriptor (the shim's way for a path it will no
   * longer see), read-only: fileio -readonly reads readme.txt and every
   * write is refused. The caller closes its own descriptor at once. */
  char tree[] = "/tmp/wasinet-capi-XXXXXX";
  if (mkdtemp(tree)) {
    char readme[64];
    snprintf(readme, sizeof readme, "%s/readme.txt", tree);
    FILE* f = fopen(readme, "w");
    if (f) {
      fputs("read me\n", f);
      fclose(f);
    }
    int dirfd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    wasinet_module_t* fileio = load(engine, dir, "fileio");
    o = wasinet_options_new();
    wasinet_options_add_arg(o, "fileio.wasm");
    wasinet_options_add_arg(o, "-readonly");
    wasinet_options_add_arg(o, "/data");
    wasinet_options_add_dir_fd(o, dirfd, "/data", WASINET_DIR_READ_ONLY);
    close(dirfd);
    g = NULL;
    check(fileio && wasinet_guest_new(fileio, o, &g) == WASINET_OK, "guest_new with a directory by fd");
    if (g) {
      wasinet_exit_t end;
      check(wasinet_guest_run(g, &end) == WASINET_OK && end.status == 0, "fileio -readonly on a directory by fd");
      wasinet_guest_free(g);
    }
    wasinet_options_free(o);
    wasinet_module_free(fileio);
    remove(readme);
    rmdir(tree);
  }

  /* The node's ceiling bounds the guest's grants; malformed text is
   * INVALID and names its origin. */
  o = wasinet_options_new();
  const char* ceiling = "allow-net = [\"10.0.0.0/8\"]\n";
  check(wasinet_options_add_net_ceiling_text(o, ceiling, strlen(ceiling), "toml", "node-policy.toml") ==
            WASINET_OK,
        "a ceiling from text");
  check(wasinet_options_add_net_ceiling_text(o, "allow-net = 3", 13, "toml", "node-policy.toml") ==
                WASINET_ERROR_INVALID &&
            strstr(wasinet_last_error(), "node-policy.toml") != NULL,
        "a malformed ceiling is INVALID, named");
  const char* policy = "{\"allow-net\": [\"loopback\"]}";
  check(wasinet_options_add_net_policy_text(o, policy, strlen(policy), "json", "ConfigMap app") == WASINET_OK,
        "a policy from text");
  check(wasinet_options_add_net_policy_text(o, policy, strlen(policy), "yaml", "ConfigMap app") ==
            WASINET_ERROR_INVALID,
        "an unknown policy format");
  wasinet_options_free(o);

  /* Two instances of a Go HTTP server on one listener (a Service): both
   * serve; a stop from another thread ends them, STOPPED 143. */
  char go_dir[4096];
  snprintf(go_dir, sizeof go_dir, "%s/../go", dir);
  wasinet_module_t* web = load(engine, go_dir, "instance_http");
  o = wasinet_options_new();
  wasinet_options_add_arg(o, "instance_http.wasm");
  check(wasinet_options_add_listen(o, "tcp://127.0.0.1:0") == WASINET_OK, "add_listen for the service");
  wasinet_options_set_instances(o, 2);
  g = NULL;
  check(web && wasinet_guest_new(web, o, &g) == WASINET_OK, "guest_new with two instances");
  if (g) {
    struct who_request w = {g, 0, ""};
    const char* url = wasinet_guest_listener_url(g, 0);
    const char* colon = url ? strrchr(url, ':') : NULL;
    w.port = colon ? atoi(colon + 1) : 0;
    pthread_t t;
    pthread_create(&t, NULL, ask_who_then_stop, &w);
    wasinet_exit_t end;
    check(wasinet_guest_run(g, &end) == WASINET_OK, "run(two instances)");
    pthread_join(t, NULL);
    check(strstr(w.answer, "instances=2") != NULL, "an instance of two answered /who");
    check(end.end == WASINET_END_STOPPED && end.status == 143, "the service ends STOPPED 143");
    wasinet_guest_free(g);
  }
  wasinet_options_free(o);
  wasinet_module_free(web);

  /* A module loaded from memory has no file for the instances to reload. */
  static const uint8_t empty_module[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  wasinet_module_t* mem = NULL;
  check(wasinet_module_compile(engine, empty_module, sizeof empty_module, "empty.wasm", &mem) == WASINET_OK,
        "compile from memory");
  o = wasinet_options_new();
  wasinet_options_set_instances(o, 2);
  g = NULL;
  check(mem && wasinet_guest_new(mem, o, &g) == WASINET_ERROR_UNSUPPORTED && g == NULL,
        "instances of a module from memory are UNSUPPORTED");
  wasinet_options_free(o);
  wasinet_module_free(mem);

  /* A module wasinet cannot link: MODULE at run. */
  wasinet_module_t* missing = load(engine, dir, "import_missing");
  g = NULL;
  if (missing && wasinet_guest_new(missing, NULL, &g) == WASINET_OK) {
    wasinet_exit_t end;
    check(wasinet_guest_run(g, &end) == WASINET_ERROR_MODULE && strstr(wasinet_last_error(), "env::nope"),
          "an unknown import is MODULE, named");
    wasinet_guest_free(g);
  }

  wasinet_module_free(hello);
  wasinet_module_free(trap);
  wasinet_module_free(sleeper);
  wasinet_module_free(missing);
  wasinet_engine_free(engine);
  if (failures) return 1;
  printf("guest_test: every check holds\n");
  return 0;
}
