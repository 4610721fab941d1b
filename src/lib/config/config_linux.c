/* crun-lite: config.json's "linux" section, except resources
 * (config_resources.c). */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "config/config_internal.h"
#include "config/namespaces.h"
#include "base/utils.h"

static int
parse_namespace (struct jreader *r, yajl_val v, void *out)
{
  struct oci_namespace *ns = out;
  const struct namespace_kind *kind;
  if (jr_string (r, v, "type", true, &ns->type_name) < 0 || jr_string (r, v, "path", false, &ns->path) < 0)
    return -1;
  kind = namespace_by_oci_name (ns->type_name);
  if (kind == NULL)
    {
      jr_key (r, "type");
      return jr_fail (r, "unknown namespace type `%s`", ns->type_name);
    }
  ns->type = kind->clone_flag;
  if (ns->path && ns->path[0] != '/')
    {
      jr_key (r, "path");
      return jr_fail (r, "must be an absolute path, got `%s`", ns->path);
    }
  return 0;
}

static int
parse_device (struct jreader *r, yajl_val v, void *out)
{
  struct oci_device *d = out;
  cleanup_free char *type = NULL;
  if (jr_string (r, v, "path", true, &d->path) < 0
      || jr_string (r, v, "type", true, &type) < 0
      || jr_opt_u64 (r, v, "fileMode", &d->file_mode) < 0
      || jr_opt_u64 (r, v, "uid", &d->uid) < 0
      || jr_opt_u64 (r, v, "gid", &d->gid) < 0)
    return -1;
  if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
    {
      jr_key (r, "type");
      return jr_fail (r, "expected one of c, b, u or p, got `%s`", type);
    }
  d->type = type[0];
  if (d->type != 'p'
      && (jr_i64 (r, v, "major", true, &d->major) < 0 || jr_i64 (r, v, "minor", true, &d->minor) < 0))
    return -1;
  if (d->path[0] != '/')
    {
      jr_key (r, "path");
      return jr_fail (r, "must be an absolute path, got `%s`", d->path);
    }
  /* "/dev/foo/" is the node /dev/foo, as runc cleans the path. */
  for (size_t n = strlen (d->path); n > 1 && d->path[n - 1] == '/'; n--)
    d->path[n - 1] = '\0';
  return 0;
}

static int
parse_seccomp_arg (struct jreader *r, yajl_val v, void *out)
{
  struct oci_seccomp_arg *a = out;
  if (jr_u32 (r, v, "index", true, &a->index) < 0
      || jr_u64 (r, v, "value", true, &a->value) < 0
      || jr_u64 (r, v, "valueTwo", false, &a->value_two) < 0
      || jr_string (r, v, "op", true, &a->op) < 0)
    return -1;
  return 0;
}

static int
parse_seccomp_syscall (struct jreader *r, yajl_val v, void *out)
{
  struct oci_seccomp_syscall *s = out;
  if (jr_strv (r, v, "names", &s->names) < 0
      || jr_string (r, v, "action", true, &s->action) < 0
      || jr_opt_u64 (r, v, "errnoRet", &s->errno_ret) < 0
      || jr_object_array (r, v, "args", sizeof *s->args, parse_seccomp_arg, &s->args, &s->n_args) < 0)
    return -1;
  if (s->names == NULL)
    {
      jr_key (r, "names");
      return jr_fail (r, "missing required field");
    }
  return 0;
}

static int
parse_seccomp (struct jreader *r, yajl_val v, struct oci_seccomp *s)
{
  if (jr_string (r, v, "defaultAction", true, &s->default_action) < 0
      || jr_opt_u64 (r, v, "defaultErrnoRet", &s->default_errno_ret) < 0
      || jr_strv (r, v, "architectures", &s->architectures) < 0
      || jr_strv (r, v, "flags", &s->flags) < 0
      || jr_string (r, v, "listenerPath", false, &s->listener_path) < 0
      || jr_string (r, v, "listenerMetadata", false, &s->listener_metadata) < 0
      || jr_object_array (r, v, "syscalls", sizeof *s->syscalls, parse_seccomp_syscall, &s->syscalls,
                          &s->n_syscalls) < 0)
    return -1;
  return 0;
}

