// fileio: file and directory calls inside a preopened directory, with plain
// wasi-libc (stdio, opendir, stat, rename, ...). Same behaviour and output as
// the Go guest of the same name:
//
//   fileio DIR            create, write, read back, append, seek, list,
//                         rename, stat, remove, mkdir, rmdir; leaves DIR as
//                         it found it
//   fileio -readonly DIR  DIR is preopened read-only and holds readme.txt:
//                         reading must work, every write must be refused
//                         (a permission error; EBADF for a write through an
//                         fd opened without write rights)
//
// DIR may also be given as $FILEIO_DIR. Prints "entries: NAME..." and finally
// "ok"; on any mismatch it prints "fileio: ..." on stderr and exits 1.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NAMES 256

static void fail(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "fileio: ");
  vfprintf(stderr, format, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

static char* join(const char* dir, const char* name) {
  size_t n = strlen(dir) + 1 + strlen(name) + 1;
  char* p = malloc(n);
  snprintf(p, n, "%s/%s", dir, name);
  return p;
}

// Bytes that differ from block to block, so a read at the wrong offset shows.
static unsigned char* pattern(size_t n) {
  unsigned char* b = malloc(n);
  for (size_t i = 0; i < n; ++i) b[i] = (unsigned char)('a' + (i * 7 + i / 251) % 26);
  return b;
}

static int compare_names(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

// Sorted names in `dir` without "." and "..", NULL-terminated.
static char** list_dir(const char* dir, size_t* count) {
  DIR* d = opendir(dir);
  if (!d) fail("opendir %s: %s", dir, strerror(errno));
  char** names = calloc(MAX_NAMES + 1, sizeof *names);
  size_t n = 0;
  struct dirent* e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (n == MAX_NAMES) fail("readdir %s: more than %d entries", dir, MAX_NAMES);
    names[n++] = strdup(e->d_name);
  }
  if (errno != 0) fail("readdir %s: %s", dir, strerror(errno));
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  *count = n;
  return names;
}

static void print_entries(char** names, size_t n) {
  printf("entries:");
  for (size_t i = 0; i < n; ++i) printf(" %s", names[i]);
  printf("\n");
}

static int has_name(char** names, size_t n, const char* name) {
  for (size_t i = 0; i < n; ++i)
    if (strcmp(names[i], name) == 0) return 1;
  return 0;
}

static void must_not_exist(const char* path) {
  struct stat st;
  if (stat(path, &st) == 0) fail("stat %s: still exists", path);
  if (errno != ENOENT) fail("stat %s: want ENOENT, got %s", path, strerror(errno));
}

static void write_file(const char* path, const void* data, size_t n) {
  FILE* f = fopen(path, "w");
  if (!f) fail("fopen %s for writing: %s", path, strerror(errno));
  if (fwrite(data, 1, n, f) != n) fail("fwrite %s: %s", path, strerror(errno));
  if (fclose(f) != 0) fail("fclose %s: %s", path, strerror(errno));
}

// Reads the whole file; *n receives its size.
static unsigned char* read_file(const char* path, size_t* n) {
  FILE* f = fopen(path, "r");
  if (!f) fail("fopen %s for reading: %s", path, strerror(errno));
  size_t cap = 4096, len = 0;
  unsigned char* buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) buf = realloc(buf, cap *= 2);
  }
  if (ferror(f)) fail("fread %s: %s", path, strerror(errno));
  fclose(f);
  *n = len;
  return buf;
}

