/* crun-lite: foreground wait with signal forwarding (see include/container/foreground.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "container/foreground.h"
#include "base/utils.h"

static void
forwarded_set (sigset_t *set)
{
  sigfillset (set);
  /* Those that cannot or should not be caught stay as they are. */
  sigdelset (set, SIGKILL);
  sigdelset (set, SIGSTOP);
  sigdelset (set, SIGSEGV);
  sigdelset (set, SIGBUS);
  sigdelset (set, SIGILL);
  sigdelset (set, SIGFPE);
  sigdelset (set, SIGABRT);
  sigdelset (set, SIGTRAP);
  sigdelset (set, SIGSYS);
}

void
foreground_block_signals (sigset_t *old)
{
  sigset_t set;
  forwarded_set (&set);
  sigprocmask (SIG_BLOCK, &set, old);
}

int
foreground_wait (pid_t pid, int *exit_code, cl_error **err)
{
  sigset_t set;
  cleanup_close int sfd = -1;

  forwarded_set (&set);
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    return cl_fail (err, errno, "signalfd");
  for (;;)
    {
      struct signalfd_siginfo si;
      ssize_t r;
      /* Reap first: the process may have exited before we got here. */
      for (;;)
        {
          int status;
          pid_t w = waitpid (-1, &status, WNOHANG);
          if (w < 0 && errno == EINTR)
            continue;
          /* No child to wait for (ECHILD) would block below forever. */
          if (w < 0)
            return cl_fail (err, errno, "wait for process %d", (int) pid);
          if (w == 0)
            break;
          if (w == pid)
            {
              *exit_code = WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);
              return 0;
            }
        }
      r = read (sfd, &si, sizeof si);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return cl_fail (err, errno, "read signalfd");
        }
      if (si.ssi_signo != SIGCHLD)
        kill (pid, (int) si.ssi_signo);
    }
}