static int
check_namespaces (struct jreader *r, struct oci_linux *l)
{
  for (size_t i = 0; i < l->n_namespaces; i++)
    for (size_t j = i + 1; j < l->n_namespaces; j++)
      if (l->namespaces[i].type == l->namespaces[j].type)
        {
          size_t mark = jr_key (r, "namespaces");
          jr_index (r, j);
          jr_fail (r, "namespace `%s` listed twice", l->namespaces[j].type_name);
          jr_pop (r, mark);
          return -1;
        }
  return 0;
}

/* linux.netDevices: {"eth1": {"name": "ctr1"}, "dummy0": {}} */
static int
parse_net_devices (struct jreader *r, yajl_val linux_obj, struct oci_linux *l)
{
  yajl_val v;
  size_t mark;
  if (jr_object (r, linux_obj, "netDevices", &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  mark = jr_key (r, "netDevices");
  l->net_devices = xzalloc ((v->u.object.len + 1) * sizeof *l->net_devices);
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      yajl_val dev = v->u.object.values[i];
      struct oci_kv *kv;
      char *name = NULL;
      size_t entry;
      if (jr_key_shadowed (v, i))
        continue;
      entry = jr_key (r, v->u.object.keys[i]);
      if (!YAJL_IS_OBJECT (dev))
        return jr_fail (r, "expected an object");
      if (jr_string (r, dev, "name", false, &name) < 0)
        return -1;
      kv = &l->net_devices[l->n_net_devices++];
      kv->key = xstrdup (v->u.object.keys[i]);
      kv->value = name && *name ? name : xstrdup (kv->key);
      if (kv->value != name)
        free (name);
      jr_pop (r, entry);
    }
  jr_pop (r, mark);
  return 0;
}

/* linux.timeOffsets: {"monotonic": {"secs": S, "nanosecs": N}, "boottime": ...};
 * the only clocks a time namespace offsets. */
static int
parse_time_offsets (struct jreader *r, yajl_val v, struct oci_linux *l)
{
  yajl_val offsets, clock;
  size_t mark;
  if (jr_object (r, v, "timeOffsets", &offsets) < 0)
    return -1;
  if (offsets == NULL)
    return 0;
  l->has_time_offsets = true;
  mark = jr_key (r, "timeOffsets");
  for (size_t i = 0; i < offsets->u.object.len; i++)
    {
      const char *name = offsets->u.object.keys[i];
      struct oci_time_offset *o = strcmp (name, "monotonic") == 0  ? &l->time_monotonic
                                  : strcmp (name, "boottime") == 0 ? &l->time_boottime
                                                                   : NULL;
      size_t cmark;
      if (o == NULL)
        {
          jr_key (r, name);
          return jr_fail (r, "unknown clock (a time namespace offsets `monotonic` and `boottime`)");
        }
      if (jr_object (r, offsets, name, &clock) < 0)
        return -1;
      if (clock == NULL)
        continue;
      cmark = jr_key (r, name);
      if (jr_i64 (r, clock, "secs", false, &o->secs) < 0 || jr_u32 (r, clock, "nanosecs", false, &o->nanosecs) < 0)
        return -1;
      if (o->nanosecs >= 1000000000u)
        {
          jr_key (r, "nanosecs");
          return jr_fail (r, "must be below 1000000000");
        }
      o->set = true;
      jr_pop (r, cmark);
    }
  jr_pop (r, mark);
  return 0;
}

/* kernel.hostname in a UTS namespace of the container's own would fight
 * its "hostname" field: refused, as runc does.  kernel.domainname is
 * accepted there, as runc and crun do, unless "domainname" is given too
 * (container/validate.c).  Joining another's UTS namespace, both are
 * settings of that namespace. */
static int
check_uts_sysctl (struct jreader *r, const struct oci_linux *l)
{
  bool own_uts = false;
  for (size_t i = 0; i < l->n_namespaces; i++)
    own_uts |= l->namespaces[i].type == CLONE_NEWUTS && (l->namespaces[i].path == NULL || *l->namespaces[i].path == '\0');
  for (size_t i = 0; own_uts && i < l->n_sysctl; i++)
    if (strcmp (l->sysctl[i].key, "kernel.hostname") == 0)
      {
        size_t mark = jr_key (r, "sysctl");
        jr_fail (r, "kernel.hostname: conflicts with the container's own UTS namespace (set \"hostname\" instead)");
        jr_pop (r, mark);
        return -1;
      }
  return 0;
}

int
config_parse_linux (struct jreader *r, yajl_val v, struct oci_linux *l)
{
  yajl_val sub;
  size_t mark;

  if (jr_object_array (r, v, "namespaces", sizeof *l->namespaces, parse_namespace, &l->namespaces,
                       &l->n_namespaces) < 0
      || check_namespaces (r, l) < 0
      || jr_object_array (r, v, "uidMappings", sizeof *l->uid_mappings, config_parse_id_mapping,
                          &l->uid_mappings, &l->n_uid_mappings) < 0
      || jr_object_array (r, v, "gidMappings", sizeof *l->gid_mappings, config_parse_id_mapping,
                          &l->gid_mappings, &l->n_gid_mappings) < 0
      || jr_object_array (r, v, "devices", sizeof *l->devices, parse_device, &l->devices, &l->n_devices) < 0
      || jr_string (r, v, "cgroupsPath", false, &l->cgroups_path) < 0
      || jr_kv_map (r, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0
      || jr_string (r, v, "rootfsPropagation", false, &l->rootfs_propagation) < 0
      || jr_strv (r, v, "maskedPaths", &l->masked_paths) < 0
      || jr_strv (r, v, "readonlyPaths", &l->readonly_paths) < 0
      || jr_string (r, v, "mountLabel", false, &l->mount_label) < 0
      || check_uts_sysctl (r, l) < 0)
    return -1;

  if (jr_object (r, v, "resources", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "resources");
      if (config_parse_resources (r, sub, &l->resources) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "seccomp", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "seccomp");
      l->seccomp = xzalloc (sizeof *l->seccomp);
      if (parse_seccomp (r, sub, l->seccomp) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "personality", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "personality");
      if (jr_string (r, sub, "domain", true, &l->personality_domain) < 0
          || jr_strv (r, sub, "flags", &l->personality_flags) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "intelRdt", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "intelRdt");
      l->has_intel_rdt = true;
      if (jr_string (r, sub, "closID", false, &l->intel_rdt_clos_id) < 0)
        return -1;
      jr_pop (r, mark);
      l->intel_rdt_has_schemata = jr_get (sub, "l3CacheSchema") || jr_get (sub, "memBwSchema") || jr_get (sub, "schemata");
    }
  if (parse_time_offsets (r, v, l) < 0)
    return -1;
  if (jr_object (r, v, "memoryPolicy", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "memoryPolicy");
      l->memory_policy.set = true;
      if (jr_string (r, sub, "mode", true, &l->memory_policy.mode) < 0
          || jr_string (r, sub, "nodes", false, &l->memory_policy.nodes) < 0
          || jr_strv (r, sub, "flags", &l->memory_policy.flags) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (parse_net_devices (r, v, l) < 0)
    return -1;
  if (l->rootfs_propagation && strcmp (l->rootfs_propagation, "") != 0)
    {
      static const char *const valid[] = { "private", "rprivate", "slave", "rslave", "shared", "rshared",
                                           "unbindable", "runbindable" };
      size_t i;
      for (i = 0; i < sizeof valid / sizeof valid[0]; i++)
        if (strcmp (valid[i], l->rootfs_propagation) == 0)
          break;
      if (i == sizeof valid / sizeof valid[0])
        {
          jr_key (r, "rootfsPropagation");
          return jr_fail (r, "unknown propagation `%s`", l->rootfs_propagation);
        }
    }
  return 0;
}
