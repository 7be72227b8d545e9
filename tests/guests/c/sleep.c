// sleep: proves that the host sleeps in poll_oneoff instead of spinning.
//
// nanosleep(200 ms) (wasi-libc turns it into a poll_oneoff clock
// subscription). The guest measures, itself, the wall time (must be >= 200 ms
// and < 1 s, CLOCK_MONOTONIC) and the growth of its process CPU time (must be
// < 50 ms, CLOCK_PROCESS_CPUTIME_ID). Prints "wall_ms=... cpu_ms=..." and
// exits 1 when a figure is out of bounds.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double ms_between(const struct timespec* a, const struct timespec* b) {
  return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static int now(clockid_t clock, const char* name, struct timespec* ts) {
  if (clock_gettime(clock, ts) != 0) {
    fprintf(stderr, "sleep: clock_gettime(%s): %s\n", name, strerror(errno));
    return -1;
  }
  return 0;
}

int main(void) {
  const double sleep_ms = 200, max_wall_ms = 1000, max_cpu_ms = 50;
  struct timespec cpu0, cpu1, wall0, wall1;
  if (now(CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID", &cpu0) ||
      now(CLOCK_MONOTONIC, "CLOCK_MONOTONIC", &wall0))
    return 1;
  struct timespec request = {0, 200 * 1000 * 1000};
  if (nanosleep(&request, NULL) != 0) {
    fprintf(stderr, "sleep: nanosleep: %s\n", strerror(errno));
    return 1;
  }
  if (now(CLOCK_MONOTONIC, "CLOCK_MONOTONIC", &wall1) ||
      now(CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID", &cpu1))
    return 1;
  const double wall = ms_between(&wall0, &wall1), cpu = ms_between(&cpu0, &cpu1);
  printf("wall_ms=%.1f cpu_ms=%.1f\n", wall, cpu);

  int failed = 0;
  if (wall < sleep_ms || wall >= max_wall_ms) {
    fprintf(stderr, "sleep: wall time %.1f ms, want >= %.0f ms and < %.0f ms\n", wall, sleep_ms,
            max_wall_ms);
    failed = 1;
  }
  if (cpu >= max_cpu_ms) {
    fprintf(stderr,
            "sleep: CPU time grew by %.1f ms while sleeping, want < %.0f ms (is poll_oneoff "
            "spinning?)\n",
            cpu, max_cpu_ms);
    failed = 1;
  }
  return failed;
}
