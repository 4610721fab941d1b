/* crun-lite: the cgroup v1 driver (include/cgroup/cgroup_driver.h): its
 * directories, linux.resources in its hierarchies, the freezer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include "cgroup/cgroup_driver.h"
#include "cgroup/cgroup_files.h"
#include "base/utils.h"

#define R "linux.resources."

/* The hierarchy for a controller, or an error naming the field. */
static const char *
need (const struct cgroup *cg, const char *controller, const char *field, cl_error **err)
{
  const char *dir = cgroup_v1_dir (cg, controller);
  if (dir == NULL)
    cl_fail_as (err, ENOENT, "%s: the %s cgroup controller is not mounted on this host", field, controller);
  return dir;
}

static int
write_i64 (const char *dir, const char *file, const char *field, int64_t v, cl_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%lld", (long long) v);
  return cgroup_write (dir, file, field, buf, err);
}

static int
apply_memory (const struct cgroup *cg, const struct oci_memory *given, cl_error **err)
{
  struct oci_memory unlimited_swap = *given;
  const struct oci_memory *m = given;
  const char *dir;
  if (!(m->limit.set || m->reservation.set || m->swap.set || m->kernel.set || m->kernel_tcp.set
        || m->swappiness.set || m->disable_oom_killer.set))
    return 0;
  if ((dir = need (cg, "memory", R "memory", err)) == NULL)
    return -1;
  /* A memory limit lifted (-1) lifts memory+swap with it, as runc does: a
   * memsw limit left in place would make the write fail. */
  if (m->limit.set && m->limit.v == -1 && !m->swap.set)
    {
      cleanup_free char *memsw = xasprintf ("%s/memory.memsw.limit_in_bytes", dir);
      if (access (memsw, F_OK) == 0)
        {
          unlimited_swap.swap = (struct opt_i64){ true, -1 };
          m = &unlimited_swap;
        }
    }
  /* memsw (memory+swap) may never be below the memory limit: when raising
   * the limit above the current memsw, memsw goes first. */
  if (m->limit.set && m->swap.set)
    {
      if (write_i64 (dir, "memory.memsw.limit_in_bytes", R "memory.swap", m->swap.v, err) < 0)
        {
          cl_error_freep (err);
          if (write_i64 (dir, "memory.limit_in_bytes", R "memory.limit", m->limit.v, err) < 0
              || write_i64 (dir, "memory.memsw.limit_in_bytes", R "memory.swap", m->swap.v, err) < 0)
            return -1;
        }
      else if (write_i64 (dir, "memory.limit_in_bytes", R "memory.limit", m->limit.v, err) < 0)
        return -1;
    }
  else if (m->limit.set && write_i64 (dir, "memory.limit_in_bytes", R "memory.limit", m->limit.v, err) < 0)
    return -1;
  else if (m->swap.set && write_i64 (dir, "memory.memsw.limit_in_bytes", R "memory.swap", m->swap.v, err) < 0)
    return -1;
  if (m->reservation.set
      && write_i64 (dir, "memory.soft_limit_in_bytes", R "memory.reservation", m->reservation.v, err) < 0)
    return -1;
  if (m->kernel.set && write_i64 (dir, "memory.kmem.limit_in_bytes", R "memory.kernel", m->kernel.v, err) < 0)
    return -1;
  if (m->kernel_tcp.set
      && write_i64 (dir, "memory.kmem.tcp.limit_in_bytes", R "memory.kernelTCP", m->kernel_tcp.v, err) < 0)
    return -1;
  if (m->swappiness.set && m->swappiness.v <= 100
      && write_i64 (dir, "memory.swappiness", R "memory.swappiness", (int64_t) m->swappiness.v, err) < 0)
    return -1;
  if (m->disable_oom_killer.set && m->disable_oom_killer.v
      && cgroup_write (dir, "memory.oom_control", R "memory.disableOOMKiller", "1", err) < 0)
    return -1;
  return 0;
}

/* The kernel keeps runtime <= period at every write: a shorter period
 * below the old runtime is refused (EINVAL), so then the runtime goes
 * first (runc's order).  */
