/* syscall_probe NR: make system call NR with no arguments of meaning and
 * print the errno it fails with (0 if it succeeds), for seccomp tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

int
main (int argc, char **argv)
{
  long r;
  if (argc != 2)
    {
      fprintf (stderr, "usage: syscall_probe NR\n");
      return 2;
    }
  r = syscall (atol (argv[1]), 0xDEADBEEFL, 0xCAFEFEEDL, 0x1337L);
  printf ("%d\n", r < 0 ? errno : 0);
  return 0;
}
