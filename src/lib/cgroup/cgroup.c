/* crun-lite: the container's cgroup, driver-independent parts
 * (see include/cgroup/cgroup.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_driver.h"
#include "cgroup/cgroup_files.h"
#include "cgroup/cgroup_systemd.h"
#include "base/log.h"
#include "base/utils.h"

/* The driver of the host's layout: v2, or v1 (a hybrid host is v1 with one
 * more, controller-less directory). */
static const struct cgroup_driver *
driver (const struct cgroup *cg)
{
  return cg->layout == CGROUP_UNIFIED ? &cgroup_v2_driver : &cgroup_v1_driver;
}


/* A cgroupsPath must stay inside the hierarchy: no "..", no empty name. */
static int
check_cgroups_path (const char *p, cl_error **err)
{
  cleanup_free char *copy = xstrdup (p);
  char *save = NULL;
  for (char *t = strtok_r (copy, "/", &save); t; t = strtok_r (NULL, "/", &save))
    if (strcmp (t, "..") == 0 || strcmp (t, ".") == 0)
      return cl_fail_as (err, EINVAL, "linux.cgroupsPath: `%s` must not contain `.` or `..`", p);
  return 0;
}




int
cgroup_plan (const struct oci_config *cfg, const char *id, struct cgroup **out, cl_error **err)
{
  const char *path = cfg->linux_section.cgroups_path && *cfg->linux_section.cgroups_path
                       ? cfg->linux_section.cgroups_path : id;
  struct cgroup *cg = xzalloc (sizeof *cg);

  if (check_cgroups_path (path, err) < 0 || cgroup_detect_layout (&cg->layout, err) < 0)
    goto fail;
  if (cg->layout == CGROUP_UNIFIED)
    {
      cleanup_free char *own = NULL;
      char *slash;
      if (cgroup_v2_own_path (&own, err) < 0)
        goto fail;
      /* A relative path goes below the parent of the runtime's cgroup, as
       * runc does: the runtime's own cgroup (a login session, a service)
       * has processes in it, so no controller can be enabled below it. */
      if ((slash = strrchr (own, '/')) != NULL && slash != own)
        *slash = '\0';
      else
        strcpy (own, "/");
      cgroup_add_dir (cg, "", cgroup_container_dir (V2_ROOT, "/", own, path));
    }
  else
    {
      struct cgroup_v1_hierarchy *h = NULL;
      size_t n = 0;
      if (cgroup_v1_hierarchies (&h, &n, err) < 0)
        goto fail;
      for (size_t i = 0; i < n; i++)
        if (strncmp (h[i].mountpoint, V2_ROOT "/", sizeof V2_ROOT) == 0)
          cgroup_add_dir (cg, h[i].controllers, cgroup_container_dir (h[i].mountpoint, h[i].mount_root, h[i].own_path, path));
      cgroup_v1_hierarchies_free (h, n);
      if (cg->n_dirs == 0)
        {
          cl_fail (err, ENOENT, "no cgroup v1 hierarchy is mounted under " V2_ROOT);
          goto fail;
        }
      if (cgroup_add_hybrid_unified_dir (cg, path, false, err) < 0)
        goto fail;
    }
  *out = cg;
  return 0;
fail:
  cgroup_free (cg);
  return -1;
}

int
cgroup_plan_systemd (const struct oci_config *cfg, const char *id, struct cgroup **out, cl_error **err)
{
  struct cgroup *cg = xzalloc (sizeof *cg);
  if (cgroup_detect_layout (&cg->layout, err) < 0
      || cgroup_systemd_plan (cg, cfg->linux_section.cgroups_path, id, err) < 0)
    {
      cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}



char **
cgroup_dirs_to_make (const struct cgroup *cg)
{
  char **out = NULL;
  /* From the leaf up to the first directory that exists (the leaf's
   * parent, mostly: two calls), then listed from the top down. */
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      cleanup_free char *copy = xstrdup (cg->dirs[i]);
      char *cut[64];
      size_t n = 0;
      while (n < 64 && strlen (copy) > strlen (V2_ROOT) && access (copy, F_OK) < 0 && errno == ENOENT)
        {
          cut[n] = strrchr (copy, '/');
          *cut[n++] = '\0';
        }
      while (n > 0)
        {
          *cut[--n] = '/';
          if (!strv_has (out, copy))
            strv_append (&out, copy);
        }
    }
  return out;
}


