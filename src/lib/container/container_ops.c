/* crun-lite: the operations on a created container: start, kill, delete and
 * its state; and on its cgroup: pause, resume, update, the process list and
 * usage statistics (see include/container/container.h). */
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
#include "cgroup/cgroup_systemd.h"

/* Open the container and its cgroup; `need_running` refuses a stopped one. */
static int
open_with_cgroup (const char *root, const char *id, struct container_ref *ref, struct cgroup **cg,
                  bool need_running, cl_error **err)
{
  if (container_ref_open (root, id, ref, err) < 0)
    return -1;
  if (need_running && ref->status == STATUS_STOPPED)
    return cl_fail (err, 0, "container not running: %s", id);
  if (ref->st->n_cgroup_dirs == 0)
    return cl_fail (err, ENOENT, "container `%s` has no cgroup", id);
  *cg = container_cgroup (ref->st);
  return 0;
}

int
container_pause (const char *root, const char *id, bool pause, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  if (pause && ref.status != STATUS_RUNNING)
    return cl_fail (err, 0, "container not running: %s", id);
  if (!pause && ref.status != STATUS_PAUSED)
    return cl_fail (err, 0, "container not paused: %s", id);
  return cgroup_freeze (cg, pause, err);
}

int
container_update (const char *root, const char *id, const struct oci_resources *res, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  if (cgroup_check_memory_update (cg, &res->memory, err) < 0)
    return -1;
  /* systemd first: it writes its own properties' files, then ours go on top. */
  if (cg->systemd_unit && cgroup_systemd_update (cg, res, err) < 0)
    return -1;
  return cgroup_apply (cg, res, err);
}

int
container_pids (const char *root, const char *id, pid_t **pids, size_t *n, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (container_ref_open (root, id, &ref, err) < 0)
    return -1;
  /* A stopped container lists what is left in its cgroup, usually nothing
   * (runc prints an empty list; its cgroup may be gone). */
  *pids = NULL;
  *n = 0;
  if (ref.st->n_cgroup_dirs == 0)
    return ref.status == STATUS_STOPPED ? 0 : cl_fail (err, ENOENT, "container `%s` has no cgroup", id);
  cg = container_cgroup (ref.st);
  if (cgroup_pids (cg, pids, n, err) == 0)
    return 0;
  if (ref.status != STATUS_STOPPED)
    return -1;
  cl_error_freep (err);
  *pids = NULL;
  *n = 0;
  return 0;
}

int
container_stats (const char *root, const char *id, char **json, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  return cgroup_stats_json (cg, json, err);
}

int
container_oom_kills (const char *root, const char *id, unsigned long long *count, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  cleanup_free char *data = NULL;
  const char *line;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  /* v1: memory.oom_control "oom_kill N"; v2: memory.events "oom_kill N". */
  if (cgroup_read (cg, cg->layout == CGROUP_UNIFIED ? "" : "memory",
                   cg->layout == CGROUP_UNIFIED ? "memory.events" : "memory.oom_control", &data, err) < 0)
    return -1;
  line = strstr (data, "oom_kill ");
  *count = line ? strtoull (line + 9, NULL, 10) : 0;
  return 0;
}

static int signal_process (const struct container_state *st, int sig);
static void wait_for_exit (const struct container_state *st);

/* The hooks of `kind`: a failure is an error when err is given, else a
 * warning. */
static int
run_lifecycle_hooks (const char *root, const struct container_ref *ref, enum oci_hook_kind kind, const char *status,
                     cl_error **err)
{
  cleanup_config struct oci_config *cfg = NULL;
  cleanup_free char *path = xasprintf ("%s/%s/config.json", root, ref->st->id);
  cleanup_free char *state = NULL;
  cleanup_error cl_error *e = NULL;
  /* Most containers have none: no need to read the config back. */
  if (!(ref->st->hook_kinds & (1u << kind)))
    return 0;
  if (config_load_file (path, &cfg, &e) < 0)
    {
      log_warning ("%s hooks: %s", oci_hook_kind_names[kind], e->msg);
      return 0;
    }
  if (cfg->n_hooks[kind] == 0)
    return 0;
  state = hooks_state_json (cfg, ref->st->id, ref->st->pid, ref->st->bundle, status);
  if (err)
    return hooks_run (cfg, kind, state, err);
  hooks_run_warning (cfg, kind, state);
  return 0;
}

