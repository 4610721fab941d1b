/* crun-lite: create: the container made from its bundle, its init driven
 * through the setup (see include/container/container.h); the record is
 * container_record.c's, the operations on it container_ops.c's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "base/trace.h"
#include "config/oci_config.h"
#include "cgroup/cgroup.h"
#include "container/container.h"
#include "process/console.h"
#include "container/container_init.h"
#include "container/id_maps.h"
#include "container/validate.h"
#include "process/hooks.h"
#include "base/log.h"
#include "process/lsm.h"
#include "fs/idmap.h"
#include "container/intel_rdt.h"
#include "config/namespaces.h"
#include "container/net_devices.h"
#include "container/sealed_exe.h"
#include "container/start_gate.h"
#include "process/process.h"
#include "fs/rootfs.h"
#include "fs/mount_sources.h"
#include "container/notify.h"
#include "process/seccomp_cache.h"
#include "process/seccomp_filter.h"
#include "process/seccomp_notify.h"
#include "base/sync.h"
#include "base/utils.h"

static int
resolve_rootfs (const char *bundle, const struct oci_config *cfg, char **out, cl_error **err)
{
  cleanup_free char *joined = cfg->root_path[0] == '/' ? xstrdup (cfg->root_path)
                                                       : xasprintf ("%s/%s", bundle, cfg->root_path);
  char real[PATH_MAX];
  struct stat st;
  if (realpath (joined, real) == NULL)
    return cl_fail (err, errno, "root.path: rootfs `%s`", joined);
  if (stat (real, &st) < 0 || !S_ISDIR (st.st_mode))
    return cl_fail (err, ENOTDIR, "root.path: rootfs `%s`", joined);
  *out = xstrdup (real);
  return 0;
}

/* linux.netDevices go in once the init's namespaces all exist: before the
 * prestart/createRuntime hooks (which may configure them), else when the
 * init is ready. */
static int
move_net_devices (struct oci_config *cfg, pid_t pid, bool *moved, cl_error **err)
{
  struct oci_linux *l = &cfg->linux_section;
  if (*moved)
    return 0;
  *moved = true;
  return net_devices_move_in (l->net_devices, l->n_net_devices, pid, &l->net_device_index, err);
}

/* Where a pure cgroup v2 host mounts its hierarchy. */
#define V2_ROOT "/sys/fs/cgroup"

/* The binary's private image for the init (sealed_exe.h), made while the
 * init works on its own (no message of its waits for us) and handed over
 * when it asks: a start pays no more than the copy's share of a CPU. */
struct image_handoff
{
  int fd;
  bool sent;
};

static void
image_handoff_close (struct image_handoff *img)
{
  closep (&img->fd);
}

static int
hand_over_image (int sync_fd, struct image_handoff *img, bool asked, cl_error **err)
{
  struct pollfd pending = { .fd = sync_fd, .events = POLLIN };
  if (img->sent || !sealed_exe_wanted ())
    return 0;
  if (img->fd < 0 && (asked || poll (&pending, 1, 0) == 0))
    {
      img->fd = sealed_exe_make_image (err);
      if (img->fd < 0)
        return -1;
    }
  if (!asked)
    return 0;
  img->sent = true;
  if (sync_send_fd (sync_fd, SYNC_IMAGE, 0, img->fd, err) < 0)
    return -1;
  closep (&img->fd);
  return 0;
}