/* The device rules to apply, with runc's meaning: the config's
 * linux.resources.devices in order, then the devices every container gets
 * (mknod of any node, the standard character devices, ptys, tun).  Nothing
 * is allowed that no rule allows: a linux.devices entry is a node to make,
 * not a permission (engines put the permission in resources.devices, e.g.
 * `docker run --device /dev/sdb:/dev/sdb:r` as "r"), so a read-only or
 * denied device stays so.  The rules are applied even when the config has
 * none (a device is then usable only when it is one of the defaults), but
 * not by a rootless runtime, which cannot load a device filter. */
static struct oci_device_rule *
effective_device_rules (const struct oci_config *cfg, size_t *n)
{
  /* runc's list exactly: mknod of anything; null, zero, full, random,
   * urandom, tty; ptmx and the ptys; tun.  Not the host's console (c 5:1):
   * a container's /dev/console is its own pty, bound over the path. */
  static const struct oci_device_rule defaults[] = {
    { true, 'c', -1, -1, (char *) "m" },    { true, 'b', -1, -1, (char *) "m" },
    { true, 'c', 1, 3, (char *) "rwm" },    { true, 'c', 1, 5, (char *) "rwm" }, { true, 'c', 1, 7, (char *) "rwm" },
    { true, 'c', 1, 8, (char *) "rwm" },    { true, 'c', 1, 9, (char *) "rwm" }, { true, 'c', 5, 0, (char *) "rwm" },
    { true, 'c', 5, 2, (char *) "rwm" },    { true, 'c', 136, -1, (char *) "rwm" }, { true, 'c', 10, 200, (char *) "rwm" },
  };
  const struct oci_resources *r = &cfg->linux_section.resources;
  size_t nd = sizeof defaults / sizeof defaults[0];
  struct oci_device_rule *rules;
  size_t k = 0;

  if (r->n_devices == 0 && running_rootless ())
    {
      *n = 0;
      return NULL;
    }
  rules = xzalloc ((r->n_devices + nd) * sizeof *rules);
  for (size_t i = 0; i < r->n_devices; i++)
    rules[k++] = r->devices[i];
  for (size_t i = 0; i < nd; i++)
    rules[k++] = defaults[i];
  *n = k;
  return rules;
}

int
cgroup_create_for (struct cgroup *cg, const struct oci_config *cfg, cl_error **err)
{
  struct oci_resources res = cfg->linux_section.resources;
  cleanup_free struct oci_device_rule *rules = effective_device_rules (cfg, &res.n_devices);
  res.devices = rules;
  /* systemd makes the scope around the init, once it exists (cgroup_enter_init). */
  if (cg->systemd_unit && !cg->systemd_started)
    return 0;
  /* No cgroup at all (--cgroup-manager=disabled): nothing to make or apply. */
  if (cg->n_dirs == 0 && cg->systemd_unit == NULL)
    return 0;
  return cgroup_create (cg, &res, err);
}


/* Was some leaf directory there before us?  Only then can it be frozen or
 * hold processes: a fresh one needs no reads on the start path. */
static bool
leaf_preexisted (const struct cgroup *cg)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      bool made = false;
      for (size_t k = 0; k < cg->n_created && !made; k++)
        made = strcmp (cg->created[k], cg->dirs[i]) == 0;
      if (!made)
        return true;
    }
  return false;
}


int
cgroup_create (struct cgroup *cg, const struct oci_resources *res, cl_error **err)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (driver (cg)->make_dir (cg, i, err) < 0)
      return -1;
  /* A scope systemd has just made around our init is ours, not shared. */
  if (!leaf_preexisted (cg) || cg->systemd_started)
    return cgroup_apply (cg, res, err);
  /* A cgroup that already exists may be frozen (or freezing): the init
   * would never run and `run -d` would wait forever.  runc refuses it. */
  if (driver (cg)->freeze_requested (cg))
    return cl_fail_as (err, EBUSY, "container's cgroup unexpectedly frozen (thaw it first: %s)",
                       cg->layout == CGROUP_UNIFIED ? "cgroup.freeze" : "freezer.state");
  /* Sharing a cgroup with other processes would put them under the
   * container's limits, and within reach of its `kill --all`: refused, as
   * runc (1.2+) does. */
  {
    cleanup_free pid_t *pids = NULL;
    cleanup_error cl_error *e = NULL;
    size_t n = 0;
    if (cg->n_dirs && cgroup_pids (cg, &pids, &n, &e) == 0 && n > 0)
      return cl_fail_as (err, EBUSY, "container's cgroup `%s` is not empty: %zu process(es) found (runc refuses it too)",
                         cg->dirs[0], n);
  }
  return cgroup_apply (cg, res, err);
}