static void read_write(const char* dir) {
  char* data = join(dir, "fileio-data.txt");
  char* renamed = join(dir, "fileio-renamed.txt");
  char* sub = join(dir, "fileio-subdir");
  char* inner = join(sub, "inner.txt");

  // Write (100 KiB: more than one host read/write chunk), read back.
  const size_t size = 100 * 1024;
  unsigned char* content = pattern(size);
  write_file(data, content, size);
  size_t got_n;
  unsigned char* got = read_file(data, &got_n);
  if (got_n != size || memcmp(got, content, size) != 0)
    fail("read back %zu bytes, wrote %zu: contents differ", got_n, size);

  // Append, then check the size two ways and read at an offset.
  const char tail[] = "appended line\n";
  const size_t tail_n = sizeof tail - 1;
  FILE* f = fopen(data, "a");
  if (!f) fail("fopen %s for append: %s", data, strerror(errno));
  if (fwrite(tail, 1, tail_n, f) != tail_n) fail("append: %s", strerror(errno));
  if (fflush(f) != 0) fail("fflush after append: %s", strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0) fail("fstat: %s", strerror(errno));
  if (fclose(f) != 0) fail("fclose after append: %s", strerror(errno));
  const off_t want = (off_t)(size + tail_n);
  if (st.st_size != want) fail("fstat size %lld, want %lld", (long long)st.st_size, (long long)want);
  f = fopen(data, "r");
  if (!f) fail("fopen %s for reading: %s", data, strerror(errno));
  if (fseek(f, (long)size, SEEK_SET) != 0) fail("fseek: %s", strerror(errno));
  char rest[64] = {0};
  size_t rest_n = fread(rest, 1, sizeof rest - 1, f);
  fclose(f);
  if (rest_n != tail_n || memcmp(rest, tail, tail_n) != 0)
    fail("read after seek: got %zu bytes \"%s\", want \"appended line\\n\"", rest_n, rest);

  // A subdirectory with a file in it.
  if (mkdir(sub, 0755) != 0) fail("mkdir %s: %s", sub, strerror(errno));
  write_file(inner, "inner\n", 6);
  size_t n;
  char** names = list_dir(sub, &n);
  if (n != 1 || strcmp(names[0], "inner.txt") != 0) fail("readdir %s: want just inner.txt", sub);

  names = list_dir(dir, &n);
  if (!has_name(names, n, "fileio-data.txt") || !has_name(names, n, "fileio-subdir")) {
    print_entries(names, n);
    fail("readdir %s: fileio-data.txt or fileio-subdir missing", dir);
  }
  print_entries(names, n);

  // Rename, then stat both names.
  if (rename(data, renamed) != 0) fail("rename: %s", strerror(errno));
  must_not_exist(data);
  if (stat(renamed, &st) != 0) fail("stat %s: %s", renamed, strerror(errno));
  if (!S_ISREG(st.st_mode) || st.st_size != want)
    fail("stat %s: mode %o size %lld, want a regular file of %lld bytes", renamed,
         (unsigned)st.st_mode, (long long)st.st_size, (long long)want);
  if (stat(sub, &st) != 0) fail("stat %s: %s", sub, strerror(errno));
  if (!S_ISDIR(st.st_mode)) fail("stat %s: mode %o, want a directory", sub, (unsigned)st.st_mode);

  // Remove everything again: a non-empty directory cannot go first.
  if (rmdir(sub) == 0) fail("rmdir of a non-empty directory succeeded");
  if (remove(renamed) != 0) fail("remove %s: %s", renamed, strerror(errno));
  must_not_exist(renamed);
  if (unlink(inner) != 0) fail("unlink %s: %s", inner, strerror(errno));
  if (rmdir(sub) != 0) fail("rmdir %s: %s", sub, strerror(errno));
  must_not_exist(sub);
}

// The refusal a read-only preopen must give (and not, say, ENOSYS).
static int permission_denied(int e) {
  return e == EACCES || e == EPERM || e == EROFS || e == ENOTCAPABLE;
}

static void expect_refused(const char* what, int result) {
  if (result == 0) fail("%s in a read-only preopen: unexpectedly allowed", what);
  if (!permission_denied(errno))
    fail("%s in a read-only preopen: want a permission error, got %s", what, strerror(errno));
  printf("refused %s: %s\n", what, strerror(errno));
}

static void read_only(const char* dir) {
  char* readme = join(dir, "readme.txt");
  size_t n;
  unsigned char* got = read_file(readme, &n);
  while (n > 0 && got[n - 1] == '\n') --n;
  printf("readme: %.*s\n", (int)n, (const char*)got);
  char** names = list_dir(dir, &n);
  print_entries(names, n);

  FILE* f = fopen(join(dir, "new.txt"), "w");
  if (f) fclose(f);
  expect_refused("create", f ? 0 : -1);
  int fd = open(readme, O_WRONLY | O_TRUNC);
  if (fd >= 0) close(fd);
  expect_refused("truncate", fd >= 0 ? 0 : -1);
  // wasi-libc asks only for the rights the directory can give, so opening
  // for writing may succeed: then the write must fail (EBADF is fine).
  fd = open(readme, O_WRONLY);
  int wrote = -1;
  if (fd >= 0) {
    wrote = write(fd, "overwritten", 11) >= 0 ? 0 : -1;
    int saved = errno;
    close(fd);
    errno = saved;
  }
  if (wrote == 0) fail("write in a read-only preopen: unexpectedly allowed");
  if (fd >= 0 && errno == EBADF)
    printf("refused write: %s\n", strerror(errno));
  else
    expect_refused("write", -1);
  expect_refused("mkdir", mkdir(join(dir, "newdir"), 0755));
  expect_refused("rename", rename(readme, join(dir, "moved.txt")));
  expect_refused("remove", remove(readme));
}

int main(int argc, char** argv) {
  int readonly = 0;
  int i = 1;
  if (i < argc && strcmp(argv[i], "-readonly") == 0) {
    readonly = 1;
    ++i;
  }
  const char* dir = i < argc ? argv[i] : getenv("FILEIO_DIR");
  if (!dir || !*dir) fail("usage: fileio [-readonly] DIR (or set FILEIO_DIR)");
  if (readonly)
    read_only(dir);
  else
    read_write(dir);
  printf("ok\n");
  return 0;
}
