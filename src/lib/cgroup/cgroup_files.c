/* crun-lite: the container's cgroup directories and the files in them,
 * what every driver shares (see include/cgroup/cgroup_files.h).  Nothing here
 * calls a driver. */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup/cgroup_files.h"
#include "base/utils.h"

/* The container's directory below a hierarchy mounted at `mountpoint`,
 * showing the hierarchy's `mount_root`, where the runtime sits at `own`. */
char *
cgroup_container_dir (const char *mountpoint, const char *mount_root, const char *own, const char *path)
{
  size_t rootlen = strcmp (mount_root, "/") == 0 ? 0 : strlen (mount_root);
  if (path[0] == '/')
    {
      const char *rel = rootlen && strncmp (path, mount_root, rootlen) == 0 ? path + rootlen : path;
      return xasprintf ("%s%s", mountpoint, rel);
    }
  own = rootlen && strncmp (own, mount_root, rootlen) == 0 ? own + rootlen : own;
  return xasprintf ("%s%s/%s", mountpoint, strcmp (own, "/") == 0 ? "" : own, path);
}

void
cgroup_add_dir (struct cgroup *cg, const char *controllers, char *dir)
{
  cg->controllers = xrealloc (cg->controllers, (cg->n_dirs + 1) * sizeof (char *));
  cg->dirs = xrealloc (cg->dirs, (cg->n_dirs + 1) * sizeof (char *));
  cg->controllers[cg->n_dirs] = xstrdup (controllers);
  cg->dirs[cg->n_dirs] = dir;
  cg->n_dirs++;
}

/* On a hybrid host the container also gets the same path in the
 * controller-less cgroup2 hierarchy, as runc does: no limit lives there, but
 * systemd tracks its units' processes by it, and a process left in the
 * runtime's cgroup there would escape its scope.  Skipped where that
 * hierarchy is not writable (rootless), as it holds nothing to enforce. */
int
cgroup_add_hybrid_unified_dir (struct cgroup *cg, const char *path, bool from_root, cl_error **err)
{
  cleanup_free char *own = NULL;
  if (cg->layout != CGROUP_HYBRID || access (HYBRID_V2_ROOT, W_OK) < 0)
    return 0;
  if (!from_root && cgroup_v2_own_path (&own, err) < 0)
    return -1;
  cgroup_add_dir (cg, HYBRID_V2_KEY, cgroup_container_dir (HYBRID_V2_ROOT, "/", own ? own : "/", path));
  return 0;
}

static void
record_made (struct cgroup *cg, const char *dir)
{
  cg->created = xrealloc (cg->created, (cg->n_created + 1) * sizeof (char *));
  cg->created[cg->n_created++] = xstrdup (dir);
}

/* mkdir -p, recording each directory made; the leaf first, as its parent
 * mostly exists (one call, not one per component). */
int
cgroup_make_dirs (struct cgroup *cg, const char *dir, cl_error **err)
{
  cleanup_free char *copy = xstrdup (dir);
  if (mkdir (dir, 0755) == 0)
    {
      record_made (cg, dir);
      return 0;
    }
  if (errno == EEXIST)
    return 0;
  for (char *p = copy + strlen (V2_ROOT) + 1;; p++)
    {
      bool end = *p == '\0';
      if (*p != '/' && !end)
        continue;
      *p = '\0';
      if (mkdir (copy, 0755) == 0)
        record_made (cg, copy);
      else if (errno != EEXIST)
        return cl_fail (err, errno, "create cgroup `%s`", copy);
      if (end)
        return 0;
      *p = '/';
    }
}

int
cgroup_adopt_path (struct cgroup *cg, const char *path, cl_error **err)
{
  cgroup_forget (cg);
  if (cg->layout == CGROUP_UNIFIED)
    cgroup_add_dir (cg, "", xasprintf ("%s%s", V2_ROOT, path));
  else
    {
      struct cgroup_v1_hierarchy *h = NULL;
      size_t n = 0;
      if (cgroup_v1_hierarchies (&h, &n, err) < 0)
        return -1;
      for (size_t i = 0; i < n; i++)
        if (strncmp (h[i].mountpoint, V2_ROOT "/", sizeof V2_ROOT) == 0)
          cgroup_add_dir (cg, h[i].controllers, cgroup_container_dir (h[i].mountpoint, h[i].mount_root, "/", path));
      cgroup_v1_hierarchies_free (h, n);
      return cgroup_add_hybrid_unified_dir (cg, path, true, err);
    }
  return 0;
}

int
cgroup_write_or (const char *dir, const char *file, const char *fallback, const char *field, const char *value,
                 cl_error **err)
{
  cleanup_error cl_error *first = NULL;
  if (cgroup_write (dir, file, field, value, &first) == 0)
    return 0;
  if (first->errnum != ENOENT)
    {
      *err = steal_ptr (&first);
      return -1;
    }
  if (cgroup_write (dir, fallback, field, value, err) == 0)
    return 0;
  if ((*err)->errnum == ENOENT)
    {
      cl_error_free (*err);
      *err = NULL;
      return cl_fail_as (err, ENOENT, "%s: this host's cgroup has neither `%s` nor `%s` (in %s)", field, file,
                         fallback, dir);
    }
  return -1;
}

