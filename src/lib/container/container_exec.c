/* crun-lite: `exec` (see include/container/container_exec.h).
 *
 *   runtime ──fork──► joiner: enters the cgroup, setns into the container's
 *                     namespaces (one call on a pidfd), chroots to its root,
 *                     then forks once more (a pid namespace applies to
 *                     children) with CLONE_PARENT, so that
 *            ◄──────  the process is the runtime's own child: it sets the
 *                     process's credentials and confinement and execs.
 * The process reports a failure before exec on a CLOEXEC socket: EOF there
 * means the exec happened. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cgroup/cgroup.h"
#include "process/console.h"
#include "container/container.h"
#include "base/sync.h"
#include "container/container_exec.h"
#include "container/sealed_exe.h"
#include "base/trace.h"
#include "container/intel_rdt.h"
#include "container/foreground.h"
#include "base/log.h"
#include "process/lsm.h"
#include "base/procfs.h"
#include "config/namespaces.h"
#include "process/process.h"
#include "process/process_attrs.h"
#include "process/seccomp_cache.h"
#include "process/seccomp_filter.h"
#include "process/seccomp_notify.h"
#include "state/state.h"
#include "base/utils.h"


int
container_load_config (const char *root, const char *id, struct oci_config **out, cl_error **err)
{
  cleanup_free char *dir = NULL, *path = NULL;
  struct stat st;
  if (state_validate_id (id, err) < 0)
    return -1;
  dir = xasprintf ("%s/%s", root, id);
  if (stat (dir, &st) < 0)
    return cl_fail_as (err, ENOENT, "container does not exist: %s", id);
  path = xasprintf ("%s/config.json", dir);
  return config_load_file (path, out, err);
}

/* Namespaces of the init that differ from ours: those to join. */
static int
namespaces_to_join (pid_t pid)
{
  int flags = 0;
  for (size_t i = 0; i < n_namespace_kinds; i++)
    {
      char theirs[64], ours[64];
      struct stat a, b;
      snprintf (theirs, sizeof theirs, "/proc/%d/ns/%s", (int) pid, namespace_kinds[i].proc_name);
      snprintf (ours, sizeof ours, "/proc/self/ns/%s", namespace_kinds[i].proc_name);
      if (stat (theirs, &a) == 0 && stat (ours, &b) == 0 && (a.st_ino != b.st_ino || a.st_dev != b.st_dev))
        flags |= namespace_kinds[i].clone_flag;
    }
  return flags;
}

struct exec_child
{
  const struct exec_options *o;
  const struct oci_config *cfg;
  const struct cgroup *cg;
  const struct seccomp_program *seccomp;
  struct process_attrs attrs;
  int pidfd, rootfd, ns_flags;
  pid_t target;    /* the init, for joining one namespace at a time */
  int report_fd;   /* write end: the process's pid, then an error text or EOF */
};

static void __attribute__ ((noreturn))
child_fail (int fd, cl_error *err)
{
  const char *msg = err && err->msg ? err->msg : "exec failed";
  (void) !write (fd, msg, strlen (msg));
  _exit (127);
}

/* The LSM label the exec switches to, written through a procfs of our
 * own: the container's /proc may have mounts over attr/exec. */
static int
apply_exec_label (const struct oci_process *p, cl_error **err)
{
  cleanup_close int procfd = -1;
  if (!lsm_wants_exec_label (p))
    return 0;
  procfd = procfs_open_trusted (err);
  if (procfd < 0)
    return -1;
  return lsm_set_exec_label (procfd, p, err);
}

