// workdir: where a program works and what a relative name opens there,
// with plain wasi-libc. Same output as the Go guest of the same name:
//
// stdout: "getwd=DIR" (getcwd, or "getwd error: ERR"), "PWD=VALUE" or
// "PWD unset", then for each argument "NAME: CONTENT" (the file's first
// line) or "NAME: error: ERR". Exit 0, or 1 when anything failed.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int failed = 0;
  char wd[4096];
  if (getcwd(wd, sizeof wd)) {
    printf("getwd=%s\n", wd);
  } else {
    printf("getwd error: %s\n", strerror(errno));
    failed = 1;
  }
  const char* pwd = getenv("PWD");
  if (pwd) printf("PWD=%s\n", pwd);
  else printf("PWD unset\n");
  for (int i = 1; i < argc; ++i) {
    FILE* f = fopen(argv[i], "r");
    if (!f) {
      printf("%s: error: %s\n", argv[i], strerror(errno));
      failed = 1;
      continue;
    }
    char line[256] = "";
    if (!fgets(line, sizeof line, f)) line[0] = '\0';
    fclose(f);
    printf("%s: %s", argv[i], line);
  }
  return failed;
}
