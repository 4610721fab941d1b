/* crun-lite: OCI hooks (see include/process/hooks.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "process/hooks.h"
#include "base/log.h"
#include "base/utils.h"

char *
hooks_state_json (const struct oci_config *cfg, const char *id, pid_t pid, const char *bundle, const char *status)
{
  struct container_state st = hooks_state (cfg, id, pid, bundle);
  return state_oci_json_as (&st, status, false);
}

struct container_state
hooks_state (const struct oci_config *cfg, const char *id, pid_t pid, const char *bundle)
{
  return (struct container_state){ .id = (char *) id, .pid = pid, .bundle = (char *) bundle,
                                   .annotations = cfg->annotations, .n_annotations = cfg->n_annotations };
}

/* Does child `pid` exit within `timeout_ms`?  It is left unreaped.  A pidfd
 * to poll where the kernel has them (5.3), else waitid(WNOWAIT) polled every
 * 10 ms. */
static bool
exits_within (pid_t pid, long long timeout_ms)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      int r;
      do
        r = poll (&p, 1, (int) timeout_ms);
      while (r < 0 && errno == EINTR);
      return r != 0;
    }
  for (long long waited = 0;; waited += 10)
    {
      siginfo_t si = { 0 };
      if (waitid (P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == pid)
        return true;
      if (waited >= timeout_ms)
        return false;
      nanosleep (&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
    }
}

static int
run_one (const struct oci_hook *h, const char *name, const char *state_json, cl_error **err)
{
  int in[2];
  pid_t pid;
  int status;
  long timeout_ms = h->timeout.set ? (long) h->timeout.v * 1000 : -1;

  if (pipe2 (in, O_CLOEXEC) < 0)
    return cl_fail (err, errno, "%s: pipe", name);
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    return cl_fail (err, errno, "%s: fork", name);
  if (pid == 0)
    {
      extern char **environ;
      char *const default_argv[] = { h->path, NULL };
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      dup2 (in[0], 0);
      /* No env: the runtime's own environment, as runc and crun do. */
      execve (h->path, h->args ? h->args : default_argv, h->env ? h->env : environ);
      fprintf (stderr, "crun-lite: %s: exec `%s`: %s\n", name, h->path, strerror (errno));
      _exit (127);
    }
  close (in[0]);
  /* A hook that does not read its stdin must not block us: ignore EPIPE. */
  {
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigaction (SIGPIPE, &ign, &old);
    (void) write_all (in[1], state_json, strlen (state_json));
    sigaction (SIGPIPE, &old, NULL);
  }
  close (in[1]);
  if (timeout_ms > 0 && !exits_within (pid, timeout_ms))
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return cl_fail_as (err, ETIMEDOUT, "%s (`%s`): timed out after %lld s", name, h->path,
                         (long long) h->timeout.v);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return cl_fail (err, errno, "%s: wait", name);
  /* "error running hook", runc's words, which scripts look for. */
  if (WIFSIGNALED (status))
    {
      /* With the signal's name as Go spells it ("bad system call"). */
      char sig[64];
      snprintf (sig, sizeof sig, "%s", strsignal (WTERMSIG (status)));
      if (sig[0] >= 'A' && sig[0] <= 'Z')
        sig[0] = (char) (sig[0] - 'A' + 'a');
      return cl_fail_as (err, EIO, "%s (`%s`): error running hook: killed by signal %d (%s)", name, h->path,
                         WTERMSIG (status), sig);
    }
  if (WEXITSTATUS (status) != 0)
    return cl_fail_as (err, EIO, "%s (`%s`): error running hook: exited with status %d", name, h->path,
                       WEXITSTATUS (status));
  return 0;
}

int
hooks_run (const struct oci_config *cfg, enum oci_hook_kind kind, const char *state_json, cl_error **err)
{
  for (size_t i = 0; i < cfg->n_hooks[kind]; i++)
    {
      cleanup_free char *name = xasprintf ("hooks.%s[%zu]", oci_hook_kind_names[kind], i);
      if (run_one (&cfg->hooks[kind][i], name, state_json, err) < 0)
        return -1;
    }
  return 0;
}

void
hooks_run_warning (const struct oci_config *cfg, enum oci_hook_kind kind, const char *state_json)
{
  for (size_t i = 0; i < cfg->n_hooks[kind]; i++)
    {
      cleanup_free char *name = xasprintf ("hooks.%s[%zu]", oci_hook_kind_names[kind], i);
      cleanup_error cl_error *e = NULL;
      if (run_one (&cfg->hooks[kind][i], name, state_json, &e) < 0)
        log_warning ("%s", e->msg);
    }
}
