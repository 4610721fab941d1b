/* crun-lite: OCI hooks (see include/process/hooks.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "process/hooks.h"
#include "base/trace.h"
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

/* Milliseconds left before `deadline` (-1: none), for poll. */
static int
left_ms (long long deadline)
{
  long long left;
  if (deadline < 0)
    return -1;
  left = deadline - monotonic_ms ();
  return left <= 0 ? 0 : left > 1000000000 ? 1000000000 : (int) left;
}

/* Has child `pid` exited?  It is left unreaped. */
static bool
has_exited (pid_t pid)
{
  siginfo_t si = { 0 };
  return waitid (P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == pid;
}

/* Write the state to the hook's stdin (a non-blocking pipe) and wait for
 * its exit, all before `deadline` (-1: none).  A hook that stops reading
 * cannot hold the runtime past its timeout; one that exits unread ends the
 * write.  The exit is seen through a pidfd where the kernel has them
 * (5.3), else by looking every 10 ms.  True when it exited in time (left
 * unreaped).  Takes `in_fd` (closed on return). */
static bool
feed_and_wait (pid_t pid, int in_fd, const char *data, size_t len, long long deadline)
{
  cleanup_close int in = in_fd; /* closed on return, whatever happened */
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  size_t done = 0;
  for (;;)
    {
      struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = in, .events = POLLOUT } };
      int timeout = left_ms (deadline), r;
      if (pidfd < 0)
        {
          if (has_exited (pid))
            return true;
          timeout = timeout < 0 || timeout > 10 ? 10 : timeout;
        }
      r = poll (pidfd < 0 ? p + 1 : p, (in >= 0) + (pidfd >= 0), timeout);
      if (r < 0 && errno != EINTR)
        return true; /* cannot wait: let waitpid decide */
      if (pidfd >= 0 && (p[0].revents & POLLIN))
        return true;
      if (in >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP)))
        {
          ssize_t n = write (in, data + done, len - done);
          if (n > 0)
            done += (size_t) n;
          if ((n < 0 && errno != EAGAIN && errno != EINTR) || done == len)
            closep (&in); /* all written, or the hook closed its stdin */
        }
      if (deadline >= 0 && monotonic_ms () >= deadline)
        return pidfd < 0 ? has_exited (pid) : false;
    }
}

/* env without its TRACEPARENT, with `entry` instead (in the hook's child:
 * what it allocates goes with the exec). */
static char **
with_traceparent (char **env, char *entry)
{
  size_t n = strv_len (env), k = 0;
  char **out = xzalloc ((n + 2) * sizeof *out);
  for (size_t i = 0; i < n; i++)
    if (strncmp (env[i], "TRACEPARENT=", 12) != 0)
      out[k++] = env[i];
  out[k] = entry;
  return out;
}

static int
run_one (const struct oci_hook *h, const char *name, const char *state_json, cl_error **err)
{
  int in[2];
  pid_t pid;
  int status;
  bool timed_out, has_context;
  char context[12 + 56] = "TRACEPARENT=";
  long timeout_ms = h->timeout.set ? (long) h->timeout.v * 1000 : -1;

  if (pipe2 (in, O_CLOEXEC) < 0)
    return cl_fail (err, errno, "%s: pipe", name);
  has_context = trace_context (context + 12);
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    return cl_fail (err, errno, "%s: fork", name);
  if (pid == 0)
    {
      extern char **environ;
      char *const default_argv[] = { h->path, NULL };
      char **env = h->env ? h->env : environ;
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      dup2 (in[0], 0);
      /* No env: the runtime's own environment, as runc and crun do.  With
       * a trace being written, the hook's parent span is the command's. */
      if (has_context)
        env = with_traceparent (env, context);
      execve (h->path, h->args ? h->args : default_argv, env);
      fprintf (stderr, "crun-lite: %s: exec `%s`: %s\n", name, h->path, strerror (errno));
      _exit (127);
    }
  close (in[0]);
  /* The timeout covers the hook's whole run, the state's write included. */
  {
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    bool in_time;
    fcntl (in[1], F_SETFL, O_NONBLOCK);
    sigaction (SIGPIPE, &ign, &old);
    in_time = feed_and_wait (pid, in[1], state_json, strlen (state_json), timeout_ms > 0 ? monotonic_ms () + timeout_ms : -1);
    sigaction (SIGPIPE, &old, NULL);
    timed_out = !in_time;
  }
  if (timed_out)
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
