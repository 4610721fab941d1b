/* crun-lite: config.json's "linux.resources" (cgroup limits). */
#include <stdlib.h>
#include <string.h>
#include "config/config_internal.h"
#include "base/utils.h"

static int
parse_device_rule (struct jreader *r, yajl_val v, void *out)
{
  struct oci_device_rule *d = out;
  cleanup_free char *type = NULL;
  d->major = d->minor = -1; /* absent means any */
  d->type = 'a';
  if (jr_bool (r, v, "allow", &d->allow) < 0
      || jr_string (r, v, "type", false, &type) < 0
      || jr_i64 (r, v, "major", false, &d->major) < 0
      || jr_i64 (r, v, "minor", false, &d->minor) < 0
      || jr_string (r, v, "access", false, &d->access) < 0)
    return -1;
  if (jr_get (v, "allow") == NULL)
    {
      jr_key (r, "allow");
      return jr_fail (r, "missing required field");
    }
  if (type)
    {
      if (strlen (type) != 1 || strchr ("acb", type[0]) == NULL)
        {
          jr_key (r, "type");
          return jr_fail (r, "expected one of a, c or b, got `%s`", type);
        }
      d->type = type[0];
    }
  /* runc keeps the r, w and m it finds and ignores other letters ("rwa" is
   * "rw"): engines' configs rely on it.  Nothing usable at all is refused. */
  if (d->access && *d->access)
    {
      char kept[4] = "";
      size_t k = 0;
      for (const char *c = d->access; *c; c++)
        if (strchr ("rwm", *c) && memchr (kept, *c, k) == NULL && k < 3)
          kept[k++] = *c;
      if (k == 0)
        {
          jr_key (r, "access");
          return jr_fail (r, "expected a combination of r, w and m, got `%s`", d->access);
        }
      kept[k] = '\0';
      strcpy (d->access, kept);
    }
  return 0;
}

static int
parse_weight_device (struct jreader *r, yajl_val v, void *out)
{
  struct oci_weight_device *d = out;
  if (jr_i64 (r, v, "major", true, &d->major) < 0 || jr_i64 (r, v, "minor", true, &d->minor) < 0
      || jr_opt_u64 (r, v, "weight", &d->weight) < 0 || jr_opt_u64 (r, v, "leafWeight", &d->leaf_weight) < 0)
    return -1;
  return 0;
}

static int
parse_throttle_device (struct jreader *r, yajl_val v, void *out)
{
  struct oci_throttle_device *d = out;
  if (jr_i64 (r, v, "major", true, &d->major) < 0 || jr_i64 (r, v, "minor", true, &d->minor) < 0
      || jr_u64 (r, v, "rate", true, &d->rate) < 0)
    return -1;
  return 0;
}

static int
parse_hugepage_limit (struct jreader *r, yajl_val v, void *out)
{
  struct oci_hugepage_limit *h = out;
  if (jr_string (r, v, "pageSize", true, &h->page_size) < 0 || jr_u64 (r, v, "limit", true, &h->limit) < 0)
    return -1;
  return 0;
}

static int
parse_net_priority (struct jreader *r, yajl_val v, void *out)
{
  struct oci_net_priority *p = out;
  if (jr_string (r, v, "name", true, &p->name) < 0 || jr_u32 (r, v, "priority", true, &p->priority) < 0)
    return -1;
  return 0;
}

static int
parse_network (struct jreader *r, yajl_val v, struct oci_resources *res)
{
  if (jr_opt_u64 (r, v, "classID", &res->net_class_id) < 0
      || jr_object_array (r, v, "priorities", sizeof *res->net_priorities, parse_net_priority,
                          &res->net_priorities, &res->n_net_priorities) < 0)
    return -1;
  return 0;
}

