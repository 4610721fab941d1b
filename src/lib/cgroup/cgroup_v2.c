/* crun-lite: the cgroup v2 driver (include/cgroup/cgroup_driver.h): its
 * directories with their controllers enabled, linux.resources (v1-style
 * values converted the way crun documents it), cgroup.freeze. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cgroup/cgroup_devices_bpf.h"
#include "cgroup/cgroup_driver.h"
#include "cgroup/cgroup_files.h"
#include "base/utils.h"

#define R "linux.resources."

static int
enable_controllers (const char *dir, cl_error **err)
{
  cleanup_free char *copy = xstrdup (dir);
  /* From the root down to dir: each level must delegate to the next. */
  for (char *p = copy + strlen ("/sys/fs/cgroup");; p++)
    {
      bool end = *p == '\0';
      cleanup_free char *available = NULL;
      cleanup_close int fd = -1;
      if (*p != '/' && !end)
        continue;
      *p = '\0';
      fd = open (*copy ? copy : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        return cl_fail (err, errno, "open cgroup `%s`", copy);
      if (read_file_at (fd, "cgroup.controllers", 4096, &available, NULL, err) < 0)
        return cl_wrap (err, "cgroup `%s`", copy);
      for (char *save = NULL, *c = strtok_r (available, " \n", &save); c; c = strtok_r (NULL, " \n", &save))
        {
          cleanup_free char *op = xasprintf ("+%s", c);
          cleanup_error cl_error *e = NULL;
          /* One at a time: a controller the kernel refuses here (threaded
           * cpu, a busy parent) must not take the others down with it. */
          write_file_at (fd, "cgroup.subtree_control", op, strlen (op), &e);
        }
      if (end)
        return 0;
      *p = '/';
    }
}

static int
write_num (const char *dir, const char *file, const char *field, long long v, cl_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%lld", v);
  return cgroup_write (dir, file, field, buf, err);
}

static int
write_max (const char *dir, const char *file, const char *field, int64_t v, cl_error **err)
{
  if (v < 0)
    return cgroup_write (dir, file, field, "max", err);
  return write_num (dir, file, field, v, err);
}