/* The process itself: its terminal, confinement, then exec. */
static void __attribute__ ((noreturn))
become_process (struct exec_child *c)
{
  const struct oci_process *p = c->o->process;
  cl_error *err = NULL;
  cleanup_free char *exe = NULL;
  cleanup_strv char **env = NULL;
  cleanup_close int listener = -1;

  /* Joining the user namespace changed our credentials, which may have
   * reset dumpability (fs.suid_dumpable): set it again. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* A session (and process group) of its own, visible in the container's
   * pid namespace, as runc gives every exec'd process: else getpgrp() is 0
   * there.  The runtime forwards the signals a terminal would send. */
  if (setsid () < 0)
    {
      cl_fail (&err, errno, "setsid");
      child_fail (c->report_fd, err);
    }
  if (p->terminal)
    {
      /* A pty of the container's devpts; the master goes back on the
       * report socket, marked by a \001 byte. */
      cleanup_close int master = -1;
      if (console_setup_in_container (p, false, &master, &err) < 0
          || console_send_fd (c->report_fd, master, "\001", &err) < 0)
        child_fail (c->report_fd, err);
      /* Relayed by `exec` itself (no --console-socket): before the exec,
       * so no line of the process is ever translated. */
      if (c->o->console_socket == NULL)
        console_clear_onlcr (0);
    }
  if (process_apply_rlimits (p, &err) < 0 || apply_exec_label (p, &err) < 0)
    child_fail (c->report_fd, err);
  env = process_environment (p);
  /* The report fd is CLOEXEC: a successful exec closes it. */
  /* A seccomp notification fd goes back the same way, marked by \002; a
   * notified call made before the listener has it just waits for it. */
  if (process_attrs_apply_initial (&c->attrs, &err) == 0 && process_attrs_apply_scheduler (&c->attrs, &err) == 0
      && process_become (p, c->seccomp, env, &exe, &listener, &err) == 0
      && (listener < 0 || console_send_fd (c->report_fd, listener, "\002", &err) == 0)
      && process_attrs_apply_final (&c->attrs, &err) == 0)
    {
      closep (&listener);
      process_exec (p, c->seccomp, c->o->preserve_fds, exe, env, NULL, NULL, &err);
    }
  child_fail (c->report_fd, err);
}

/* The runtime made the binary's private image while we joined: one byte
 * on the report socket, the image attached. */
static int
adopt_image (int sock, cl_error **err)
{
  int image = -1;
  char tag;
  ssize_t n = fd_recvmsg (sock, &tag, 1, &image);
  if (n != 1 || image < 0)
    {
      if (image >= 0)
        close (image);
      return cl_fail (err, n < 0 ? errno : EPROTO, "receive the runtime binary's private image");
    }
  return sealed_exe_adopt (image, err);
}