static int
parse_memory (struct jreader *r, yajl_val v, struct oci_memory *m)
{
  m->present = true;
  if (jr_opt_i64 (r, v, "limit", &m->limit) < 0 || jr_opt_i64 (r, v, "reservation", &m->reservation) < 0
      || jr_opt_i64 (r, v, "swap", &m->swap) < 0 || jr_opt_i64 (r, v, "kernel", &m->kernel) < 0
      || jr_opt_i64 (r, v, "kernelTCP", &m->kernel_tcp) < 0 || jr_opt_u64 (r, v, "swappiness", &m->swappiness) < 0
      || jr_opt_bool (r, v, "disableOOMKiller", &m->disable_oom_killer) < 0
      || jr_opt_bool (r, v, "useHierarchy", &m->use_hierarchy) < 0
      || jr_opt_bool (r, v, "checkBeforeUpdate", &m->check_before_update) < 0)
    return -1;
  return 0;
}

static int
parse_cpu (struct jreader *r, yajl_val v, struct oci_cpu *c)
{
  c->present = true;
  if (jr_opt_u64 (r, v, "shares", &c->shares) < 0 || jr_opt_i64 (r, v, "quota", &c->quota) < 0
      || jr_opt_u64 (r, v, "burst", &c->burst) < 0 || jr_opt_u64 (r, v, "period", &c->period) < 0
      || jr_opt_i64 (r, v, "realtimeRuntime", &c->realtime_runtime) < 0
      || jr_opt_u64 (r, v, "realtimePeriod", &c->realtime_period) < 0
      || jr_string (r, v, "cpus", false, &c->cpus) < 0 || jr_string (r, v, "mems", false, &c->mems) < 0
      || jr_opt_i64 (r, v, "idle", &c->idle) < 0)
    return -1;
  return 0;
}

static int
parse_blockio (struct jreader *r, yajl_val v, struct oci_blockio *b)
{
  static const char *const throttle_keys[4] = {
    "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice",
  };
  b->present = true;
  if (jr_opt_u64 (r, v, "weight", &b->weight) < 0 || jr_opt_u64 (r, v, "leafWeight", &b->leaf_weight) < 0
      || jr_object_array (r, v, "weightDevice", sizeof *b->weight_devices, parse_weight_device,
                          &b->weight_devices, &b->n_weight_devices) < 0)
    return -1;
  for (int i = 0; i < 4; i++)
    if (jr_object_array (r, v, throttle_keys[i], sizeof (struct oci_throttle_device), parse_throttle_device,
                         &b->throttle[i], &b->n_throttle[i]) < 0)
      return -1;
  return 0;
}

static int
parse_rdma (struct jreader *r, yajl_val v, struct oci_resources *res)
{
  yajl_val rdma;
  size_t mark;
  if (jr_object (r, v, "rdma", &rdma) < 0)
    return -1;
  if (rdma == NULL)
    return 0;
  mark = jr_key (r, "rdma");
  res->rdma = xzalloc ((rdma->u.object.len + 1) * sizeof *res->rdma);
  res->n_rdma = 0;
  for (size_t i = 0; i < rdma->u.object.len; i++)
    {
      size_t imark;
      yajl_val dev = rdma->u.object.values[i];
      struct oci_rdma_limit *l = &res->rdma[res->n_rdma];
      if (jr_key_shadowed (rdma, i))
        continue;
      imark = jr_key (r, rdma->u.object.keys[i]);
      l->device = xstrdup (rdma->u.object.keys[i]);
      res->n_rdma++;
      if (!YAJL_IS_OBJECT (dev))
        return jr_fail (r, "expected an object");
      if (jr_opt_u64 (r, dev, "hcaHandles", &l->hca_handles) < 0 || jr_opt_u64 (r, dev, "hcaObjects", &l->hca_objects) < 0)
        return -1;
      jr_pop (r, imark);
    }
  jr_pop (r, mark);
  return 0;
}