static int
apply_realtime (const char *dir, const struct oci_cpu *c, cl_error **err)
{
  bool period_again = false;
  if (c->realtime_period.set
      && write_i64 (dir, "cpu.rt_period_us", R "cpu.realtimePeriod", (int64_t) c->realtime_period.v, err) < 0)
    {
      if ((*err)->errnum != EINVAL || !c->realtime_runtime.set)
        return -1;
      cl_error_freep (err);
      period_again = true;
    }
  if (c->realtime_runtime.set
      && write_i64 (dir, "cpu.rt_runtime_us", R "cpu.realtimeRuntime", c->realtime_runtime.v, err) < 0)
    return -1;
  if (period_again
      && write_i64 (dir, "cpu.rt_period_us", R "cpu.realtimePeriod", (int64_t) c->realtime_period.v, err) < 0)
    return -1;
  return 0;
}

static int
apply_cpu (const struct cgroup *cg, const struct oci_cpu *c, cl_error **err)
{
  const char *dir;
  if (c->shares.set || c->quota.set || c->period.set || c->burst.set || c->realtime_runtime.set
      || c->realtime_period.set || c->idle.set)
    {
      if ((dir = need (cg, "cpu", R "cpu", err)) == NULL)
        return -1;
      bool period_again = false;
      if (c->shares.set && write_i64 (dir, "cpu.shares", R "cpu.shares", (int64_t) c->shares.v, err) < 0)
        return -1;
      /* A smaller period can be refused (EINVAL) while the old quota over
       * it would exceed the parent's limit (a pod's): with a quota coming,
       * try the period again after it (runc's order). */
      if (c->period.set && write_i64 (dir, "cpu.cfs_period_us", R "cpu.period", (int64_t) c->period.v, err) < 0)
        {
          if ((*err)->errnum != EINVAL || !c->quota.set)
            return -1;
          cl_error_freep (err);
          period_again = true;
        }
      if ((c->quota.set && write_i64 (dir, "cpu.cfs_quota_us", R "cpu.quota", c->quota.v, err) < 0)
          || (period_again
              && write_i64 (dir, "cpu.cfs_period_us", R "cpu.period", (int64_t) c->period.v, err) < 0)
          || (c->burst.set && write_i64 (dir, "cpu.cfs_burst_us", R "cpu.burst", (int64_t) c->burst.v, err) < 0)
          || apply_realtime (dir, c, err) < 0
          || (c->idle.set && write_i64 (dir, "cpu.idle", R "cpu.idle", c->idle.v, err) < 0))
        return -1;
    }
  if (c->cpus || c->mems)
    {
      if ((dir = need (cg, "cpuset", R "cpu.cpus", err)) == NULL)
        return -1;
      if ((c->cpus && *c->cpus && cgroup_write (dir, "cpuset.cpus", R "cpu.cpus", c->cpus, err) < 0)
          || (c->mems && *c->mems && cgroup_write (dir, "cpuset.mems", R "cpu.mems", c->mems, err) < 0))
        return -1;
    }
  return 0;
}

static int
apply_blockio (const struct cgroup *cg, const struct oci_blockio *b, cl_error **err)
{
  static const char *const throttle_files[4] = {
    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
  };
  static const char *const throttle_fields[4] = {
    R "blockIO.throttleReadBpsDevice", R "blockIO.throttleWriteBpsDevice",
    R "blockIO.throttleReadIOPSDevice", R "blockIO.throttleWriteIOPSDevice",
  };
  const char *dir;
  if (!b->present)
    return 0;
  if ((dir = need (cg, "blkio", R "blockIO", err)) == NULL)
    return -1;
  /* Kernels whose only proportional scheduler is BFQ (6.x) name the
   * weight files after it; runc writes whichever the kernel has. */
  if (b->weight.set)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "%llu", (unsigned long long) b->weight.v);
      if (cgroup_write_or (dir, "blkio.weight", "blkio.bfq.weight", R "blockIO.weight", buf, err) < 0)
        return -1;
    }
  if (b->leaf_weight.set
      && write_i64 (dir, "blkio.leaf_weight", R "blockIO.leafWeight", (int64_t) b->leaf_weight.v, err) < 0)
    return -1;
  for (size_t i = 0; i < b->n_weight_devices; i++)
    {
      const struct oci_weight_device *d = &b->weight_devices[i];
      char buf[64];
      if (d->weight.set)
        {
          snprintf (buf, sizeof buf, "%lld:%lld %llu", (long long) d->major, (long long) d->minor,
                    (unsigned long long) d->weight.v);
          if (cgroup_write_or (dir, "blkio.weight_device", "blkio.bfq.weight_device", R "blockIO.weightDevice", buf,
                               err) < 0)
            return -1;
        }
      if (d->leaf_weight.set)
        {
          snprintf (buf, sizeof buf, "%lld:%lld %llu", (long long) d->major, (long long) d->minor,
                    (unsigned long long) d->leaf_weight.v);
          if (cgroup_write (dir, "blkio.leaf_weight_device", R "blockIO.weightDevice", buf, err) < 0)
            return -1;
        }
    }
  for (int t = 0; t < 4; t++)
    for (size_t i = 0; i < b->n_throttle[t]; i++)
      {
        char buf[64];
        snprintf (buf, sizeof buf, "%lld:%lld %llu", (long long) b->throttle[t][i].major,
                  (long long) b->throttle[t][i].minor, (unsigned long long) b->throttle[t][i].rate);
        if (cgroup_write (dir, throttle_files[t], throttle_fields[t], buf, err) < 0)
          return -1;
      }
  return 0;
}

