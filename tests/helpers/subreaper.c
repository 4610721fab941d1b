/* tests/helpers/subreaper CMD...: run CMD as a child subreaper and reap
 * every orphan below it until CMD exits; exit with CMD's status.
 *
 * The tests kill the runtime in the middle of its work.  Its orphans (an
 * exec'd process whose parent was the runtime, say) are reparented to the
 * nearest subreaper or to PID 1, and a PID 1 that does not reap (as on
 * this machine, where it is not an init system) leaves them zombies: a
 * container's pid-namespace init then waits for them forever in
 * zap_pid_ns_processes.  A real host's init reaps them; this plays its part. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  pid_t child, pid;
  int status, rc = 1;
  if (argc < 2)
    {
      fputs ("usage: subreaper CMD...\n", stderr);
      return 2;
    }
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    {
      perror ("subreaper: PR_SET_CHILD_SUBREAPER");
      return 1;
    }
  child = fork ();
  if (child < 0)
    {
      perror ("subreaper: fork");
      return 1;
    }
  if (child == 0)
    {
      execvp (argv[1], argv + 1);
      fprintf (stderr, "subreaper: %s: %s\n", argv[1], strerror (errno));
      _exit (127);
    }
  for (;;)
    {
      pid = waitpid (-1, &status, 0);
      if (pid < 0 && errno == EINTR)
        continue;
      if (pid < 0 || pid == child)
        break;
    }
  if (pid == child)
    rc = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  /* Orphans that end just after CMD are reaped too; one that lives on is
   * left to PID 1, never waited for. */
  for (int i = 0; i < 20 && waitpid (-1, NULL, WNOHANG) >= 0; i++)
    usleep (10000);
  return rc;
}