/* Parse an optional sub-object with `fn`. */
#define SUBOBJECT(key, call)                                                                                  \
  do                                                                                                         \
    {                                                                                                        \
      yajl_val sub_;                                                                                         \
      size_t mark_;                                                                                          \
      if (jr_object (r, v, key, &sub_) < 0)                                                                  \
        return -1;                                                                                           \
      if (sub_)                                                                                              \
        {                                                                                                    \
          yajl_val v = sub_;                                                                                 \
          mark_ = jr_key (r, key);                                                                           \
          if ((call) < 0)                                                                                    \
            return -1;                                                                                       \
          jr_pop (r, mark_);                                                                                 \
        }                                                                                                    \
    }                                                                                                        \
  while (0)

#define ZERO_IS_UNSET(opt)                                                                                    \
  do                                                                                                         \
    if ((opt).set && (opt).v == 0)                                                                           \
      (opt).set = false;                                                                                     \
  while (0)

void
config_resources_zero_is_unset (struct oci_resources *res)
{
  struct oci_memory *m = &res->memory;
  struct oci_cpu *c = &res->cpu;
  struct oci_blockio *b = &res->blockio;

  ZERO_IS_UNSET (m->limit);
  ZERO_IS_UNSET (m->reservation);
  ZERO_IS_UNSET (m->swap);
  ZERO_IS_UNSET (m->kernel);
  ZERO_IS_UNSET (m->kernel_tcp);
  ZERO_IS_UNSET (c->shares);
  ZERO_IS_UNSET (c->quota);
  ZERO_IS_UNSET (c->period);
  ZERO_IS_UNSET (c->realtime_runtime);
  ZERO_IS_UNSET (c->realtime_period);
  ZERO_IS_UNSET (b->weight);
  ZERO_IS_UNSET (b->leaf_weight);
  for (size_t i = 0; i < b->n_weight_devices; i++)
    {
      ZERO_IS_UNSET (b->weight_devices[i].weight);
      ZERO_IS_UNSET (b->weight_devices[i].leaf_weight);
    }
  ZERO_IS_UNSET (res->net_class_id);
  if (c->cpus && *c->cpus == '\0')
    {
      free (c->cpus);
      c->cpus = NULL;
    }
  if (c->mems && *c->mems == '\0')
    {
      free (c->mems);
      c->mems = NULL;
    }
}

int
config_parse_resources (struct jreader *r, yajl_val v, struct oci_resources *res)
{
  res->present = true;
  if (jr_object_array (r, v, "devices", sizeof *res->devices, parse_device_rule, &res->devices,
                       &res->n_devices) < 0
      || jr_object_array (r, v, "hugepageLimits", sizeof *res->hugepage_limits, parse_hugepage_limit,
                          &res->hugepage_limits, &res->n_hugepage_limits) < 0
      || jr_kv_map (r, v, "unified", &res->unified, &res->n_unified) < 0
      || parse_rdma (r, v, res) < 0)
    return -1;
  SUBOBJECT ("memory", parse_memory (r, v, &res->memory));
  SUBOBJECT ("cpu", parse_cpu (r, v, &res->cpu));
  SUBOBJECT ("pids", jr_opt_i64 (r, v, "limit", &res->pids_limit));
  SUBOBJECT ("blockIO", parse_blockio (r, v, &res->blockio));
  SUBOBJECT ("network", parse_network (r, v, res));
  config_resources_zero_is_unset (res);
  return 0;
}

void
config_resources_release (struct oci_resources *res)
{
  for (size_t i = 0; i < res->n_devices; i++)
    free (res->devices[i].access);
  free (res->devices);
  free (res->cpu.cpus);
  free (res->cpu.mems);
  free (res->blockio.weight_devices);
  for (int i = 0; i < 4; i++)
    free (res->blockio.throttle[i]);
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    free (res->hugepage_limits[i].page_size);
  free (res->hugepage_limits);
  for (size_t i = 0; i < res->n_net_priorities; i++)
    free (res->net_priorities[i].name);
  free (res->net_priorities);
  for (size_t i = 0; i < res->n_rdma; i++)
    free (res->rdma[i].device);
  free (res->rdma);
  for (size_t i = 0; i < res->n_unified; i++)
    {
      free (res->unified[i].key);
      free (res->unified[i].value);
    }
  free (res->unified);
}
