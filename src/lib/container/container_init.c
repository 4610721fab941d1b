/* crun-lite: the container's init (see include/container/container_init.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include "base/trace.h"
#include "process/console.h"
#include "container/container_init.h"
#include "container/start_gate.h"
#include "container/namespaces_enter.h"
#include "container/sealed_exe.h"
#include "process/hooks.h"
#include "base/log.h"
#include "process/lsm.h"
#include "config/namespaces.h"
#include "process/process.h"
#include "base/procfs.h"
#include "fs/devices.h"
#include "fs/rootfs.h"
#include "base/sync.h"
#include "base/path_in_root.h"
#include "base/utils.h"


/* A cgroup mount on a v1 host binds our own directory of each hierarchy
 * (on v2, where cgroup2 cannot be mounted, our directory is bound too);
 * once the new cgroup namespace is made, /proc/self/cgroup shows them all
 * as "/", so they are read now. */
static int
read_own_cgroups_for_mount (struct init_ctx *ctx, cl_error **err)
{
  enum cgroup_layout layout;
  bool wanted = false;
  for (size_t i = 0; i < ctx->cfg->n_mounts && !wanted; i++)
    wanted = ctx->cfg->mounts[i].type && strcmp (ctx->cfg->mounts[i].type, "cgroup") == 0;
  if (!wanted)
    return 0;
  if (cgroup_detect_layout (&layout, err) < 0)
    return -1;
  if (layout == CGROUP_UNIFIED)
    return ctx->v2_own ? 0 : cgroup_v2_own_path (&ctx->v2_own, err);
  return cgroup_v1_hierarchies (&ctx->v1_own, &ctx->n_v1_own, err);
}

/* After SYNC_USERNS_READY: the bind sources the runtime opened for us
 * (mount_sources.h), then SYNC_USERNS_MAPPED. */
static int
wait_for_id_maps (struct init_ctx *ctx, cl_error **err)
{
  for (;;)
    {
      struct sync_msg msg;
      int fd = -1;
      if (sync_recv_fd (ctx->sync_fd, &msg, &fd, err) < 0)
        return -1;
      if (msg.type == SYNC_MOUNT_SOURCE && fd >= 0)
        {
          mount_sources_store (&ctx->mount_sources, ctx->cfg->n_mounts, msg.value, fd);
          continue;
        }
      if (fd >= 0)
        close (fd);
      if (msg.type == SYNC_USERNS_MAPPED)
        return 0;
      if (msg.type == SYNC_ERROR)
        {
          cl_fail (err, 0, "%s", msg.text);
          (*err)->errnum = msg.value;
          return -1;
        }
      return cl_fail (err, EPROTO, "sync: expected message %d, got %u", SYNC_USERNS_MAPPED, msg.type);
    }
}

/* Join the cgroup, the namespaces given by path (namespaces_join_configured), then
 * create the ones the clone did not. */
static int
enter_namespaces (struct init_ctx *ctx, cl_error **err)
{
  if (ctx->wait_for_cgroup)
    {
      struct sync_msg msg;
      if (sync_expect (ctx->sync_fd, SYNC_CGROUP_JOINED, &msg, err) < 0)
        return -1;
    }
  else if (cgroup_entry_join (&ctx->cgroup_entry, ctx->born_in_cgroup, err) < 0)
    return -1;
  if (namespaces_join_configured (ctx->cfg, err) < 0)
    return -1;
  if ((ctx->unshare_flags & CLONE_NEWCGROUP) && read_own_cgroups_for_mount (ctx, err) < 0)
    return -1;
  if (ctx->unshare_flags && unshare (ctx->unshare_flags) < 0)
    return cl_fail (err, errno, "unshare namespaces");
  if (ctx->new_userns)
    {
      if (sync_send (ctx->sync_fd, SYNC_USERNS_READY, 0, err) < 0 || wait_for_id_maps (ctx, err) < 0)
        return -1;
      /* Root of the new namespace for the setup; the configured user comes last. */
      if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
        return cl_fail (err, errno, "become root in the user namespace (is id 0 mapped?)");
    }
  if (ctx->new_timens && namespaces_enter_new_time (&ctx->cfg->linux_section, err) < 0)
    return -1;
  return 0;
}