int
cgroup_apply (const struct cgroup *cg, const struct oci_resources *res, cl_error **err)
{
  if (res == NULL)
    return 0;
  return driver (cg)->apply (cg, res, err);
}

/* Is directory i of cg in a cgroup2 hierarchy (v2, or a hybrid host's)? */
static bool
dir_is_v2 (const struct cgroup *cg, size_t i)
{
  return cg->layout == CGROUP_UNIFIED || strcmp (cg->controllers[i], HYBRID_V2_KEY) == 0;
}

/* The file through which a task enters dir: cgroup.procs, or on v1 `tasks`
 * for a task moving itself (see struct cgroup_entry); the directory's fd in
 * *dirfd when asked. */
static int
open_join_file (const char *dir, bool tasks, int *dirfd)
{
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = dfd < 0 ? -1 : openat (dfd, tasks ? "tasks" : "cgroup.procs", O_WRONLY | O_CLOEXEC);
  if (fd >= 0 && dirfd)
    *dirfd = steal_fd (&dfd);
  return fd;
}

/* See struct cgroup_entry in cgroup.h. */
int
cgroup_entry_open (const struct cgroup *cg, struct cgroup_entry *e, cl_error **err)
{
  *e = (struct cgroup_entry){ .born_in_fd = -1, .procs_fd = -1, .parent_moves = cg->systemd_unit != NULL };
  if (cg->systemd_unit || cg->n_dirs == 0)
    return 0;
  e->tasks_fds = xzalloc (cg->n_dirs * sizeof *e->tasks_fds);
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      bool v2 = dir_is_v2 (cg, i);
      int fd = open_join_file (cg->dirs[i], !v2, v2 ? &e->born_in_fd : NULL);
      if (fd < 0)
        {
          cgroup_entry_close (e);
          return cl_fail (err, errno, "open cgroup `%s`", cg->dirs[i]);
        }
      if (v2)
        e->procs_fd = fd;
      else
        e->tasks_fds[e->n_tasks++] = fd;
    }
  return 0;
}

int
cgroup_entry_join (struct cgroup_entry *e, bool born_in, cl_error **err)
{
  int rc = 0;
  if (!born_in && e->procs_fd >= 0 && write (e->procs_fd, "0", 1) != 1)
    rc = cl_fail (err, errno, "move the init into its cgroup (cgroup.procs)");
  for (size_t i = 0; rc == 0 && i < e->n_tasks; i++)
    if (write (e->tasks_fds[i], "0", 1) != 1)
      rc = cl_fail (err, errno, "move the init into its cgroup (a v1 hierarchy's tasks)");
  cgroup_entry_close (e);
  return rc;
}

void
cgroup_entry_close (struct cgroup_entry *e)
{
  for (size_t i = 0; i < e->n_tasks; i++)
    close (e->tasks_fds[i]);
  free (e->tasks_fds);
  if (e->procs_fd >= 0)
    close (e->procs_fd);
  if (e->born_in_fd >= 0)
    close (e->born_in_fd);
  *e = (struct cgroup_entry){ .born_in_fd = -1, .procs_fd = -1 };
}

int
cgroup_enter_init (struct cgroup *cg, const struct oci_config *cfg, pid_t pid, cl_error **err)
{
  /* The systemd driver: the scope with pid in it, then, as with cgroupfs,
   * every hierarchy's directory (systemd does not make all of them on v1)
   * and the limits. */
  if (cg->systemd_unit && !cg->systemd_started)
    {
      /* systemd gets the device rules every container has too: they
       * become the unit's device policy (see cgroup_systemd_start). */
      struct oci_resources res = cfg->linux_section.resources;
      cleanup_free struct oci_device_rule *rules = effective_device_rules (cfg, &res.n_devices);
      res.devices = rules;
      if (cgroup_systemd_start (cg, pid, &res, err) < 0 || cgroup_create_for (cg, cfg, err) < 0)
        return -1;
    }
  return cgroup_enter (cg, pid, err);
}

