/* Test helper: the racing attacker of CVE-2021-30465 / CVE-2024-45310.
 *   flip_exchange DIR A B SECONDS
 * Swaps DIR/A and DIR/B (a directory and a symlink) with one atomic
 * renameat2(RENAME_EXCHANGE) after another for SECONDS, so that a runtime
 * resolving a mount destination through DIR sees each of them in turn.
 * Prints how many swaps it made. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int
main (int argc, char **argv)
{
  struct timespec start, now;
  long swaps = 0;
  int dirfd;
  double secs;

  if (argc != 5)
    {
      fprintf (stderr, "usage: %s DIR A B SECONDS\n", argv[0]);
      return 2;
    }
  secs = atof (argv[4]);
  dirfd = open (argv[1], O_RDONLY | O_DIRECTORY);
  if (dirfd < 0)
    {
      perror (argv[1]);
      return 1;
    }
  clock_gettime (CLOCK_MONOTONIC, &start);
  do
    {
      for (int i = 0; i < 1000; i++)
        if (syscall (SYS_renameat2, dirfd, argv[2], dirfd, argv[3], RENAME_EXCHANGE) == 0)
          swaps++;
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while ((double) (now.tv_sec - start.tv_sec) + (double) (now.tv_nsec - start.tv_nsec) / 1e9 < secs);
  /* Leave the directory in place, as it started. */
  if (swaps % 2)
    syscall (SYS_renameat2, dirfd, argv[2], dirfd, argv[3], RENAME_EXCHANGE);
  printf ("%ld\n", swaps);
  return 0;
}
