/* syscall_probe NR [A0 A1 A2]: make system call NR (with no arguments of
 * meaning, or the three given) and print the errno it fails with (0 if it
 * succeeds), for seccomp tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

int
main (int argc, char **argv)
{
  long r;
  if (argc != 2 && argc != 5)
    {
      fprintf (stderr, "usage: syscall_probe NR [A0 A1 A2]\n");
      return 2;
    }
  if (argc == 5)
    r = syscall (atol (argv[1]), atol (argv[2]), atol (argv[3]), atol (argv[4]));
  else
    r = syscall (atol (argv[1]), 0xDEADBEEFL, 0xCAFEFEEDL, 0x1337L);
  printf ("%d\n", r < 0 ? errno : 0);
  return 0;
}
