// stdin: reads stdin to EOF and prints "bytes=N fnv1a64=HEX" (FNV-1a, 64 bit,
// 16 lower-case hex digits), like the Go guest of the same name.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

int main(void) {
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a offset basis
  uint64_t total = 0;
  unsigned char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    for (size_t i = 0; i < n; ++i) {
      hash ^= buf[i];
      hash *= 0x100000001b3ull;  // FNV prime
    }
    total += n;
  }
  if (ferror(stdin)) {
    fprintf(stderr, "stdin: read failed after %" PRIu64 " bytes: %s\n", total, strerror(errno));
    return 1;
  }
  printf("bytes=%" PRIu64 " fnv1a64=%016" PRIx64 "\n", total, hash);
  return 0;
}