int
cgroup_open_file (const char *dir, const char *file, const char *field, int *out, cl_error **err)
{
  cleanup_close int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "%s: open cgroup `%s`", field, dir);
  *out = openat (fd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (*out < 0)
    {
      if (errno == ENOENT)
        return cl_fail_as (err, ENOENT, "%s: this host's cgroup has no `%s` (in %s)", field, file, dir);
      return cl_fail (err, errno, "%s: open `%s/%s`", field, dir, file);
    }
  return 0;
}

int
cgroup_write_fd (int fd, const char *dir, const char *file, const char *field, const char *value, cl_error **err)
{
  if (write_all (fd, value, strlen (value)) < 0)
    return cl_fail (err, errno, "%s: write `%s` to `%s/%s`", field, value, dir, file);
  return 0;
}

int
cgroup_write (const char *dir, const char *file, const char *field, const char *value, cl_error **err)
{
  cleanup_close int f = -1;
  if (cgroup_open_file (dir, file, field, &f, err) < 0)
    return -1;
  return cgroup_write_fd (f, dir, file, field, value, err);
}

uint64_t
cgroup_cpu_weight_from_shares (uint64_t shares)
{
  double l;
  if (shares == 0)
    return 0;
  if (shares <= 2)
    return 1;
  if (shares >= 262144)
    return 10000;
  /* log10 of the weight is quadratic in log2 of the shares: the old linear
   * map gave the default share (1024) a weight of 39, not 100. */
  l = log2 ((double) shares);
  return (uint64_t) ceil (pow (10.0, (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0));
}

char *
cgroup_rdma_value (const struct oci_rdma_limit *l)
{
  char handles[48] = "", objects[48] = "";
  if (l->hca_handles.set)
    snprintf (handles, sizeof handles, " hca_handle=%llu", (unsigned long long) l->hca_handles.v);
  if (l->hca_objects.set)
    snprintf (objects, sizeof objects, " hca_object=%llu", (unsigned long long) l->hca_objects.v);
  return xasprintf ("%s%s%s", l->device, handles, objects);
}

void
cgroup_forget (struct cgroup *cg)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      free (cg->controllers[i]);
      free (cg->dirs[i]);
    }
  cg->n_dirs = 0;
}

const char *
cgroup_v1_dir (const struct cgroup *cg, const char *controller)
{
  size_t len = strlen (controller);
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      const char *c = cg->controllers[i];
      while ((c = strstr (c, controller)))
        {
          if ((c == cg->controllers[i] || c[-1] == ',') && (c[len] == ',' || c[len] == '\0'))
            return cg->dirs[i];
          c += len;
        }
    }
  return NULL;
}

/* The directory where `controller`'s files live ("" = v2's only one). */
static const char *
dir_for (const struct cgroup *cg, const char *controller)
{
  if (cg->layout == CGROUP_UNIFIED)
    return cg->n_dirs ? cg->dirs[0] : NULL;
  return cgroup_v1_dir (cg, controller);
}

int
cgroup_read (const struct cgroup *cg, const char *controller, const char *file, char **out, cl_error **err)
{
  const char *dir = dir_for (cg, controller);
  cleanup_close int fd = -1;
  if (dir == NULL)
    return cl_fail (err, ENOENT, "no %s cgroup controller", controller);
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "open cgroup `%s`", dir);
  return read_file_at (fd, file, 1 << 20, out, NULL, err);
}

/* A v2 memory counter of the container's cgroup; 0 where the kernel has no
 * such file (memory.swap.current without swap accounting). */
static unsigned long long
read_counter (const struct cgroup *cg, const char *file)
{
  cleanup_free char *text = NULL;
  cleanup_error cl_error *e = NULL;
  return cgroup_read (cg, "", file, &text, &e) < 0 ? 0 : strtoull (text, NULL, 10);
}

int
cgroup_check_memory_update (const struct cgroup *cg, const struct oci_memory *m, cl_error **err)
{
  unsigned long long usage, swap_usage;

  /* v1 needs no check: its limit_in_bytes write itself fails (EBUSY) when
   * the kernel cannot reclaim below the new limit; v2 would reclaim, then
   * OOM-kill to get there. */
  if (!(m->check_before_update.set && m->check_before_update.v) || cg->layout != CGROUP_UNIFIED)
    return 0;
  if (!(m->limit.set && m->limit.v > 0) && !(m->swap.set && m->swap.v > 0))
    return 0;
  usage = read_counter (cg, "memory.current");
  if (m->limit.set && m->limit.v > 0 && usage >= (unsigned long long) m->limit.v)
    return cl_fail_as (err, EBUSY, "linux.resources.memory.limit: %lld is not above the container's usage, %llu bytes "
                                   "(memory.checkBeforeUpdate)", (long long) m->limit.v, usage);
  swap_usage = read_counter (cg, "memory.swap.current");
  if (m->swap.set && m->swap.v > 0 && usage + swap_usage >= (unsigned long long) m->swap.v)
    return cl_fail_as (err, EBUSY, "linux.resources.memory.swap: %lld is not above the container's memory and swap "
                                   "usage, %llu bytes (memory.checkBeforeUpdate)", (long long) m->swap.v, usage + swap_usage);
  return 0;
}
