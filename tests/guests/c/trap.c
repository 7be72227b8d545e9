// trap: writes one line to stdout, then executes `unreachable`. wasinet must
// exit with 134 and print one line about the trap on stderr.
// (write(2) rather than stdio keeps the guest's imports to fd_write.)
#include <unistd.h>

int main(void) {
  static const char line[] = "about to trap\n";
  if (write(STDOUT_FILENO, line, sizeof line - 1) < 0) return 1;
  __builtin_trap();
}