int
cgroup_join_dir (const struct cgroup *cg, size_t i, const char *dir, pid_t pid)
{
  bool self_v1 = pid == getpid () && !dir_is_v2 (cg, i);
  char buf[32];
  int n = self_v1 ? snprintf (buf, sizeof buf, "0") : snprintf (buf, sizeof buf, "%d", (int) pid);
  cleanup_close int fd = open_join_file (dir, self_v1, NULL);
  if (fd < 0 || write (fd, buf, (size_t) n) != n)
    return -1;
  return 0;
}

int
cgroup_enter (const struct cgroup *cg, pid_t pid, cl_error **err)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (cgroup_join_dir (cg, i, cg->dirs[i], pid) < 0)
      return cl_fail (err, errno, "move pid %d into cgroup `%s`", (int) pid, cg->dirs[i]);
  return 0;
}

bool
cgroup_resources_requested (const struct oci_resources *r)
{
  const struct oci_memory *m = &r->memory;
  const struct oci_cpu *c = &r->cpu;
  const struct oci_blockio *b = &r->blockio;
  bool throttles = false;
  for (int i = 0; i < 4; i++)
    throttles |= b->n_throttle[i] > 0;
  return m->limit.set || m->reservation.set || m->swap.set || m->kernel.set || m->kernel_tcp.set
         || m->swappiness.set || (m->disable_oom_killer.set && m->disable_oom_killer.v) || c->shares.set
         || c->quota.set || c->period.set || c->burst.set || c->realtime_runtime.set || c->realtime_period.set
         || (c->cpus && *c->cpus) || (c->mems && *c->mems) || c->idle.set || r->pids_limit.set || b->weight.set
         || b->leaf_weight.set || b->n_weight_devices || throttles || r->n_hugepage_limits || r->net_class_id.set
         || r->n_net_priorities || r->n_rdma || r->n_unified;
}






/* The processes of the cgroup open at `fd` and of the sub-cgroups the
 * container made below it (as runc lists and kills them). */
