// isolation_paths: tries to get out of its preopened directory every way a
// path can say, through the raw preview1 calls (wasi-libc would refuse an
// absolute path itself, without asking the host). Driven by
// tests/e2e/isolation_test.go, which builds the tree and checks the host
// afterwards.
//
//   isolation_paths box GUEST_DIR HOST_TMP RO_DIR
//       GUEST_DIR is the preopen (e.g. /box) holding the test's symlinks;
//       HOST_TMP is the host directory around it (holding "secret");
//       RO_DIR a read-only preopen holding "shared", which must not be
//       changed through the writable one either.
//   isolation_paths proc GUEST_DIR
//       GUEST_DIR is a preopen of the host's /proc: its magic links.
//
// One line per attempt: "LABEL errno=E", or "LABEL ok" (with " data HEX"
// for reads), then "done". The test holds the expectations.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "wasinet_v0.h"

// The raw import, so that paths can hold a NUL and lengths are ours.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t fd, int32_t dirflags, const char* path, uint32_t path_len, int32_t oflags,
              int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, uint32_t* out);

static uint32_t dir_fd;

static const __wasi_rights_t kRead = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR;
static const __wasi_rights_t kWrite = __WASI_RIGHTS_FD_WRITE;
static const __wasi_lookupflags_t kFollow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;

static void report(const char* label, int e) {
  if (e) printf("%s errno=%d\n", label, e);
  else printf("%s ok\n", label);
}

// Opens for reading (following symlinks, as open(2) does) and shows the
// first bytes if that worked.
static void open_read_n(const char* label, const char* path, uint32_t len, int32_t oflags) {
  uint32_t fd;
  int e = raw_path_open((int32_t)dir_fd, kFollow, path, len, oflags, (int64_t)kRead, 0, 0, &fd);
  if (e) {
    report(label, e);
    return;
  }
  printf("%s ok", label);
  uint8_t buf[32];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_size_t n = 0;
  if (__wasi_fd_read(fd, &iov, 1, &n) == 0 && n > 0) {
    printf(" data ");
    for (__wasi_size_t i = 0; i < n; ++i) printf("%02x", buf[i]);
  }
  printf("\n");
  (void)__wasi_fd_close(fd);
}

static void open_read(const char* label, const char* path) {
  open_read_n(label, path, (uint32_t)strlen(path), 0);
}

static void open_dir(const char* label, const char* path) {
  open_read_n(label, path, (uint32_t)strlen(path), __WASI_OFLAGS_DIRECTORY);
}

