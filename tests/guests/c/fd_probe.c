// fd_probe: what a guest can reach with the calls that move bytes, from
// fd 3 to 4095, and what it was given. Driven by tests/e2e/defaults_test.go.
//
// Prints, in order:
//   preopen FD NAME      for each preopened directory (fd_prestat_get)
//   env NAME             for each environment variable (names only)
//   fd FD CALL errno=E   for each call below that did not answer EBADF
//   done
//
// The calls: fd_write, fd_read, fd_pwrite, fd_pread, fd_seek, fd_tell,
// fd_advise, fd_allocate, fd_filestat_set_size, fd_fdstat_set_flags. On a
// closed fd each is EBADF; on a directory too, as in wasmtime (a directory
// has no bytes, offset or open mode), so a guest finds nothing to write to
// but what it was given as a file or socket.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void report(uint32_t fd, const char* call, int e) {
  if (e != __WASI_ERRNO_BADF) printf("fd %u %s errno=%d\n", fd, call, e);
}

static void probe(uint32_t fd) {
  uint8_t buf[16] = "probe";
  __wasi_ciovec_t ciov = {buf, 5};
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_size_t n;
  __wasi_filesize_t off;
  report(fd, "fd_write", __wasi_fd_write(fd, &ciov, 1, &n));
  report(fd, "fd_read", __wasi_fd_read(fd, &iov, 1, &n));
  report(fd, "fd_pwrite", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  report(fd, "fd_pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  report(fd, "fd_seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  report(fd, "fd_tell", __wasi_fd_tell(fd, &off));
  report(fd, "fd_advise", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
  report(fd, "fd_allocate", __wasi_fd_allocate(fd, 0, 1));
  report(fd, "fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0));
  report(fd, "fd_fdstat_set_flags", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
}

int main(void) {
  for (uint32_t fd = 3; fd < 4096; ++fd) {
    __wasi_prestat_t pre;
    if (__wasi_fd_prestat_get(fd, &pre) != 0) continue;
    char name[256] = {0};
    uint32_t len = pre.u.dir.pr_name_len < sizeof name - 1 ? pre.u.dir.pr_name_len : sizeof name - 1;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t*)name, len) != 0) strcpy(name, "?");
    printf("preopen %u %s\n", fd, name);
  }
  // The raw calls, not libc's environ: exactly what the host hands over.
  __wasi_size_t count = 0, size = 0;
  if (__wasi_environ_sizes_get(&count, &size) != 0) {
    fprintf(stderr, "fd_probe: environ_sizes_get failed\n");
    return 1;
  }
  uint8_t** env = calloc(count + 1, sizeof *env);
  uint8_t* env_buf = malloc(size + 1);
  if (!env || !env_buf || __wasi_environ_get(env, env_buf) != 0) {
    fprintf(stderr, "fd_probe: environ_get failed\n");
    return 1;
  }
  for (__wasi_size_t i = 0; i < count; ++i) {
    const char* kv = (const char*)env[i];
    const char* eq = strchr(kv, '=');
    printf("env %.*s\n", (int)(eq ? eq - kv : (long)strlen(kv)), kv);
  }
  for (uint32_t fd = 3; fd < 4096; ++fd) probe(fd);
  printf("done\n");
  return 0;
}
