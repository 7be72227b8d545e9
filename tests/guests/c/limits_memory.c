// limits_memory: allocates until --max-memory refuses.
//
//   grow   mallocs (and touches) 1 MiB blocks until malloc fails; prints
//          "allocated=N MiB"; frees them, mallocs 1 MiB again
//          ("recovered"), exits 0: the guest lives on after the refusal.
//   die    the same until malloc fails, then aborts (a trap), as a program
//          that cannot go on without memory.
// Exits 1 if a cap was never reached (4 GiB allocated).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  const int die = argc > 1 && strcmp(argv[1], "die") == 0;
  enum { kBlock = 1 << 20, kMax = 4096 };
  static char* blocks[kMax];
  int n = 0;
  while (n < kMax) {
    char* p = malloc(kBlock);
    if (!p) break;
    memset(p, n & 0xff, kBlock);
    blocks[n++] = p;
  }
  printf("allocated=%d MiB\n", n);
  fflush(stdout);
  if (n == kMax) return 1;
  if (die) abort();
  while (n > 0) free(blocks[--n]);
  char* again = malloc(kBlock);
  if (!again) {
    fprintf(stderr, "limits_memory: no memory even after freeing everything\n");
    return 1;
  }
  memset(again, 1, kBlock);
  printf("recovered\n");
  return 0;
}