/* "a *:* rwm" style rules; v1 applies them in order after a full deny. */
static int
apply_devices (const struct cgroup *cg, const struct oci_resources *r, cl_error **err)
{
  const char *dir;
  cleanup_close int deny_fd = -1, allow_fd = -1;
  if (r->n_devices == 0)
    return 0;
  if ((dir = need (cg, "devices", R "devices", err)) == NULL)
    return -1;
  /* A new cgroup inherits "a *:* rwm": start from nothing, as on v2.  One
   * open of each file: the kernel takes one rule per write. */
  if (cgroup_open_file (dir, "devices.deny", R "devices", &deny_fd, err) < 0
      || cgroup_open_file (dir, "devices.allow", R "devices", &allow_fd, err) < 0
      || cgroup_write_fd (deny_fd, dir, "devices.deny", R "devices", "a", err) < 0)
    return -1;
  for (size_t i = 0; i < r->n_devices; i++)
    {
      const struct oci_device_rule *d = &r->devices[i];
      char rule[96], major[24], minor[24];
      if (d->major < 0)
        strcpy (major, "*");
      else
        snprintf (major, sizeof major, "%lld", (long long) d->major);
      if (d->minor < 0)
        strcpy (minor, "*");
      else
        snprintf (minor, sizeof minor, "%lld", (long long) d->minor);
      if (d->type == 'a')
        snprintf (rule, sizeof rule, "a");
      else
        snprintf (rule, sizeof rule, "%c %s:%s %s", d->type, major, minor, d->access && *d->access ? d->access : "rwm");
      if (cgroup_write_fd (d->allow ? allow_fd : deny_fd, dir, d->allow ? "devices.allow" : "devices.deny",
                           R "devices", rule, err) < 0)
        return cl_wrap (err, "rule %zu", i);
    }
  return 0;
}

