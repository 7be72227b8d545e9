// dir_rights: directories as wasmtime has them. Run with a writable preopen
// /w holding a directory sub/ and a read-only preopen /r (tests/e2e/
// defaults_test.go). One line per check, "NAME errno=E" (or "NAME same" /
// "NAME differ" for rights compared with the preopen's), then "done".
//
// - path_open of a directory with the write right is EISDIR, with or
//   without O_DIRECTORY; O_DIRECTORY with creat, excl or trunc is EINVAL;
// - a directory opened with the rights Go asks for (read-only ones) may do
//   what its preopen may do: create and truncate files through it;
// - calls on a directory's bytes are EBADF;
// - beneath a read-only preopen a directory stays read-only.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

// What Go's syscall.Open asks for with O_RDONLY|O_DIRECTORY (fs_wasip1.go):
// its file rights less its write rights, masked to its directory rights.
#define R(x) __WASI_RIGHTS_##x
static const __wasi_rights_t kGoFile =
    R(FD_DATASYNC) | R(FD_READ) | R(FD_SEEK) | R(FD_FDSTAT_SET_FLAGS) | R(FD_SYNC) | R(FD_TELL) |
    R(FD_WRITE) | R(FD_ADVISE) | R(FD_ALLOCATE) | R(PATH_CREATE_DIRECTORY) | R(PATH_CREATE_FILE) |
    R(PATH_LINK_SOURCE) | R(PATH_LINK_TARGET) | R(PATH_OPEN) | R(FD_READDIR) | R(PATH_READLINK) |
    R(PATH_RENAME_SOURCE) | R(PATH_RENAME_TARGET) | R(PATH_FILESTAT_GET) |
    R(PATH_FILESTAT_SET_SIZE) | R(PATH_FILESTAT_SET_TIMES) | R(FD_FILESTAT_GET) |
    R(FD_FILESTAT_SET_SIZE) | R(FD_FILESTAT_SET_TIMES) | R(PATH_SYMLINK) |
    R(PATH_REMOVE_DIRECTORY) | R(PATH_UNLINK_FILE) | R(POLL_FD_READWRITE);
static const __wasi_rights_t kGoWrite =
    R(FD_DATASYNC) | R(FD_WRITE) | R(FD_ALLOCATE) | R(PATH_FILESTAT_SET_SIZE);
static const __wasi_rights_t kGoDir =
    R(FD_SEEK) | R(FD_FDSTAT_SET_FLAGS) | R(FD_SYNC) | R(PATH_CREATE_DIRECTORY) |
    R(PATH_CREATE_FILE) | R(PATH_LINK_SOURCE) | R(PATH_LINK_TARGET) | R(PATH_OPEN) |
    R(FD_READDIR) | R(PATH_READLINK) | R(PATH_RENAME_SOURCE) | R(PATH_RENAME_TARGET) |
    R(PATH_FILESTAT_GET) | R(PATH_FILESTAT_SET_SIZE) | R(PATH_FILESTAT_SET_TIMES) |
    R(FD_FILESTAT_GET) | R(FD_FILESTAT_SET_TIMES) | R(PATH_SYMLINK) | R(PATH_REMOVE_DIRECTORY) |
    R(PATH_UNLINK_FILE);
#define GO_DIR_RO ((kGoFile & ~kGoWrite) & kGoDir)

static int find_preopen(const char* want) {
  for (uint32_t fd = 3; fd < 64; ++fd) {
    __wasi_prestat_t pre;
    char name[64] = {0};
    if (__wasi_fd_prestat_get(fd, &pre) != 0 || pre.u.dir.pr_name_len >= sizeof name) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t*)name, pre.u.dir.pr_name_len) == 0 &&
        strcmp(name, want) == 0)
      return (int)fd;
  }
  fprintf(stderr, "dir_rights: no preopen %s\n", want);
  return -1;
}

static int open_at(int dir, const char* path, __wasi_oflags_t oflags, __wasi_rights_t base,
                   __wasi_rights_t inheriting, __wasi_fd_t* out) {
  return __wasi_path_open((__wasi_fd_t)dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, base,
                          inheriting, 0, out);
}

static void line(const char* name, int e) { printf("%s errno=%d\n", name, e); }

// "same" when `fd` has exactly the rights of `like`.
static void same_rights(const char* name, __wasi_fd_t fd, __wasi_fd_t like) {
  __wasi_fdstat_t a, b;
  if (__wasi_fd_fdstat_get(fd, &a) != 0 || __wasi_fd_fdstat_get(like, &b) != 0) {
    printf("%s fdstat failed\n", name);
    return;
  }
  const int same = a.fs_rights_base == b.fs_rights_base &&
                   a.fs_rights_inheriting == b.fs_rights_inheriting;
  printf("%s %s\n", name, same ? "same" : "differ");
}

int main(void) {
  const int w = find_preopen("/w"), r = find_preopen("/r");
  if (w < 0 || r < 0) return 1;
  __wasi_fd_t fd;
  uint8_t buf[8] = "x";
  __wasi_ciovec_t ciov = {buf, 1};
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_size_t n;

  line("open_dir_for_writing", open_at(w, "sub", __WASI_OFLAGS_DIRECTORY, R(FD_WRITE), 0, &fd));
  line("open_for_writing_a_dir", open_at(w, "sub", 0, R(FD_WRITE), 0, &fd));
  line("open_dir_trunc", open_at(w, "sub", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_TRUNC, GO_DIR_RO, kGoFile, &fd));
  line("open_dir_creat", open_at(w, "sub", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, GO_DIR_RO, kGoFile, &fd));
  line("open_dir_excl", open_at(w, "sub", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_EXCL, GO_DIR_RO, kGoFile, &fd));

  __wasi_fd_t sub;
  line("open_sub_as_go_does", open_at(w, "sub", __WASI_OFLAGS_DIRECTORY, GO_DIR_RO, kGoFile, &sub));
  same_rights("sub_rights_as_preopen", sub, (__wasi_fd_t)w);
  __wasi_fd_t f;
  int e = open_at(sub, "made", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, kGoFile, kGoFile, &f);
  line("create_truncate_through_sub", e);
  if (e == 0) {
    line("write_made", __wasi_fd_write(f, &ciov, 1, &n));
    (void)__wasi_fd_close(f);
  }
  line("sub_fd_write", __wasi_fd_write(sub, &ciov, 1, &n));
  line("sub_fd_read", __wasi_fd_read(sub, &iov, 1, &n));
  line("preopen_fd_write", __wasi_fd_write((__wasi_fd_t)w, &ciov, 1, &n));

  __wasi_fd_t ro;
  line("open_ro_dir", open_at(r, ".", __WASI_OFLAGS_DIRECTORY, GO_DIR_RO, kGoFile, &ro));
  same_rights("ro_rights_as_preopen", ro, (__wasi_fd_t)r);
  line("create_through_ro", open_at(ro, "new", __WASI_OFLAGS_CREAT, kGoFile, kGoFile, &f));
  line("ro_fd_write", __wasi_fd_write(ro, &ciov, 1, &n));
  printf("done\n");
  return 0;
}