int
container_start (const char *root, const char *id, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_close int notify_sock = -1;
  cleanup_free char *state_dir = xasprintf ("%s/%s", root, id);

  if (container_ref_open (root, id, &ref, err) < 0)
    return -1;
  /* runc's texts, which engines show and match on, then the id. */
  if (ref.status == STATUS_STOPPED)
    return cl_fail (err, 0, "cannot start a container that has stopped: %s", id);
  if (ref.status == STATUS_RUNNING)
    return cl_fail (err, 0, "cannot start an already running container: %s", id);
  if (ref.status != STATUS_CREATED)
    return cl_fail (err, 0, "cannot start a container that is %s: %s", state_status_name (ref.status), id);
  /* Listen for the container's sd_notify before it can send anything. */
  if (notify_listen (ref.dirfd, state_dir, &notify_sock, err) < 0)
    return -1;
  if (start_gate_release (ref.dirfd, id, err) < 0)
    return -1;
  trace_phase ("start: released");
  /* After the process started (the gate said so); a failure is start's,
   * and the container is stopped (runtime-spec 1.3, runc). */
  if (run_lifecycle_hooks (root, &ref, HOOK_POSTSTART, "running", err) < 0)
    {
      signal_process (ref.st, SIGKILL);
      wait_for_exit (ref.st);
      return -1;
    }
  if (notify_sock >= 0)
    {
      /* Wait for READY=1 unlocked (a fresh fd: a dup would keep the flock):
       * other commands must reach the container meanwhile. */
      cleanup_close int dirfd = open (state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      pid_t pid = ref.st->pid;
      container_ref_close (&ref);
      return notify_relay (dirfd, notify_sock, pid, err);
    }
  return 0;
}

static int
pidfd_for (const struct container_state *st)
{
  int fd = (int) syscall (SYS_pidfd_open, st->pid, 0);
  /* Opened, then re-checked: the pidfd now pins this very process. */
  if (fd >= 0 && st->pid_start_time && process_start_time (st->pid) != st->pid_start_time)
    {
      close (fd);
      errno = ESRCH;
      return -1;
    }
  return fd;
}

static int
signal_process (const struct container_state *st, int sig)
{
  cleanup_close int fd = pidfd_for (st);
  if (fd < 0 && errno == ENOSYS)
    {
      /* No pidfds (before 5.3): the start time checked just before, a
       * narrower window for a reused pid than none. */
      if (st->pid_start_time && process_start_time (st->pid) != st->pid_start_time)
        {
          errno = ESRCH;
          return -1;
        }
      return kill (st->pid, sig);
    }
  if (fd < 0)
    return -1;
  return (int) syscall (SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

/* Without a cgroup to enumerate, "all processes of the container" are those
 * in the init's pid namespace. */
static int
signal_pid_namespace (const struct container_state *st, int sig, cl_error **err)
{
  char path[64];
  struct stat init_ns;
  cleanup_dir DIR *proc = opendir ("/proc");
  struct dirent *de;

  snprintf (path, sizeof path, "/proc/%d/ns/pid", (int) st->pid);
  if (stat (path, &init_ns) < 0)
    return cl_fail (err, errno, "stat %s", path);
  if (proc == NULL)
    return cl_fail (err, errno, "open /proc");
  while ((de = readdir (proc)))
    {
      unsigned long long pid;
      struct stat ns;
      if (parse_uint64 (de->d_name, &pid) < 0)
        continue;
      snprintf (path, sizeof path, "/proc/%llu/ns/pid", pid);
      if (stat (path, &ns) == 0 && ns.st_ino == init_ns.st_ino && ns.st_dev == init_ns.st_dev)
        kill ((pid_t) pid, sig);
    }
  return 0;
}

/* Without a pid namespace of its own, killing the init leaves the
 * processes exec'd into the container running: runc (1.2+) then sends
 * SIGKILL to everything in the container's cgroup, and so does this. */
static bool
kills_whole_cgroup (const char *root, const struct container_ref *ref, int sig)
{
  cleanup_free char *path = NULL;
  cleanup_config struct oci_config *cfg = NULL;
  cleanup_error cl_error *e = NULL;
  const struct oci_namespace *pidns;
  if (sig != SIGKILL || ref->st->n_cgroup_dirs == 0)
    return false;
  path = xasprintf ("%s/%s/config.json", root, ref->st->id);
  if (config_load_file (path, &cfg, &e) < 0)
    return false;
  pidns = config_namespace (cfg, CLONE_NEWPID);
  return pidns == NULL || (pidns->path && *pidns->path);
}

int
container_kill (const char *root, const char *id, int sig, bool all, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  if (container_ref_open (root, id, &ref, err) < 0)
    return -1;
  all |= kills_whole_cgroup (root, &ref, sig);
  /* As runc: --all of a stopped container signals what is left in its
   * cgroup (nothing, usually) and succeeds. */
  if (ref.status == STATUS_STOPPED && !all)
    return cl_fail (err, 0, "container not running: %s", id);
  if (ref.status == STATUS_STOPPED)
    {
      cleanup_cgroup struct cgroup *cg = ref.st->n_cgroup_dirs ? container_cgroup (ref.st) : NULL;
      if (cg && cgroup_signal_all (cg, sig, err) < 0 && (*err)->errnum != ENOENT)
        return -1;
      cl_error_freep (err);
      return 0;
    }
  if (all)
    {
      /* Every process of the container is in its cgroup; the pid namespace
       * is the fallback for state written without one. */
      if (ref.st->n_cgroup_dirs)
        {
          cleanup_cgroup struct cgroup *cg = container_cgroup (ref.st);
          int rc = cgroup_signal_all (cg, sig, err);
          /* A frozen process only acts on the signal once thawed; as runc,
           * a SIGKILL of a paused container goes through. */
          if (rc == 0 && ref.status == STATUS_PAUSED && sig == SIGKILL)
            rc = cgroup_freeze (cg, false, err);
          return rc;
        }
      struct stat own, theirs;
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/pid", (int) ref.st->pid);
      if (stat ("/proc/self/ns/pid", &own) == 0 && stat (path, &theirs) == 0 && own.st_ino != theirs.st_ino)
        return signal_pid_namespace (ref.st, sig, err);
    }
  if (signal_process (ref.st, sig) < 0)
    return cl_fail (err, errno, "kill container `%s`", id);
  if (ref.status == STATUS_PAUSED && sig == SIGKILL && ref.st->n_cgroup_dirs)
    {
      cleanup_cgroup struct cgroup *cg = container_cgroup (ref.st);
      return cgroup_freeze (cg, false, err);
    }
  return 0;
}

/* linux.netDevices back to the host while the init, and so its network
 * namespace, still lives (that very process: its start time). */
static void
return_net_devices (const struct container_state *st)
{
  if (st->n_net_devices && st->pid > 0 && st->pid_start_time && process_start_time (st->pid) == st->pid_start_time)
    net_devices_move_out (st->net_devices, st->n_net_devices, st->net_device_index, st->pid);
}

/* Wait (bounded) until the init has exited, so delete never races it. */
static void
wait_for_exit (const struct container_state *st)
{
  cleanup_close int fd = pidfd_for (st);
  struct pollfd p = { .fd = fd, .events = POLLIN };
  if (fd >= 0)
    {
      poll (&p, 1, 10000);
      return;
    }
  for (int i = 0; i < 1000 && process_start_time (st->pid) != 0; i++)
    usleep (10000);
}

/* What is left in the cgroup (no pid namespace, or escaped daemons) is
 * killed, the directories and scope made for it go, then the state. */
static int
remove_recorded (struct container_ref *ref, const char *id, cl_error **err)
{
  if (ref->st->host_mounts && ref->st->rootfs)
    rootfs_unmount_below (ref->st->rootfs);
  if (ref->st->n_cgroup_dirs || ref->st->systemd_unit)
    {
      cleanup_cgroup struct cgroup *cg = container_cgroup (ref->st);
      if (cgroup_destroy (cg, err) < 0)
        return cl_wrap (err, "delete container `%s`", id);
    }
  return state_dir_remove (ref->rootfd, id, err);
}

int
container_delete (const char *root, const char *id, bool force, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  if (container_ref_open (root, id, &ref, err) < 0)
    {
      /* Engines delete --force what may already be gone; what has no
       * readable state is removed from what its config names. */
      if (!force || state_validate_id (id, NULL) < 0)
        return -1;
      if ((*err)->errnum != ENOENT)
        log_warning ("%s: removing what can be found of it", (*err)->msg);
      cl_error_freep (err);
      if (container_salvage (root, id, err) < 0 && (*err)->errnum == EAGAIN)
        {
          cl_error_freep (err);
          return container_delete (root, id, force, err);
        }
      return *err ? -1 : 0;
    }
  if (ref.st->creating)
    {
      /* A create that died: its init (if it got that far, and is still
       * that process) and whatever the record names go, without hooks. */
      return_net_devices (ref.st);
      if (ref.st->pid > 0 && signal_process (ref.st, SIGKILL) == 0)
        wait_for_exit (ref.st);
      return remove_recorded (&ref, id, err);
    }
  if (ref.status == STATUS_RUNNING || ref.status == STATUS_PAUSED)
    {
      if (!force)
        return cl_fail (err, 0, "cannot delete container %s that is not stopped: %s", id,
                        state_status_name (ref.status));
    }
  if (ref.status != STATUS_STOPPED)
    {
      /* A created container is deleted without --force, as runc does.
       * Killing pid 1 of the container's pid namespace takes every process
       * in it along. */
      return_net_devices (ref.st);
      signal_process (ref.st, SIGKILL);
      if (ref.status == STATUS_PAUSED && ref.st->n_cgroup_dirs)
        {
          cleanup_cgroup struct cgroup *cg = container_cgroup (ref.st);
          cleanup_error cl_error *ignored = NULL;
          cgroup_freeze (cg, false, &ignored);
        }
      wait_for_exit (ref.st);
    }
  /* Stopped by now: poststop hooks, before its cgroup and state go. */
  trace_phase ("delete: stopped");
  run_lifecycle_hooks (root, &ref, HOOK_POSTSTOP, "stopped", NULL);
  {
    int rc = remove_recorded (&ref, id, err);
    trace_phase ("delete: removed");
    return rc;
  }
}

int
container_state_json (const char *root, const char *id, char **out, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  if (container_ref_open (root, id, &ref, err) < 0)
    return -1;
  if (ref.status == STATUS_STOPPED)
    ref.st->pid = 0;
  *out = state_oci_json (ref.st, ref.status);
  return 0;
}