/* Drive the child through the protocol in sync.h until its init is ready. */
static int
drive_init (int sync_fd, struct oci_config *cfg, const char *id, const char *bundle, pid_t *pid,
            int *console_master, bool relay_console, struct image_handoff *img, cl_error **err)
{
  struct sync_msg msg;
  bool devices_moved = false;
  for (;;)
    {
      if (hand_over_image (sync_fd, img, false, err) < 0 || sync_recv (sync_fd, &msg, err) < 0)
        return -1;
      switch (msg.type)
        {
        case SYNC_IMAGE_WANTED:
          if (hand_over_image (sync_fd, img, true, err) < 0)
            return -1;
          break;
        case SYNC_USERNS_READY:
          if (id_maps_write (*pid, cfg, err) < 0 || mount_sources_send (*pid, cfg, sync_fd, err) < 0
              || sync_send (sync_fd, SYNC_USERNS_MAPPED, 0, err) < 0)
            return -1;
          break;
        case SYNC_INIT_PID:
          /* The intermediate exits at once; the init is now our child. */
          while (waitpid (*pid, NULL, 0) < 0 && errno == EINTR)
            ;
          *pid = msg.value;
          break;
        case SYNC_HOOKS_READY:
          if (move_net_devices (cfg, *pid, &devices_moved, err) < 0)
            return -1;
          {
            cleanup_free char *state = hooks_state_json (cfg, id, *pid, bundle, "creating");
            if (hooks_run (cfg, HOOK_PRESTART, state, err) < 0 || hooks_run (cfg, HOOK_CREATE_RUNTIME, state, err) < 0
                || sync_send (sync_fd, SYNC_HOOKS_DONE, *pid, err) < 0)
              return -1;
          }
          break;
        case SYNC_CONSOLE:
          if (console_recv_fd (sync_fd, console_master, err) < 0)
            return -1;
          /* Relayed by `run` in the foreground (no --console-socket): the
           * process has not started yet. */
          if (relay_console)
            console_clear_onlcr (*console_master);
          break;
        case SYNC_SECCOMP_LISTENER:
          {
            cleanup_close int listener = -1;
            if (console_recv_fd (sync_fd, &listener, err) < 0
                || seccomp_listener_send (cfg, id, bundle, *pid, "creating", *pid, listener, err) < 0
                || sync_send (sync_fd, SYNC_SECCOMP_LISTENER_DONE, 0, err) < 0)
              return -1;
          }
          break;
        case SYNC_INIT_READY:
          trace_phase ("create: init ready");
          return move_net_devices (cfg, *pid, &devices_moved, err);
        case SYNC_ERROR:
          cl_fail (err, 0, "%s", msg.text);
          (*err)->errnum = msg.value;
          return -1;
        default:
          return cl_fail (err, EPROTO, "sync: unexpected message %u", msg.type);
        }
    }
}

static int
prepare_without_cgroup (struct cgroup *cg, const struct oci_config *cfg, cl_error **err)
{
  int e = (*err)->errnum;
  cleanup_error cl_error *ignored = NULL;
  if (!running_rootless () || (e != EACCES && e != EPERM && e != EROFS))
    return -1;
  if (cgroup_resources_requested (&cfg->linux_section.resources))
    return cl_wrap (err, "linux.resources: limits need a cgroup this user can write: delegate one to user %u "
                         "(e.g. systemd's user@%u.service), or drop the limits",
                    (unsigned) geteuid (), (unsigned) geteuid ());
  log_warning ("running without a cgroup (%s)", (*err)->msg);
  cl_error_freep (err);
  cgroup_destroy (cg, &ignored);
  cgroup_forget (cg);
  return 0;
}

struct clone3_args
{
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
    cgroup;
};
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Clone the init, fork-like.  On cgroup v2 (and a hybrid host's cgroup2
 * hierarchy) it is born in its cgroup (clone3 + CLONE_INTO_CGROUP), so
 * every page it touches is charged there; it moves itself into the v1
 * hierarchies first thing (cgroup_entry_join says why it, not the parent).
 * With the systemd driver the parent moves it and tells it
 * (SYNC_CGROUP_JOINED).  Whenever the init is not born in all of its
 * cgroup, it makes the cgroup namespace itself after the move, so that the
 * namespace's root is the container's cgroup, not the runtime's. */
