/* crun-lite: phase timestamps (include/base/trace.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "base/trace.h"

void
trace_phase (const char *phase)
{
  static int enabled = -1;
  struct timespec ts;
  char line[160];
  int n;

  if (enabled < 0)
    enabled = getenv ("CRUN_LITE_TRACE") != NULL;
  if (!enabled)
    return;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  /* One write(2), no stdio: the init traces too, and its stdio is the
   * container's. */
  n = snprintf (line, sizeof line, "crun-lite trace: %lld.%06ld %d %s\n", (long long) ts.tv_sec, ts.tv_nsec / 1000,
                (int) getpid (), phase);
  if (n > 0)
    (void) !write (2, line, (size_t) n < sizeof line ? (size_t) n : sizeof line - 1);
}