static void open_create(const char* label, const char* path) {
  uint32_t fd;
  int e = raw_path_open((int32_t)dir_fd, kFollow, path, (uint32_t)strlen(path),
                        __WASI_OFLAGS_CREAT, (int64_t)kWrite, 0, 0, &fd);
  if (e == 0) {
    const char msg[] = "written by the guest";
    __wasi_ciovec_t iov = {(const uint8_t*)msg, sizeof msg - 1};
    __wasi_size_t n;
    (void)__wasi_fd_write(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
  }
  report(label, e);
}

static void stat_follow(const char* label, const char* path) {
  __wasi_filestat_t st;
  report(label, __wasi_path_filestat_get(dir_fd, kFollow, path, &st));
}

static void unix_bind(const char* label, const char* guest_path) {
  uint32_t fd;
  int e = wasinet_sock_open(WASINET_AF_UNIX, WASINET_SOCK_STREAM, 0, &fd);
  if (e) {
    report(label, e);
    return;
  }
  wasinet_raw_addr a;
  wasinet_addr_unix(&a, guest_path);
  report(label, wasinet_sock_bind((int32_t)fd, &a, sizeof a));
  (void)__wasi_fd_close(fd);
}

static void unix_connect(const char* label, const char* guest_path) {
  uint32_t fd;
  int e = wasinet_sock_open(WASINET_AF_UNIX, WASINET_SOCK_STREAM, 0, &fd);
  if (e) {
    report(label, e);
    return;
  }
  wasinet_raw_addr a;
  wasinet_addr_unix(&a, guest_path);
  report(label, wasinet_sock_connect((int32_t)fd, &a, sizeof a));
  (void)__wasi_fd_close(fd);
}

static char* joined(const char* a, const char* b) {
  char* s = malloc(strlen(a) + strlen(b) + 1);
  strcpy(s, a);
  strcat(s, b);
  return s;
}

// A read-only preopen stays read-only when a writable one is at hand:
// no hard link of its files into the writable tree (then written through
// it), no rename out of it, no write or truncate.
static void across(uint32_t ro_fd) {
  report("ro_link_into_box", __wasi_path_link(ro_fd, 0, "shared", dir_fd, "linked"));
  report("ro_link_follow_into_box", __wasi_path_link(ro_fd, kFollow, "shared", dir_fd, "linked2"));
  report("ro_rename_into_box", __wasi_path_rename(ro_fd, "shared", dir_fd, "moved_in"));
  report("ro_rename_from_box", __wasi_path_rename(dir_fd, "file", ro_fd, "moved_out"));
  __wasi_fd_t fd;
  // Asking for the write right is no error (rights are intersected, as
  // wasi-libc asks for all of them): the fd just cannot write.
  int e = __wasi_path_open(ro_fd, kFollow, "shared", 0, kWrite, 0, 0, &fd);
  report("ro_open_write", e);
  if (e == 0) {
    const char msg[] = "overwritten";
    __wasi_ciovec_t iov = {(const uint8_t*)msg, sizeof msg - 1};
    __wasi_size_t n;
    report("ro_write", __wasi_fd_write(fd, &iov, 1, &n));
    (void)__wasi_fd_close(fd);
  }
  report("ro_open_trunc", __wasi_path_open(ro_fd, kFollow, "shared", __WASI_OFLAGS_TRUNC, kRead, 0, 0, &fd));
  report("ro_symlink_in_ro", __wasi_path_symlink("shared", ro_fd, "l"));
  e = __wasi_path_open(ro_fd, kFollow, "shared", 0, kRead, 0, 0, &fd);
  if (e == 0) {
    report("ro_file_set_size", __wasi_fd_filestat_set_size(fd, 0));
    report("ro_file_set_times", __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    report("ro_file_widen_rights", __wasi_fd_fdstat_set_rights(fd, kRead | kWrite, 0));
    (void)__wasi_fd_close(fd);
  } else {
    report("ro_open_read", e);
  }
}

static void box(const char* guest_dir, const char* host_tmp) {
  char* host_secret = joined(host_tmp, "/secret");
  char* via_root = joined("root", host_secret);

  // Inside is fine: the test checks these succeed, so the refusals below
  // are not a broken preopen.
  open_read("inside_file", "file");
  open_read("inside_symlink", "rel_inside");
  open_read("inside_dotdot", "sub/../file");

  // .. beyond the preopen.
  open_dir("dotdot", "..");
  open_read("dotdot_secret", "../secret");
  open_read("sub_dotdot_secret", "sub/../../secret");
  open_read("deep_dotdot_passwd", "../../../../../../../../etc/passwd");
  {
    // Down and up 500 times (3.5 KB, under the 4095-byte limit), then one
    // more up.
    char* p = malloc(500 * 7 + 16);
    p[0] = 0;
    for (int i = 0; i < 500; ++i) strcat(p, "sub/../");
    strcat(p, "../secret");
    open_read("many_dotdots", p);
    free(p);
  }

  // Absolute paths: the host's root, and the host path of the secret.
  open_read("abs_passwd", "/etc/passwd");
  open_dir("abs_root", "/");
  open_read("abs_host_secret", host_secret);

  // Symlinks inside the preopen that point out.
  open_dir("symlink_root", "root");
  open_read("symlink_root_passwd", "root/etc/passwd");
  open_read("symlink_root_secret", via_root);
  open_read("symlink_abs_file", "outside_file");
  open_read("symlink_rel_file", "outside_rel");
  open_read("symlink_up_secret", "up/secret");
  stat_follow("stat_symlink_abs_file", "outside_file");

  // /proc/self, by absolute path and through a symlink in the preopen.
  open_read("abs_proc_environ", "/proc/self/environ");
  open_read("abs_proc_mem", "/proc/self/mem");
  open_read("abs_proc_fd0", "/proc/self/fd/0");
  open_read("abs_proc_root_passwd", "/proc/self/root/etc/passwd");
  open_read("symlink_proc_environ", "proc/environ");
  open_read("symlink_proc_mem", "proc/mem");
  open_read("symlink_proc_root_passwd", "proc/root/etc/passwd");

  // Loops, NUL, length.
  open_read("loop", "loop_a");
  open_read("loop_component", "loop_a/x");
  {
    static const char nul[] = "file\0/../../secret";
    open_read_n("nul_inside", nul, sizeof nul - 1, 0);
    static const char nul_abs[] = "\0/etc/passwd";
    open_read_n("nul_first", nul_abs, sizeof nul_abs - 1, 0);
  }
  {
    char* p = malloc(70000);
    memset(p, 'a', 69999);
    p[69999] = 0;
    open_read("long_path_64k", p);
    memset(p, 'a', 300);
    p[300] = 0;
    open_read("long_component", p);
    free(p);
  }

  // Making things outside.
  open_create("create_dotdot", "../created_dotdot");
  open_create("create_abs", joined(host_tmp, "/created_abs"));
  open_create("create_dangling_abs", "dangling_abs");
  open_create("create_dangling_rel", "dangling_rel");
  open_create("create_via_up", "up/created_up");
  open_create("create_via_root", joined(via_root, "_x"));
  report("mkdir_dotdot", __wasi_path_create_directory(dir_fd, "../created_dir"));
  report("mkdir_via_up", __wasi_path_create_directory(dir_fd, "up/created_dir2"));
  report("symlink_at_dotdot", __wasi_path_symlink("file", dir_fd, "../created_link"));
  // A hard link of the outside file, through the symlink with FOLLOW.
  report("link_follow_outside", __wasi_path_link(dir_fd, kFollow, "outside_file", dir_fd, "hard"));
  report("link_dotdot_secret", __wasi_path_link(dir_fd, 0, "../secret", dir_fd, "hard2"));
  report("rename_secret_in", __wasi_path_rename(dir_fd, "../secret", dir_fd, "stolen"));
  report("rename_file_out", __wasi_path_rename(dir_fd, "file", dir_fd, "../moved"));
  report("unlink_secret", __wasi_path_unlink_file(dir_fd, "../secret"));
  report("unlink_via_up", __wasi_path_unlink_file(dir_fd, "up/secret"));
  report("rmdir_dotdot", __wasi_path_remove_directory(dir_fd, "../keepdir"));
  report("settimes_secret",
         __wasi_path_filestat_set_times(dir_fd, kFollow, "outside_file", 1, 1,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  // An absolute symlink target is refused (a host tool might follow it
  // one day); a relative one may point anywhere, and following it fails.
  report("make_symlink_abs", __wasi_path_symlink(host_secret, dir_fd, "made_abs_link"));
  report("make_symlink_rel_out", __wasi_path_symlink("../secret", dir_fd, "made_link"));
  open_read("follow_made_symlink", "made_link");

  // Unix socket paths resolve through the preopens the same way.
  char* g = joined(guest_dir, "/up/evil.sock");
  unix_bind("unix_bind_via_up", g);
  unix_bind("unix_bind_dotdot", joined(guest_dir, "/../evil.sock"));
  unix_bind("unix_bind_via_root", joined(joined(guest_dir, "/"), joined(via_root, "_evil.sock")));
  unix_bind("unix_bind_inside", joined(guest_dir, "/inside.sock"));
  // HOST_TMP/outer.sock is a listening socket outside the preopen.
  unix_connect("unix_connect_symlink_out", joined(guest_dir, "/outer_sock"));
  unix_connect("unix_connect_via_up", joined(guest_dir, "/up/outer.sock"));
  unix_connect("unix_connect_dotdot", joined(guest_dir, "/../outer.sock"));
  free(g);
}

// With the host's /proc preopened (an operator's mistake: see SECURITY.md),
// the magic links still lead nowhere.
static void proc(void) {
  open_dir("proc_self_root", "self/root");
  open_read("proc_self_root_passwd", "self/root/etc/passwd");
  open_dir("proc_self_cwd", "self/cwd");
  open_read("proc_self_exe", "self/exe");
  open_read("proc_self_fd0", "self/fd/0");
  open_read("proc_thread_self_root_passwd", "thread-self/root/etc/passwd");
  open_read("proc_1_root_passwd", "1/root/etc/passwd");
}

static uint32_t find_preopen(const char* name) {
  for (uint32_t fd = 3; fd < 64; ++fd) {
    __wasi_prestat_t pre;
    if (__wasi_fd_prestat_get(fd, &pre) != 0) continue;
    char buf[256] = {0};
    if (pre.u.dir.pr_name_len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t*)buf, pre.u.dir.pr_name_len) != 0) continue;
    if (strcmp(buf, name) == 0) return fd;
  }
  fprintf(stderr, "isolation_paths: no preopen named %s\n", name);
  exit(2);
}

int main(int argc, char** argv) {
  if (argc >= 5 && strcmp(argv[1], "box") == 0) {
    dir_fd = find_preopen(argv[2]);
    box(argv[2], argv[3]);
    across(find_preopen(argv[4]));
  } else if (argc >= 3 && strcmp(argv[1], "proc") == 0) {
    dir_fd = find_preopen(argv[2]);
    proc();
  } else {
    fprintf(stderr, "usage: isolation_paths box GUEST_DIR HOST_TMP RO_DIR | proc GUEST_DIR\n");
    return 2;
  }
  printf("done\n");
  return 0;
}