/* The joiner: cgroup, namespaces, root; then the process as our sibling. */
static void __attribute__ ((noreturn))
join_and_fork (struct exec_child *c)
{
  cl_error *err = NULL;
  sigset_t none;
  pid_t pid;
  int pid_written[2];

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* Non-dumpable before joining anything, and inherited by the process we
   * fork (CVE-2016-9962): nothing in the container can ptrace it or open
   * its /proc files until its exec. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* A dumpable check does not stop a container process with CAP_SYS_PTRACE
   * (pidfd_getfd): no host file is held once we join (errors travel on
   * report_fd to the runtime, which logs them). */
  log_close ();
  if (c->cg && cgroup_enter_sub (c->cg, getpid (), c->o->cgroup_specs, &err) < 0)
    child_fail (c->report_fd, err);
  /* One setns on the pidfd enters them all at once (5.8+); else one by one. */
  if (c->ns_flags && (c->pidfd < 0 || setns (c->pidfd, c->ns_flags) < 0))
    {
      for (size_t i = 0; i < n_namespace_kinds; i++)
        {
          char path[64];
          cleanup_close int fd = -1;
          if (!(c->ns_flags & namespace_kinds[i].clone_flag))
            continue;
          snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) c->target, namespace_kinds[i].proc_name);
          fd = open (path, O_RDONLY | O_CLOEXEC);
          if (fd < 0 || setns (fd, namespace_kinds[i].clone_flag) < 0)
            {
              cl_fail (&err, errno, "join the container's %s namespace", namespace_kinds[i].oci_name);
              child_fail (c->report_fd, err);
            }
        }
    }
  /* Our own image of the binary, before the process we fork into the
   * container's pid namespace inherits it (and with the user namespace's
   * CAP_SYS_ADMIN, which the switch needs). */
  if (sealed_exe_wanted () && adopt_image (c->report_fd, &err) < 0)
    child_fail (c->report_fd, err);
  trace_phase ("exec helper: namespaces joined, own image");
  /* The container's root, whatever way it was made (pivot or chroot). */
  if (fchdir (c->rootfd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    {
      cl_fail (&err, errno, "enter the container's root");
      child_fail (c->report_fd, err);
    }
  closep (&c->rootfd);
  closep (&c->pidfd);
  /* The process reports on the same pipe (an exec failure's text): it
   * waits until our "<pid>\n" is written, which the runtime reads first. */
  if (pipe2 (pid_written, O_CLOEXEC) < 0)
    {
      cl_fail (&err, errno, "pipe");
      child_fail (c->report_fd, err);
    }
  pid = (pid_t) syscall (SYS_clone, CLONE_PARENT, 0, NULL, NULL, 0);
  if (pid < 0)
    {
      cl_fail (&err, errno, "fork the process");
      child_fail (c->report_fd, err);
    }
  if (pid == 0)
    {
      char b;
      /* No death signal: the death signal survives exec, and a detached
       * process must outlive the `exec` command (as with runc). */
      prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
      close (pid_written[1]);
      while (read (pid_written[0], &b, 1) < 0 && errno == EINTR)
        ;
      close (pid_written[0]);
      become_process (c);
    }
  /* Tell the runtime which pid is the process, in its own pid namespace. */
  {
    char msg[32];
    int n = snprintf (msg, sizeof msg, "%d\n", (int) pid);
    (void) !write (c->report_fd, msg, (size_t) n);
  }
  _exit (0);
}

static int
check_status (const struct container_ref *ref, const char *id, bool ignore_paused, cl_error **err)
{
  if (ref->status == STATUS_STOPPED)
    return cl_fail (err, 0, "cannot exec in a stopped container: %s", id);
  if (ref->status == STATUS_PAUSED && !ignore_paused)
    return cl_fail (err, 0, "cannot exec in a paused container: %s", id);
  return 0;
}

int
container_exec (const struct exec_options *o, int *exit_code, cl_error **err)
{
  cleanup_config struct oci_config *cfg = NULL;
  cleanup_cgroup struct cgroup *cg = NULL;
  cleanup_seccomp struct seccomp_program filter = { 0 };
  cleanup_close int pidfd = -1, rootfd = -1, rd = -1, wr = -1, master = -1, listener = -1, image = -1;
  cleanup_free char *bundle = NULL;
  pid_t init_pid;
  struct exec_child c = { .o = o };
  char root_path[64], report[2048];
  size_t got = 0;
  ssize_t r;
  pid_t joiner, pid = -1;
  int fds[2];
  sigset_t old;

  {
    cleanup_container_ref struct container_ref ref;
    if (container_ref_open (o->root, o->id, &ref, err) < 0 || check_status (&ref, o->id, o->ignore_paused, err) < 0)
      return -1;
    if (container_load_config (o->root, o->id, &cfg, err) < 0)
      return cl_wrap (err, "exec in `%s`", o->id);
    if (ref.st->n_cgroup_dirs)
      cg = container_cgroup (ref.st);
    pidfd = (int) syscall (SYS_pidfd_open, ref.st->pid, 0);
    snprintf (root_path, sizeof root_path, "/proc/%d/root", (int) ref.st->pid);
    rootfd = open (root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
      return cl_fail (err, errno, "open `%s`", root_path);
    c.ns_flags = namespaces_to_join (ref.st->pid);
    c.target = init_pid = ref.st->pid;
    bundle = xstrdup (ref.st->bundle);
  }
  if (cfg->linux_section.seccomp && seccomp_compile_cached (cfg->linux_section.seccomp, &filter, err) < 0)
    return -1;
  trace_phase ("exec: config and seccomp loaded");
  process_warn_unraisable_ambient (&o->process->capabilities);
  if (process_attrs_prepare (cfg, o->process, &c.attrs, err) < 0 || lsm_check_process (o->process, err) < 0)
    return -1;
  if (o->process->terminal && o->console_socket == NULL && o->detach)
    return cl_fail_as (err, EINVAL, "exec: a terminal with --detach needs --console-socket");
  if (!o->process->terminal && o->console_socket)
    return cl_fail_as (err, EINVAL, "exec: --console-socket given, but no terminal (--tty) asked for");
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    return cl_fail (err, errno, "socketpair");
  rd = fds[0];
  wr = fds[1];
  c.cfg = cfg;
  c.cg = cg;
  c.seccomp = cfg->linux_section.seccomp ? &filter : NULL;
  c.pidfd = pidfd;
  c.rootfd = rootfd;
  c.report_fd = wr;

  if (!o->detach)
    foreground_block_signals (&old);
  fflush (stdout);
  fflush (stderr);
  joiner = fork ();
  if (joiner < 0)
    return cl_fail (err, errno, "fork");
  if (joiner == 0)
    {
      close (rd);
      join_and_fork (&c);
    }
  closep (&wr);
  /* The joiner's image of the binary, made while it joins.  Should the
   * joiner be gone already, its report says why. */
  if (sealed_exe_wanted ())
    {
      image = sealed_exe_make_image (err);
      if (image < 0)
        {
          kill (joiner, SIGKILL);
          while (waitpid (joiner, NULL, 0) < 0 && errno == EINTR)
            ;
          return -1;
        }
      (void) fd_sendmsg (rd, "I", 1, image);
      closep (&image);
    }
  /* "<pid>\n" from the joiner, a \001 byte carrying the pty master (with a
   * terminal), then (only on failure) an error text. */
  for (;;)
    {
      int passed;
      r = fd_recvmsg (rd, report + got, sizeof report - 1 - got, &passed);
      if (r <= 0)
        break;
      /* The fd came with its marker: the last byte this read returned
       * (the kernel ends a read at a message carrying fds). */
      if (passed >= 0)
        {
          int *slot = report[got + (size_t) r - 1] == '\002' ? &listener : &master;
          if (*slot >= 0)
            close (*slot);
          *slot = passed;
        }
      got += (size_t) r;
      if (got == sizeof report - 1)
        break;
    }
  report[got] = '\0';
  {
    /* Drop the marker bytes. */
    char *w = report;
    for (char *q = report; *q; q++)
      if (*q != '\001' && *q != '\002')
        *w++ = *q;
    *w = '\0';
  }
  while (waitpid (joiner, NULL, 0) < 0 && errno == EINTR)
    ;
  {
    char *nl = strchr (report, '\n');
    if (nl)
      {
        pid = (pid_t) atoi (report);
        memmove (report, nl + 1, strlen (nl + 1) + 1);
      }
  }
  if (*report)
    {
      if (pid > 0)
        while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
          ;
      return cl_fail (err, 0, "%s", report);
    }
  if (pid <= 0)
    return cl_fail (err, EPIPE, "exec in `%s`: the process could not be started", o->id);
  trace_phase ("exec: process started");
  if (intel_rdt_join (&cfg->linux_section, pid, err) < 0
      || (listener >= 0 && seccomp_listener_send (cfg, o->id, bundle, init_pid, "running", pid, listener, err) < 0))
    {
      kill_and_reap (pid);
      return -1;
    }
  if (o->pid_file)
    {
      char buf[32];
      int n = snprintf (buf, sizeof buf, "%d", (int) pid);
      cleanup_close int f = open (o->pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (f < 0 || write_all (f, buf, (size_t) n) < 0)
        return cl_fail (err, errno, "--pid-file `%s`", o->pid_file);
    }
  if ((master >= 0 && o->console_socket && console_send_to_socket (o->console_socket, master, err) < 0)
      || (o->pidfd_socket && pidfd_send_to_socket (o->pidfd_socket, pid, err) < 0))
    {
      /* The caller never got hold of it: it must not run on. */
      kill_and_reap (pid);
      return -1;
    }
  if (o->detach)
    {
      *exit_code = 0;
      return 0;
    }
  if (master >= 0 && o->console_socket == NULL)
    return console_relay (master, pid, exit_code, err);
  return foreground_wait (pid, exit_code, err);
}