static int
apply_memory (const char *dir, const struct oci_memory *m, cl_error **err)
{
  if (m->limit.set && write_max (dir, "memory.max", R "memory.limit", m->limit.v, err) < 0)
    return -1;
  if (m->reservation.set && write_max (dir, "memory.low", R "memory.reservation", m->reservation.v, err) < 0)
    return -1;
  if (m->swap.set)
    {
      /* v1's swap is memory+swap; v2's memory.swap.max is swap alone. */
      int64_t swap = m->swap.v;
      if (swap >= 0 && m->limit.set && m->limit.v >= 0)
        {
          if (swap < m->limit.v)
            return cl_fail_as (err, EINVAL, R "memory.swap: %lld is below memory.limit %lld", (long long) swap,
                               (long long) m->limit.v);
          swap -= m->limit.v;
        }
      if (write_max (dir, "memory.swap.max", R "memory.swap", swap, err) < 0)
        return -1;
    }
  if (m->swappiness.set && m->swappiness.v <= 100)
    return cl_fail_as (err, EINVAL, R "memory.swappiness: cgroup v2 has no per-cgroup swappiness");
  if (m->disable_oom_killer.set && m->disable_oom_killer.v)
    return cl_fail_as (err, EINVAL, R "memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
  if (m->kernel.set || m->kernel_tcp.set)
    return cl_fail_as (err, EINVAL, R "memory.kernel: cgroup v2 has no separate kernel memory limit");
  return 0;
}

static int
apply_cpu (const char *dir, const struct oci_cpu *c, cl_error **err)
{
  if (c->shares.set && c->shares.v)
    {
      if (write_num (dir, "cpu.weight", R "cpu.shares", (long long) cgroup_cpu_weight_from_shares (c->shares.v), err) < 0)
        return -1;
    }
  if (c->quota.set || c->period.set)
    {
      char buf[64];
      unsigned long long period = c->period.set && c->period.v ? c->period.v : 100000;
      if (c->quota.set && c->quota.v > 0)
        snprintf (buf, sizeof buf, "%lld %llu", (long long) c->quota.v, period);
      else
        snprintf (buf, sizeof buf, "max %llu", period);
      if (cgroup_write (dir, "cpu.max", R "cpu.quota", buf, err) < 0)
        return -1;
    }
  if (c->burst.set && write_num (dir, "cpu.max.burst", R "cpu.burst", (long long) c->burst.v, err) < 0)
    return -1;
  if (c->idle.set && write_num (dir, "cpu.idle", R "cpu.idle", (long long) c->idle.v, err) < 0)
    return -1;
  if (c->realtime_runtime.set || c->realtime_period.set)
    return cl_fail_as (err, EINVAL, R "cpu.realtimeRuntime: cgroup v2 has no realtime CPU controller");
  if ((c->cpus && *c->cpus && cgroup_write (dir, "cpuset.cpus", R "cpu.cpus", c->cpus, err) < 0)
      || (c->mems && *c->mems && cgroup_write (dir, "cpuset.mems", R "cpu.mems", c->mems, err) < 0))
    return -1;
  return 0;
}

static int
apply_io (const char *dir, const struct oci_blockio *b, cl_error **err)
{
  static const char *const keys[4] = { "rbps", "wbps", "riops", "wiops" };
  if (!b->present)
    return 0;
  if (b->weight.set && b->weight.v)
    {
      /* blkio [10, 1000] onto io [1, 10000]; BFQ's own file takes blkio's scale. */
      unsigned long long w = b->weight.v < 10 ? 10 : b->weight.v > 1000 ? 1000 : b->weight.v;
      cleanup_error cl_error *io_err = NULL;
      char buf[32];
      if (write_num (dir, "io.weight", R "blockIO.weight", (long long) (1 + (w - 10) * 9999 / 990), &io_err) < 0)
        {
          if (io_err->errnum != ENOENT)
            {
              *err = steal_ptr (&io_err);
              return -1;
            }
          snprintf (buf, sizeof buf, "%llu", (unsigned long long) w);
          if (cgroup_write (dir, "io.bfq.weight", R "blockIO.weight", buf, err) < 0)
            return cl_wrap (err, "neither io.weight nor io.bfq.weight");
        }
    }
  for (size_t i = 0; i < b->n_weight_devices; i++)
    if (b->weight_devices[i].weight.set)
      {
        char buf[64];
        snprintf (buf, sizeof buf, "%lld:%lld %llu", (long long) b->weight_devices[i].major,
                  (long long) b->weight_devices[i].minor, (unsigned long long) b->weight_devices[i].weight.v);
        if (cgroup_write (dir, "io.weight", R "blockIO.weightDevice", buf, err) < 0)
          return -1;
      }
  for (int t = 0; t < 4; t++)
    for (size_t i = 0; i < b->n_throttle[t]; i++)
      {
        char buf[96];
        snprintf (buf, sizeof buf, "%lld:%lld %s=%llu", (long long) b->throttle[t][i].major,
                  (long long) b->throttle[t][i].minor, keys[t], (unsigned long long) b->throttle[t][i].rate);
        if (cgroup_write (dir, "io.max", R "blockIO.throttle", buf, err) < 0)
          return -1;
      }
  return 0;
}

static int
apply_unified (const char *dir, const struct oci_resources *r, cl_error **err)
{
  for (size_t i = 0; i < r->n_unified; i++)
    {
      const char *key = r->unified[i].key;
      cleanup_free char *field = xasprintf (R "unified.%s", key);
      if (strchr (key, '/') || strcmp (key, "..") == 0 || *key == '.' || *key == '\0')
        return cl_fail_as (err, EINVAL, "%s: not a cgroup file name", field);
      if (cgroup_write (dir, key, field, r->unified[i].value, err) < 0)
        return -1;
    }
  return 0;
}

static int
apply (const struct cgroup *cg, const struct oci_resources *r, cl_error **err)
{
  const char *dir = cg->dirs[0];
  if (r->n_devices && cgroup_v2_apply_devices (dir, r->devices, r->n_devices, err) < 0)
    return -1;
  if (apply_memory (dir, &r->memory, err) < 0 || apply_cpu (dir, &r->cpu, err) < 0 || apply_io (dir, &r->blockio, err) < 0)
    return -1;
  if (r->pids_limit.set && write_max (dir, "pids.max", R "pids.limit", pids_max_for (r->pids_limit.v), err) < 0)
    return -1;
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    {
      cleanup_free char *file = xasprintf ("hugetlb.%s.max", r->hugepage_limits[i].page_size);
      if (write_num (dir, file, R "hugepageLimits", (long long) r->hugepage_limits[i].limit, err) < 0)
        return -1;
    }
  if (r->net_class_id.set || r->n_net_priorities)
    return cl_fail_as (err, EINVAL, R "network: classID and priorities are cgroup v1 controllers, absent on v2");
  for (size_t i = 0; i < r->n_rdma; i++)
    {
      cleanup_free char *v = cgroup_rdma_value (&r->rdma[i]);
      if (cgroup_write (dir, "rdma.max", R "rdma", v, err) < 0)
        return -1;
    }
  return apply_unified (dir, r, err);
}

/* Enable the controllers on the way down, then make the leaf. */
static int
make_dir (struct cgroup *cg, size_t i, cl_error **err)
{
  cleanup_free char *parent = xstrdup (cg->dirs[i]);
  *strrchr (parent, '/') = '\0';
  if (cgroup_make_dirs (cg, parent, err) < 0 || enable_controllers (parent, err) < 0)
    return -1;
  return cgroup_make_dirs (cg, cg->dirs[i], err);
}

static int
set_frozen (const struct cgroup *cg, bool frozen, cl_error **err)
{
  if (cg->n_dirs == 0)
    return cl_fail (err, ENOENT, "the container has no cgroup");
  return cgroup_write (cg->dirs[0], "cgroup.freeze", "the freezer", frozen ? "1" : "0", err);
}

static bool
is_frozen (const struct cgroup *cg)
{
  cleanup_free char *data = NULL;
  cleanup_error cl_error *e = NULL;
  return cgroup_read (cg, "", "cgroup.events", &data, &e) == 0 && strstr (data, "frozen 1") != NULL;
}

static bool
freeze_requested (const struct cgroup *cg)
{
  cleanup_free char *data = NULL;
  cleanup_error cl_error *e = NULL;
  return cg->n_dirs && cgroup_read (cg, "", "cgroup.freeze", &data, &e) == 0 && data[0] == '1';
}

const struct cgroup_driver cgroup_v2_driver = {
  .name = "cgroup v2", .make_dir = make_dir, .apply = apply, .set_frozen = set_frozen,
  .is_frozen = is_frozen, .freeze_requested = freeze_requested,
};