/* Switch to the runtime binary's private image (sealed_exe.h), which the
 * runtime made while we worked. */
static int
adopt_image (struct init_ctx *ctx, cl_error **err)
{
  struct sync_msg msg;
  int image = -1;

  if (!sealed_exe_wanted ())
    return 0;
  if (sync_send (ctx->sync_fd, SYNC_IMAGE_WANTED, 0, err) < 0 || sync_recv_fd (ctx->sync_fd, &msg, &image, err) < 0)
    return -1;
  if (msg.type != SYNC_IMAGE || image < 0)
    {
      if (image >= 0)
        close (image);
      return cl_fail (err, EPROTO, "sync: expected the binary's image, got message %u", msg.type);
    }
  return sealed_exe_adopt (image, err);
}

/* A new pid namespace made by unshare, or one joined by path, applies to
 * children only: fork once.  CLONE_PARENT makes the init the runtime's own
 * child, so the runtime can wait for it; the intermediate just exits. */
static int
fork_into_pidns (struct init_ctx *ctx, cl_error **err)
{
  pid_t pid = (pid_t) syscall (SYS_clone, CLONE_PARENT, 0, NULL, NULL, 0);
  if (pid < 0)
    return cl_fail (err, errno, "fork into the pid namespace");
  if (pid > 0)
    {
      if (sync_send (ctx->sync_fd, SYNC_INIT_PID, pid, err) < 0)
        kill (pid, SIGKILL);
      _exit (0);
    }
  /* The new process's parent is the runtime: keep dying with it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  return 0;
}

/* The procfs every write into /proc goes through (see include/base/procfs.h),
 * opened on first use: most containers write nothing there. */
static int
trusted_procfs (struct init_ctx *ctx, cl_error **err)
{
  if (ctx->procfd < 0)
    ctx->procfd = procfs_open_trusted (err);
  return ctx->procfd;
}

/* linux.sysctl, through the trusted procfs: a bind mount over a file of
 * the container's /proc/sys cannot turn the write into a host write. */
static int
apply_sysctl (struct init_ctx *ctx, cl_error **err)
{
  const struct oci_linux *l = &ctx->cfg->linux_section;
  if (l->n_sysctl == 0)
    return 0;
  if (trusted_procfs (ctx, err) < 0)
    return cl_wrap (err, "linux.sysctl");
  for (size_t i = 0; i < l->n_sysctl; i++)
    {
      const struct oci_kv *kv = &l->sysctl[i];
      cleanup_free char *rel = xasprintf ("sys/%s", kv->key);
      if (strstr (kv->key, "..") || strchr (kv->key, '/') || *kv->key == '\0' || *kv->key == '.')
        return cl_fail (err, EINVAL, "linux.sysctl: invalid key `%s`", kv->key);
      for (char *p = rel; *p; p++)
        if (*p == '.')
          *p = '/';
      if (procfs_write (ctx->procfd, rel, kv->value, strlen (kv->value), err) < 0)
        return cl_wrap (err, "linux.sysctl: %s", kv->key);
    }
  return 0;
}

/* A new network namespace starts with lo down; runc and crun bring it up,
 * so that a server on 127.0.0.1 in the container is reachable. */
static int
bring_up_loopback (const struct oci_config *cfg, cl_error **err)
{
  const struct oci_namespace *ns = config_namespace (cfg, CLONE_NEWNET);
  struct ifreq ifr = { .ifr_name = "lo" };
  cleanup_close int s = -1;

  if (ns == NULL || (ns->path && *ns->path))
    return 0;
  s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0 || ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return cl_fail (err, errno, "network namespace: read the flags of lo");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return cl_fail (err, errno, "network namespace: bring lo up");
  return 0;
}

static int
apply_identity (const struct oci_config *cfg, cl_error **err)
{
  if (cfg->hostname && *cfg->hostname && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return cl_fail (err, errno, "hostname: sethostname `%s`", cfg->hostname);
  if (cfg->domainname && *cfg->domainname && setdomainname (cfg->domainname, strlen (cfg->domainname)) < 0)
    return cl_fail (err, errno, "domainname: setdomainname `%s`", cfg->domainname);
  return 0;
}

static int
apply_oom_score_adj (struct init_ctx *ctx, cl_error **err)
{
  const struct oci_process *p = &ctx->cfg->process;
  char buf[32];
  int n;
  if (!p->oom_score_adj.set)
    return 0;
  n = snprintf (buf, sizeof buf, "%lld", (long long) p->oom_score_adj.v);
  if (trusted_procfs (ctx, err) < 0 || procfs_write (ctx->procfd, "self/oom_score_adj", buf, (size_t) n, err) < 0)
    return cl_wrap (err, "process.oomScoreAdj");
  return 0;
}

/* The AppArmor profile or SELinux label the exec switches to. */
static int
apply_exec_label (struct init_ctx *ctx, cl_error **err)
{
  const struct oci_process *p = &ctx->cfg->process;
  if (!lsm_wants_exec_label (p))
    return 0;
  if (trusted_procfs (ctx, err) < 0)
    return -1;
  return lsm_set_exec_label (ctx->procfd, p, err);
}

/* A session keyring of the container's own, so that keys are not shared
 * with the host's session; skipped where the kernel refuses it (no keys
 * support, a user namespace without quota), as runc does. */
static int
join_session_keyring (struct init_ctx *ctx, cl_error **err)
{
  char name[256];
  if (!ctx->new_keyring)
    return 0;
  /* Under SELinux the keyring gets the process's label. */
  if (ctx->cfg->process.selinux_label && *ctx->cfg->process.selinux_label
      && (trusted_procfs (ctx, err) < 0 || lsm_set_keycreate_label (ctx->procfd, &ctx->cfg->process, err) < 0))
    return -1;
  snprintf (name, sizeof name, "_ses.%s", ctx->id);
  if (syscall (SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, name) < 0)
    log_debug ("session keyring `%s` not created: %s", name, strerror (errno));
  return 0;
}

/* The runtime's hooks (prestart, createRuntime) run in the parent while we
 * wait; then createContainer hooks run here, in the container's namespaces,
 * before pivot_root. */
static int
hooks_before_pivot (struct init_ctx *ctx, cl_error **err)
{
  struct sync_msg msg;
  cleanup_free char *state = NULL;
  if (sync_send (ctx->sync_fd, SYNC_HOOKS_READY, 0, err) < 0 || sync_expect (ctx->sync_fd, SYNC_HOOKS_DONE, &msg, err) < 0)
    return -1;
  ctx->host_pid = msg.value;
  if (ctx->cfg->n_hooks[HOOK_CREATE_CONTAINER] == 0)
    return 0;
  state = hooks_state_json (ctx->cfg, ctx->id, ctx->host_pid, ctx->bundle, "creating");
  return hooks_run (ctx->cfg, HOOK_CREATE_CONTAINER, state, err);
}

/* A process.cwd the rootfs lacks is made (0755, inside the rootfs however
 * its symlinks point), as runc and crun do. */
static int
create_cwd (const struct rootfs_ctx *rctx, const char *cwd, cl_error **err)
{
  cleanup_close int fd = -1;
  if (cwd == NULL || *cwd == '\0')
    return 0;
  if (path_create_in_root (rctx->rootfd, cwd, S_IFDIR, &fd, err) < 0)
    return cl_wrap (err, "process.cwd `%s`", cwd);
  return 0;
}

/* Everything up to the start gate.  Returns the resolved executable. */
static int
setup (struct init_ctx *ctx, char **exe, char ***env, cl_error **err)
{
  const struct oci_config *cfg = ctx->cfg;
  const struct oci_process *p = &cfg->process;
  struct rootfs_ctx rctx = { .cfg = cfg, .rootfs = ctx->rootfs, .rootfd = -1,
                             .in_userns = ctx->new_userns || config_namespace (cfg, CLONE_NEWUSER) != NULL
                                          || running_rootless (),
                             .new_cgroupns = ctx->new_cgroupns, .no_pivot = ctx->no_pivot,
                             .host_mntns = config_namespace (cfg, CLONE_NEWNS) == NULL,
                             .v1_own = ctx->v1_own, .n_v1_own = ctx->n_v1_own, .v2_own = ctx->v2_own,
                             .sources = &ctx->mount_sources };
  cleanup_close int listener = -1;
  struct sync_msg msg;
  int rc;

  if (enter_namespaces (ctx, err) < 0)
    return -1;
  /* Non-dumpable: no process of the container can open this one's
   * /proc/PID/exe (the runtime binary) or ptrace it before the exec.
   * Set after the maps, which the parent writes through our /proc. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return cl_fail (err, errno, "prctl(PR_SET_DUMPABLE)");
  /* Seen from the start (no pid namespace of our own, or a joined one):
   * our own image of the binary now, before the fork that may show us. */
  if (!ctx->unseen_until_ready && adopt_image (ctx, err) < 0)
    return -1;
  if (ctx->fork_for_pidns && fork_into_pidns (ctx, err) < 0)
    return -1;
  if (setsid () < 0)
    return cl_fail (err, errno, "setsid");
  if (join_session_keyring (ctx, err) < 0)
    return -1;

  trace_phase ("init: namespaces entered");
  rc = rootfs_prepare (&rctx, err);
  if (rc == 0)
    rc = rootfs_apply_mounts (&rctx, err);
  trace_phase ("init: mounts made");
  mount_sources_close (&ctx->mount_sources);
  if (rc == 0)
    rc = rootfs_create_devices (&rctx, err);
  if (rc == 0)
    rc = create_cwd (&rctx, p->cwd, err);
  /* createContainer hooks start in the rootfs (runc): "./lib" is the
   * container's. */
  if (rc == 0 && ctx->hooks_sync && fchdir (rctx.rootfd) < 0)
    rc = cl_fail (err, errno, "chdir into the rootfs");
  if (rc == 0 && ctx->hooks_sync)
    rc = hooks_before_pivot (ctx, err);
  if (rc == 0)
    rc = rootfs_pivot (&rctx, err);
  trace_phase ("init: devices made, pivot_root done");
  /* The pty: in the container's devpts, before /dev may turn read-only. */
  if (rc == 0 && ctx->terminal)
    {
      cleanup_close int master = -1;
      rc = console_setup_in_container (p, true, &master, err);
      if (rc == 0)
        rc = sync_send (ctx->sync_fd, SYNC_CONSOLE, 0, err);
      if (rc == 0)
        rc = console_send_fd (ctx->sync_fd, master, "console", err);
    }
  /* sysctls go in before readonlyPaths makes /proc/sys read-only. */
  if (rc == 0 && (apply_identity (cfg, err) < 0 || bring_up_loopback (cfg, err) < 0 || apply_sysctl (ctx, err) < 0))
    rc = -1;
  if (rc == 0)
    rc = rootfs_finalize (&rctx, err);
  trace_phase ("init: masked and read-only paths done");
  closep (&rctx.rootfd);
  if (rc < 0)
    return -1;

  /* Else as late as can be: while we still have every capability, no
   * seccomp filter and no rlimit of the container's (PR_SET_MM_MAP checks
   * the data segment against RLIMIT_DATA). */
  if (ctx->unseen_until_ready && adopt_image (ctx, err) < 0)
    return -1;
  if (apply_oom_score_adj (ctx, err) < 0 || process_apply_rlimits (p, err) < 0
      || process_attrs_apply_scheduler (ctx->attrs, err) < 0 || apply_exec_label (ctx, err) < 0)
    return -1;
  closep (&ctx->procfd);
  *env = process_environment (p);
  if (process_become (p, ctx->seccomp, *env, exe, &listener, err) < 0)
    return -1;
  /* The filter is in place: from here every call we make is under it. */
  if (listener >= 0
      && (sync_send (ctx->sync_fd, SYNC_SECCOMP_LISTENER, 0, err) < 0
          || console_send_fd (ctx->sync_fd, listener, "seccomp", err) < 0
          || sync_expect (ctx->sync_fd, SYNC_SECCOMP_LISTENER_DONE, &msg, err) < 0))
    return -1;
  return 0;
}

/* Close every fd the runtime inherited from its caller, except stdio, the
 * preserved ones and those the init itself needs: nothing of the host may
 * be reachable from the container, not even while it waits for `start`. */
static void
close_inherited_fds (const struct init_ctx *ctx)
{
  /* And the idmapped trees the runtime made before the clone, and the
   * cgroup files the init joins through. */
  const struct cgroup_entry *e = &ctx->cgroup_entry;
  size_t k = 0;
  cleanup_free int *keep = xmalloc ((5 + ctx->mount_sources.n + e->n_tasks) * sizeof *keep);
  keep[k++] = ctx->sync_fd;
  keep[k++] = ctx->gate_fd;
  keep[k++] = log_fd ();
  for (size_t i = 0; i < ctx->mount_sources.n; i++)
    keep[k++] = ctx->mount_sources.fds[i];
  keep[k++] = e->born_in_fd;
  keep[k++] = e->procs_fd;
  for (size_t i = 0; i < e->n_tasks; i++)
    keep[k++] = e->tasks_fds[i];
  fds_close_from (3 + ctx->preserve_fds, keep, k, false);
}


/* The startContainer hooks, in the container, just before the exec (and
 * so under the seccomp filter, as in runc). */
static int
run_start_container_hooks (void *arg, cl_error **err)
{
  struct init_ctx *ctx = arg;
  cleanup_free char *state = hooks_state_json (ctx->cfg, ctx->id, ctx->host_pid, ctx->bundle, "created");
  return hooks_run (ctx->cfg, HOOK_START_CONTAINER, state, err);
}

static void
exit_on_signal (int sig)
{
  _exit (128 + sig);
}

/* Block until `start` opens the gate.  As pid 1 of its pid namespace the
 * init ignores every signal it has no handler for, so a created container
 * would outlive a `kill TERM` (runc's stops): the termination signals
 * end it while it waits (handlers go at the exec). */
static int
wait_for_start (struct init_ctx *ctx, cl_error **err)
{
  static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
  struct sigaction stop = { .sa_handler = exit_on_signal };
  int gate = ctx->gate_fd;
  for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
    sigaction (stop_signals[i], &stop, NULL);
  ctx->gate_fd = -1;
  return start_gate_wait (gate, &ctx->start_conn, err);
}

_Noreturn void
container_init (struct init_ctx *ctx)
{
  cl_error *err = NULL;
  cleanup_free char *exe = NULL;
  cleanup_strv char **env = NULL;
  struct sync_msg msg;

  sigset_t none;

  /* A foreground `run` blocked the signals it forwards: not ours to keep. */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* If the runtime dies during setup, so does the half-made container. */
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  close_inherited_fds (ctx);
  if (process_attrs_apply_initial (ctx->attrs, &err) < 0)
    {
      sync_send_error (ctx->sync_fd, err);
      _exit (EXIT_FAILURE);
    }
  if (setup (ctx, &exe, &env, &err) < 0)
    {
      sync_send_error (ctx->sync_fd, err);
      _exit (EXIT_FAILURE);
    }
  /* The container must outlive `create`, which exits as soon as it has sent
   * SYNC_CREATED: drop the death signal before asking for it.  Should the
   * runtime die in between, the receive below sees EOF and we exit. */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  /* From here on processes may be exec'd into the container beside us:
   * we hold no host file they could take (the --log file included; what
   * we have to say goes to `start` or stderr). */
  log_close ();
  if (sync_send (ctx->sync_fd, SYNC_INIT_READY, 0, &err) < 0
      || sync_expect (ctx->sync_fd, SYNC_CREATED, &msg, &err) < 0)
    {
      sync_send_error (ctx->sync_fd, err);
      _exit (EXIT_FAILURE);
    }
  closep (&ctx->sync_fd);

  if (wait_for_start (ctx, &err) < 0)
    goto fail;
  trace_phase ("init: started, exec next");
  /* From here this is the container's process: a startContainer hook
   * without env inherits the process's environment, as in runc, never the
   * runtime's (the host's, engine's). */
  {
    extern char **environ;
    environ = env;
  }
  if (process_attrs_apply_final (ctx->attrs, &err) == 0)
    process_exec (&ctx->cfg->process, ctx->seccomp, ctx->preserve_fds, exe, env,
                  ctx->cfg->n_hooks[HOOK_START_CONTAINER] ? run_start_container_hooks : NULL, ctx, &err);
fail:
  /* Past `create`: `start` waits for our word; stderr if it is gone. */
  if (!start_gate_report (ctx->start_conn, err))
    log_error (err);
  _exit (127);
}
