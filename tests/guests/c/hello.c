// hello: the smallest end-to-end check of argv, environment, stdout, stderr
// and the exit code. Same output as the Go guest of the same name:
//
// stdout: "argc=N", one "argN=VALUE" line per argument after argv[0],
// "HELLO_GREETING=VALUE" (or "HELLO_GREETING unset"), "envcount=N".
// stderr: one line. Exit code: 3.
#include <stdio.h>
#include <stdlib.h>

extern char** environ;

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("arg%d=%s\n", i, argv[i]);
  const char* greeting = getenv("HELLO_GREETING");
  if (greeting)
    printf("HELLO_GREETING=%s\n", greeting);
  else
    printf("HELLO_GREETING unset\n");
  int count = 0;
  for (char** e = environ; *e; ++e) ++count;
  printf("envcount=%d\n", count);
  fprintf(stderr, "hello: this line goes to stderr\n");
  return 3;
}
