/* bench/floor ROOTFS: the floor under any runtime's start of /bin/true.
 * One clone into new mount, pid, network, ipc and uts namespaces (those of
 * runc's default spec); the child makes its mounts private, binds ROOTFS
 * onto itself, pivot_roots into it, detaches the old root and execs
 * /bin/true; the parent waits.  No config, cgroup, /proc, /dev, state or
 * privilege dropping: what is left is the kernel's part, which no runtime
 * can go below. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  int status;
  pid_t pid;
  if (argc != 2)
    {
      fputs ("usage: floor ROOTFS\n", stderr);
      return 2;
    }
  pid = (pid_t) syscall (SYS_clone, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD,
                         NULL, NULL, NULL, 0);
  if (pid == 0)
    {
      if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
          || mount (argv[1], argv[1], NULL, MS_BIND | MS_REC, NULL) < 0 || chdir (argv[1]) < 0
          || syscall (SYS_pivot_root, ".", ".") < 0 || umount2 (".", MNT_DETACH) < 0)
        {
          perror ("floor");
          _exit (1);
        }
      execl ("/bin/true", "true", (char *) NULL);
      _exit (127);
    }
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    {
      perror ("floor");
      return 1;
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}