static int
collect_pids (int fd, pid_t **pids, size_t *count, int depth, cl_error **err)
{
  cleanup_free char *data = NULL;
  cleanup_dir DIR *d = NULL;
  struct dirent *e;
  int sub;

  if (read_file_at (fd, "cgroup.procs", 1 << 22, &data, NULL, err) < 0)
    return -1;
  for (char *save = NULL, *t = strtok_r (data, "\n", &save); t; t = strtok_r (NULL, "\n", &save))
    {
      *pids = xrealloc (*pids, (*count + 1) * sizeof **pids);
      (*pids)[(*count)++] = (pid_t) atoi (t);
    }
  if (depth >= 32 || (sub = dup (fd)) < 0 || (d = fdopendir (sub)) == NULL)
    return 0;
  while ((e = readdir (d)) != NULL)
    {
      cleanup_close int child = -1;
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      child = openat (fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child >= 0 && collect_pids (child, pids, count, depth + 1, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_pids (const struct cgroup *cg, pid_t **out, size_t *n, cl_error **err)
{
  /* Every process is in every hierarchy: one directory is enough.  On v1
   * prefer pids or freezer, which every runtime joins. */
  const char *dir = cg->layout == CGROUP_UNIFIED ? cg->dirs[0] : NULL;
  cleanup_free char *data = NULL;
  cleanup_close int fd = -1;
  pid_t *pids = NULL;
  size_t count = 0;

  if (dir == NULL)
    dir = cgroup_v1_dir (cg, "pids") ?: cgroup_v1_dir (cg, "freezer") ?: (cg->n_dirs ? cg->dirs[0] : NULL);
  if (dir == NULL)
    return cl_fail (err, ENOENT, "no cgroup");
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "open cgroup `%s`", dir);
  if (collect_pids (fd, &pids, &count, 0, err) < 0)
    {
      free (pids);
      return -1;
    }
  *out = pids;
  *n = count;
  return 0;
}

int
cgroup_signal_all (const struct cgroup *cg, int sig, cl_error **err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (cg->layout == CGROUP_UNIFIED && sig == SIGKILL)
    {
      /* cgroup.kill (5.14+): one write, no race with forks. */
      cleanup_close int fd = open (cg->dirs[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      cleanup_error cl_error *e = NULL;
      if (fd >= 0 && write_file_at (fd, "cgroup.kill", "1", 1, &e) == 0)
        return 0;
    }
  if (cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    kill (pids[i], sig);
  return 0;
}

/* Kill and wait until the cgroup is empty (bounded), freezing first on v1 so
 * that nothing forks away between the listing and the kill. */
static void
empty_cgroup (const struct cgroup *cg)
{
  struct timespec pause = { 0, 5 * 1000 * 1000 };
  for (int round = 0; round < 400; round++)
    {
      cleanup_free pid_t *pids = NULL;
      cleanup_error cl_error *e = NULL;
      size_t n = 0;
      if (cgroup_pids (cg, &pids, &n, &e) < 0 || n == 0)
        return;
      if (cg->layout != CGROUP_UNIFIED)
        cgroup_freeze (cg, true, &e);
      cgroup_signal_all (cg, SIGKILL, &e);
      if (cg->layout != CGROUP_UNIFIED)
        cgroup_freeze (cg, false, &e);
      nanosleep (&pause, NULL);
    }
}

/* Sub-cgroups the container made in its own cgroup (a v1 hierarchy it can
 * write, a delegated v2 tree): deepest first, waiting for killed
 * processes to leave. */
static void
remove_sub_cgroups (const char *dir, int depth)
{
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *e;
  if (d == NULL || depth >= 32)
    return;
  while ((e = readdir (d)) != NULL)
    {
      cleanup_free char *child = NULL;
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      child = xasprintf ("%s/%s", dir, e->d_name);
      remove_sub_cgroups (child, depth + 1);
      for (int tries = 0; rmdir (child) < 0 && errno == EBUSY && tries < 200; tries++)
        usleep (5000);
    }
}

int
cgroup_destroy (struct cgroup *cg, cl_error **err)
{
  int rc = 0;
  /* A cgroup the container did not make holds what others put there: only
   * the container's own processes are stopped (by its caller, through the
   * init and its pid namespace), never the cgroup emptied by force. */
  if (!leaf_preexisted (cg) || cg->systemd_started)
    empty_cgroup (cg);
  else
    {
      cleanup_free pid_t *pids = NULL;
      cleanup_error cl_error *e = NULL;
      size_t n = 0;
      if (cg->n_dirs && cgroup_pids (cg, &pids, &n, &e) == 0 && n > 0)
        log_debug ("cgroup `%s` was there before the container: its %zu other process(es) left alone", cg->dirs[0], n);
    }
  /* Children before parents; a directory some other container also uses
   * (not empty) is left to it. */
  for (size_t i = cg->n_created; i > 0; i--)
    {
      const char *d = cg->created[i - 1];
      /* An empty leaf, the common case, goes in one call; only a refused
       * removal looks for sub-cgroups (six calls a hierarchy). */
      if (rmdir (d) == 0 || errno == ENOENT)
        continue;
      remove_sub_cgroups (d, 0);
      for (int tries = 0; rmdir (d) < 0; tries++)
        {
          if (errno == ENOENT || errno == ENOTEMPTY)
            break;
          if (errno != EBUSY || tries >= 200)
            {
              rc = cl_fail (err, errno, "remove cgroup `%s`", d);
              break;
            }
          /* Processes just killed may take a moment to leave. */
          usleep (5000);
        }
    }
  if (cg->systemd_unit && cg->systemd_started && cgroup_systemd_stop (cg, rc < 0 ? NULL : err) < 0)
    rc = -1;
  return rc;
}

int
cgroup_freeze (const struct cgroup *cg, bool frozen, cl_error **err)
{
  if (driver (cg)->set_frozen (cg, frozen, err) < 0)
    return -1;
  /* Wait until the kernel reports the new state. */
  for (int i = 0; i < 1000; i++)
    {
      if (cgroup_is_frozen (cg) == frozen)
        return 0;
      usleep (1000);
    }
  return cl_fail (err, EBUSY, "the container's cgroup did not become %s", frozen ? "frozen" : "thawed");
}

bool
cgroup_is_frozen (const struct cgroup *cg)
{
  return driver (cg)->is_frozen (cg);
}

void
cgroup_free (struct cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      free (cg->controllers[i]);
      free (cg->dirs[i]);
    }
  for (size_t i = 0; i < cg->n_created; i++)
    free (cg->created[i]);
  free (cg->controllers);
  free (cg->dirs);
  free (cg->created);
  free (cg->systemd_unit);
  free (cg->systemd_slice);
  free (cg);
}

void
cgroup_freep (struct cgroup **cg)
{
  cgroup_free (*cg);
  *cg = NULL;
}
