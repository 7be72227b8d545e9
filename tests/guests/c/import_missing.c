// import_missing: imports env::nope, which wasinet does not provide, so
// `wasinet run` must refuse to start it with one line naming the import.
// (write(2) rather than stdio keeps the other imports to what wasinet has.)
#include <unistd.h>

__attribute__((import_module("env"), import_name("nope"))) int nope(void);

int main(void) {
  // Never reached: the module cannot be linked.
  static const char line[] = "nope() returned\n";
  if (write(STDOUT_FILENO, line, sizeof line - 1) < 0) return 1;
  return nope();
}