static int
apply (const struct cgroup *cg, const struct oci_resources *r, cl_error **err)
{
  const char *dir;
  if (r->n_unified)
    return cl_fail_as (err, EINVAL, R "unified: invalid configuration: needs cgroup v2, and this host's cgroups are v1");
  if (apply_devices (cg, r, err) < 0 || apply_memory (cg, &r->memory, err) < 0 || apply_cpu (cg, &r->cpu, err) < 0
      || apply_blockio (cg, &r->blockio, err) < 0)
    return -1;
  if (r->pids_limit.set)
    {
      char buf[32];
      if ((dir = need (cg, "pids", R "pids.limit", err)) == NULL)
        return -1;
      if (r->pids_limit.v >= 0)
        snprintf (buf, sizeof buf, "%lld", (long long) pids_max_for (r->pids_limit.v));
      else
        strcpy (buf, "max");
      if (cgroup_write (dir, "pids.max", R "pids.limit", buf, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    {
      cleanup_free char *file = xasprintf ("hugetlb.%s.limit_in_bytes", r->hugepage_limits[i].page_size);
      if ((dir = need (cg, "hugetlb", R "hugepageLimits", err)) == NULL
          || write_i64 (dir, file, R "hugepageLimits", (int64_t) r->hugepage_limits[i].limit, err) < 0)
        return -1;
    }
  if (r->net_class_id.set)
    {
      if ((dir = need (cg, "net_cls", R "network.classID", err)) == NULL
          || write_i64 (dir, "net_cls.classid", R "network.classID", (int64_t) r->net_class_id.v, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < r->n_net_priorities; i++)
    {
      cleanup_free char *v = xasprintf ("%s %u", r->net_priorities[i].name, r->net_priorities[i].priority);
      if ((dir = need (cg, "net_prio", R "network.priorities", err)) == NULL
          || cgroup_write (dir, "net_prio.ifpriomap", R "network.priorities", v, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < r->n_rdma; i++)
    {
      cleanup_free char *v = cgroup_rdma_value (&r->rdma[i]);
      if ((dir = need (cg, "rdma", R "rdma", err)) == NULL || cgroup_write (dir, "rdma.max", R "rdma", v, err) < 0)
        return -1;
    }
  return 0;
}

/* A new v1 cpuset has no cpus or mems: a task could not join it.  Copy
 * each one it lacks down from the nearest configured ancestor; `values`
 * gets the directory's own (or copied) cpus and mems, for a child's copy. */
static int
cpuset_fill (const char *dir, char *values[2], cl_error **err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  cleanup_close int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char *from_parent[2] = { NULL, NULL };
  cleanup_free char *parent = xstrdup (dir);
  bool empty[2];
  int rc = 0;

  if (fd < 0)
    return cl_fail (err, errno, "open `%s`", dir);
  for (int f = 0; f < 2; f++)
    {
      if (read_file_at (fd, files[f], 4096, &values[f], NULL, err) < 0)
        return -1;
      empty[f] = values[f][strspn (values[f], " \n")] == '\0';
    }
  if (!empty[0] && !empty[1])
    return 0;
  *strrchr (parent, '/') = '\0';
  if (cpuset_fill (parent, from_parent, err) < 0)
    rc = -1;
  for (int f = 0; f < 2 && rc == 0; f++)
    if (empty[f])
      {
        if (write_file_at (fd, files[f], from_parent[f], strlen (from_parent[f]), err) < 0)
          rc = cl_wrap (err, "cgroup `%s`", dir);
        free (values[f]);
        values[f] = steal_ptr (&from_parent[f]);
      }
  free (from_parent[0]);
  free (from_parent[1]);
  return rc;
}

static int
cpuset_inherit (const char *dir, cl_error **err)
{
  char *values[2] = { NULL, NULL };
  int rc = cpuset_fill (dir, values, err);
  free (values[0]);
  free (values[1]);
  return rc;
}

static int
make_dir (struct cgroup *cg, size_t i, cl_error **err)
{
  if (cgroup_make_dirs (cg, cg->dirs[i], err) < 0)
    return -1;
  return strcmp (cg->controllers[i], "cpuset") == 0 ? cpuset_inherit (cg->dirs[i], err) : 0;
}

static int
set_frozen (const struct cgroup *cg, bool frozen, cl_error **err)
{
  const char *dir = cgroup_v1_dir (cg, "freezer");
  if (dir == NULL)
    return cl_fail (err, ENOENT, "no freezer cgroup controller on this host");
  return cgroup_write (dir, "freezer.state", "the freezer", frozen ? "FROZEN" : "THAWED", err);
}

static bool
freezer_state_is (const struct cgroup *cg, const char *a, const char *b)
{
  cleanup_free char *data = NULL;
  cleanup_error cl_error *e = NULL;
  return cgroup_v1_dir (cg, "freezer") && cgroup_read (cg, "freezer", "freezer.state", &data, &e) == 0
         && (strncmp (data, a, strlen (a)) == 0 || (b && strncmp (data, b, strlen (b)) == 0));
}

static bool
is_frozen (const struct cgroup *cg)
{
  return freezer_state_is (cg, "FROZEN", NULL);
}

static bool
freeze_requested (const struct cgroup *cg)
{
  return freezer_state_is (cg, "FROZEN", "FREEZING");
}

const struct cgroup_driver cgroup_v1_driver = {
  .name = "cgroup v1", .make_dir = make_dir, .apply = apply, .set_frozen = set_frozen,
  .is_frozen = is_frozen, .freeze_requested = freeze_requested,
};