static pid_t
clone_init (unsigned long flags, struct init_ctx *ictx)
{
  const struct cgroup_entry *e = &ictx->cgroup_entry;
  if (e->born_in_fd >= 0)
    {
      /* A v1 move still to come: the init makes its cgroup namespace after it. */
      unsigned long born_flags = e->n_tasks ? flags & ~(unsigned long) CLONE_NEWCGROUP : flags;
      struct clone3_args args = { .flags = born_flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
                                  .cgroup = (uint64_t) e->born_in_fd };
      pid_t pid;
      if (born_flags != flags)
        ictx->unshare_flags |= CLONE_NEWCGROUP;
      ictx->born_in_cgroup = true;
      pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
      if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
        return pid;
      ictx->born_in_cgroup = false;
    }
  if (flags & CLONE_NEWCGROUP)
    {
      flags &= ~(unsigned long) CLONE_NEWCGROUP;
      ictx->unshare_flags |= CLONE_NEWCGROUP;
    }
  ictx->wait_for_cgroup = e->parent_moves;
  return (pid_t) syscall (SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
}

/* Socket activation (sd_listen_fds): when the runtime was started with
 * LISTEN_FDS=N, fds 3..3+N-1 go on to the container, whose process then
 * sees LISTEN_FDS=N and LISTEN_PID=1, as runc and crun do. */
static void
apply_socket_activation (struct oci_config *cfg, struct init_ctx *ictx)
{
  const char *v = getenv ("LISTEN_FDS");
  unsigned long long n;
  char **env;
  size_t len, k = 0;
  if (v == NULL || parse_uint64 (v, &n) < 0 || n == 0 || n > 1024)
    return;
  if ((int) n > ictx->preserve_fds)
    ictx->preserve_fds = (int) n;
  len = strv_len (cfg->process.env);
  env = xzalloc ((len + 3) * sizeof *env);
  for (size_t i = 0; i < len; i++)
    if (strncmp (cfg->process.env[i], "LISTEN_FDS=", 11) != 0 && strncmp (cfg->process.env[i], "LISTEN_PID=", 11) != 0)
      env[k++] = xstrdup (cfg->process.env[i]);
  env[k++] = xasprintf ("LISTEN_FDS=%llu", n);
  env[k++] = xstrdup ("LISTEN_PID=1");
  strv_free (cfg->process.env);
  cfg->process.env = env;
}

/* The fast path is one clone with every new namespace.  When a namespace is
 * joined by path, the child joins first and creates the rest itself. */
static void
plan_namespaces (const struct oci_config *cfg, struct init_ctx *ictx, unsigned long *clone_flags)
{
  bool any_path = false;
  int new_flags = 0;
  for (size_t i = 0; i < cfg->linux_section.n_namespaces; i++)
    {
      if (cfg->linux_section.namespaces[i].path)
        any_path = true;
      else
        new_flags |= cfg->linux_section.namespaces[i].type;
    }
  /* A new time namespace takes its offsets before anyone is in it: the
   * child unshares it, writes them, then enters it (see container_init.c). */
  ictx->new_timens = (new_flags & CLONE_NEWTIME) != 0;
  new_flags &= ~CLONE_NEWTIME;
  ictx->new_userns = (new_flags & CLONE_NEWUSER) != 0;
  ictx->new_cgroupns = (new_flags & CLONE_NEWCGROUP) != 0;
  if (!any_path)
    {
      *clone_flags = (unsigned long) new_flags;
      ictx->unseen_until_ready = (new_flags & CLONE_NEWPID) != 0;
      return;
    }
  *clone_flags = 0;
  ictx->unshare_flags = new_flags;
  ictx->fork_for_pidns = config_namespace (cfg, CLONE_NEWPID) != NULL;
}

int
container_create (const struct create_options *o, pid_t *init_pid, cl_error **err)
{
  int master = -1;
  int rc = container_create_with_console (o, init_pid, &master, err);
  if (master >= 0)
    close (master);
  return rc;
}

int
container_load_bundle (const char *bundle, struct oci_config **cfg, char **config_data, size_t *config_len,
                       char **rootfs, cl_error **err)
{
  cleanup_free char *config_path = xasprintf ("%s/config.json", bundle);
  cleanup_close int cfd = open (config_path, O_RDONLY | O_CLOEXEC);
  if (cfd < 0)
    return cl_fail (err, errno, "open `%s`", config_path);
  if (read_all_fd (cfd, 16u << 20, config_data, config_len, err) < 0)
    return cl_wrap (err, "%s", config_path);
  if (config_parse (*config_data, *config_len, config_path, cfg, err) < 0 || container_validate_config (*cfg, err) < 0
      || resolve_rootfs (bundle, *cfg, rootfs, err) < 0)
    return -1;
  mount_sources_make_absolute (*cfg, bundle);
  return 0;
}

int
container_create_with_console (const struct create_options *o, pid_t *init_pid, int *console_master,
                               cl_error **err)
{
  cleanup_free char *bundle = realpath (o->bundle, NULL);
  cleanup_free char *config_data = NULL, *rootfs = NULL;
  cleanup_config struct oci_config *cfg = NULL;
  cleanup_cgroup struct cgroup *cg = NULL;
  cleanup_seccomp struct seccomp_program filter = { 0 };
  struct process_attrs attrs;
  cleanup_close int rootfd = -1, dirfd = -1, gate = -1, master = -1;
  int sv[2] = { -1, -1 };
  struct init_ctx ictx = { .preserve_fds = o->preserve_fds, .no_pivot = o->no_pivot, .procfd = -1, .gate_fd = -1, .start_conn = -1,
                           .cgroup_entry = { .born_in_fd = -1, .procs_fd = -1 } };
  __attribute__ ((cleanup (image_handoff_close))) struct image_handoff image = { .fd = -1 };
  unsigned long clone_flags;
  size_t config_len;
  pid_t pid = -1;

  if (state_validate_id (o->id, err) < 0)
    return -1;
  if (bundle == NULL)
    return cl_fail (err, errno, "bundle `%s`", o->bundle);
  if (container_load_bundle (bundle, &cfg, &config_data, &config_len, &rootfs, err) < 0
      || (o->systemd_cgroup ? cgroup_plan_systemd (cfg, o->id, &cg, err) : cgroup_plan (cfg, o->id, &cg, err)) < 0
      || process_attrs_prepare (cfg, &cfg->process, &attrs, err) < 0)
    return -1;
  trace_phase ("create: config loaded");
  process_warn_unraisable_ambient (&cfg->process.capabilities);
  if (o->no_cgroup)
    {
      if (cgroup_resources_requested (&cfg->linux_section.resources))
        return cl_fail_as (err, EINVAL, "linux.resources: limits need a cgroup, and --cgroup-manager=disabled gives none");
      cgroup_forget (cg);
    }
  if (cfg->process.terminal && o->console_socket == NULL && !o->foreground)
    return cl_fail_as (err, EINVAL, "process.terminal: a terminal needs --console-socket, or `run` in the foreground");
  if (!cfg->process.terminal && o->console_socket)
    return cl_fail_as (err, EINVAL, "--console-socket: given, but process.terminal is false");
  if (cfg->linux_section.seccomp)
    {
      if (seccomp_compile_cached (cfg->linux_section.seccomp, &filter, err) < 0)
        return -1;
      if (filter.skipped)
        log_debug ("linux.seccomp: %zu syscall names unknown to this libseccomp were skipped", filter.skipped);
      ictx.seccomp = &filter;
      trace_phase ("create: seccomp program ready");
    }
  if (state_root_open (o->root, true, &rootfd, err) < 0 || state_dir_create (rootfd, o->id, &dirfd, err) < 0)
    return -1;

  /* From here on, a failure removes what was made: the init, the cgroup
   * directories, the state directory; a runtime killed on the way leaves
   * the record for `delete --force`. */
  if (container_record_plan (dirfd, o, bundle, rootfs, cfg, cg, config_data, config_len, err) < 0
      || (cgroup_create_for (cg, cfg, err) < 0 && prepare_without_cgroup (cg, cfg, err) < 0))
    goto fail;
  trace_phase ("create: recorded, cgroup made");
  if (start_gate_open (dirfd, &gate, err) < 0)
    goto fail;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      cl_fail (err, errno, "socketpair");
      goto fail;
    }

  apply_socket_activation (cfg, &ictx);
  {
    cleanup_free char *state_dir = xasprintf ("%s/%s", o->root, o->id);
    if (notify_prepare (dirfd, state_dir, cfg, err) < 0)
      goto fail;
  }
  ictx.cfg = cfg;
  ictx.rootfs = rootfs;
  ictx.sync_fd = sv[1];
  ictx.gate_fd = gate;
  ictx.id = o->id;
  ictx.bundle = bundle;
  ictx.terminal = cfg->process.terminal;
  ictx.new_keyring = !o->no_new_keyring;
  ictx.attrs = &attrs;
  ictx.hooks_sync = cfg->n_hooks[HOOK_PRESTART] || cfg->n_hooks[HOOK_CREATE_RUNTIME]
                    || cfg->n_hooks[HOOK_CREATE_CONTAINER] || cfg->n_hooks[HOOK_START_CONTAINER];
  plan_namespaces (cfg, &ictx, &clone_flags);
  /* On v2 the init may be born in a new cgroup namespace (clone3), where
   * its own path no longer shows: given now, for the bind that replaces a
   * cgroup2 mount the kernel refuses (rootfs_cgroup.c). */
  if (cg->layout == CGROUP_UNIFIED && cg->n_dirs && strncmp (cg->dirs[0], V2_ROOT "/", sizeof V2_ROOT) == 0)
    ictx.v2_own = cg->dirs[0] + sizeof V2_ROOT - 1;
  if (mount_sources_prepare_idmapped (cfg, &ictx.mount_sources, err) < 0
      || cgroup_entry_open (cg, &ictx.cgroup_entry, err) < 0)
    goto fail;

  fflush (stdout);
  fflush (stderr);
  pid = clone_init (clone_flags, &ictx);
  if (pid < 0)
    {
      cl_fail (err, errno, "clone the container init");
      goto fail;
    }
  if (pid == 0)
    {
      /* The child must not hold the state lock (a flock lives as long as
       * any copy of the fd) nor anything else of the parent's. */
      close (sv[0]);
      close (dirfd);
      close (rootfd);
      container_init (&ictx);
    }
  close (sv[1]);
  sv[1] = -1;
  mount_sources_close (&ictx.mount_sources);   /* the init has its copies */
  closep (&gate);
  cgroup_entry_close (&ictx.cgroup_entry);
  trace_phase ("create: init cloned");
  if (container_record_init (dirfd, o, bundle, rootfs, cfg, cg, pid, err) < 0)
    goto fail;
  log_debug ("container %s: init cloned as pid %d (flags %#lx, %s)", o->id, (int) pid, clone_flags,
             ictx.wait_for_cgroup ? "moved into its cgroup" : ictx.born_in_cgroup ? "born in its cgroup" : "joins its cgroup");

  if ((ictx.wait_for_cgroup && (cgroup_enter_init (cg, cfg, pid, err) < 0 || sync_send (sv[0], SYNC_CGROUP_JOINED, 0, err) < 0))
      || drive_init (sv[0], cfg, o->id, bundle, &pid, &master, o->console_socket == NULL, &image, err) < 0
      || intel_rdt_join (&cfg->linux_section, pid, err) < 0
      || (master >= 0 && o->console_socket && console_send_to_socket (o->console_socket, master, err) < 0)
      || container_record_state (dirfd, o, bundle, rootfs, cfg, cg, pid, err) < 0
      || sync_send (sv[0], SYNC_CREATED, 0, err) < 0
      /* Last: from here the engine may signal the init at any time. */
      || (o->pidfd_socket && pidfd_send_to_socket (o->pidfd_socket, pid, err) < 0))
    goto fail;
  close (sv[0]);
  trace_phase ("create: created");
  *init_pid = pid;
  *console_master = o->console_socket ? -1 : steal_fd (&master);
  return 0;

fail:
  cgroup_entry_close (&ictx.cgroup_entry);
  if (pid > 0)
    net_devices_move_out (cfg->linux_section.net_devices, cfg->linux_section.n_net_devices,
                          cfg->linux_section.net_device_index, pid);
  kill_and_reap (pid);
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  container_undo (cg, rootfd, o->id, config_namespace (cfg, CLONE_NEWNS) ? NULL : rootfs);
  return -1;
}

void
container_undo (struct cgroup *cg, int rootfd, const char *id, const char *host_mounts_below)
{
  cleanup_error cl_error *e2 = NULL;
  if (host_mounts_below)
    rootfs_unmount_below (host_mounts_below);
  if (cg && cgroup_destroy (cg, &e2) < 0)
    log_warning ("%s", e2->msg);
  cl_error_freep (&e2);
  if (state_dir_remove (rootfd, id, &e2) < 0)
    log_warning ("%s", e2->msg);
}
