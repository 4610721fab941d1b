/* crun-lite: the systemd cgroup driver (--systemd-cgroup).  The container's
 * cgroup is a transient scope unit that systemd makes through its D-Bus API
 * (StartTransientUnit), with the container's init as its only pid and
 * Delegate=yes; the main limits are also given to systemd as unit
 * properties, so that systemd never writes its own values over them.
 * Everything else of linux.resources is then written through cgroupfs into
 * the scope's directories, as with the cgroupfs driver.  The D-Bus client
 * is the project's own (include/cgroup/dbus.h).  See include/cgroup/cgroup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgroup/cgroup_files.h"
#include "cgroup/cgroup_systemd.h"
#include "cgroup/dbus.h"
#include "base/utils.h"

#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define DBUS_PROPERTIES "org.freedesktop.DBus.Properties"

static void
connp (struct dbus_conn *c)
{
  dbus_close (c);
}
static void
msgp (struct dbus_msg *m)
{
  dbus_msg_free (m);
}
static void
writerp (struct dbus_writer *w)
{
  dbus_writer_free (w);
}
#define cleanup_conn __attribute__ ((cleanup (connp)))
#define cleanup_msg __attribute__ ((cleanup (msgp)))
#define cleanup_writer __attribute__ ((cleanup (writerp)))

/* The manager of the system (root) or of the calling user (rootless). */
static int
open_manager (bool user, struct dbus_conn *c, cl_error **err)
{
  *c = (struct dbus_conn){ .fd = -1 };
  if (access ("/run/systemd/system", F_OK) < 0)
    return cl_fail_as (err, ENOTSUP, "--systemd-cgroup: systemd is not running on this host (no /run/systemd/system); "
                                     "omit --systemd-cgroup to use the cgroupfs driver");
  return dbus_connect_systemd (user, c, err);
}

/* Call a manager method that queues a job, and wait (up to 30 s) for the
 * job's end.  Subscribe first: systemd sends JobRemoved only to
 * subscribers. */
static int
run_job (struct dbus_conn *c, const char *member, const char *sig, const struct dbus_writer *body, const char *what,
         cl_error **err)
{
  cleanup_msg struct dbus_msg sub = { 0 }, reply = { 0 };
  cleanup_free char *result = NULL;
  struct dbus_reader r;
  const char *job;

  if (dbus_call (c, SD_PATH, SD_MANAGER, "Subscribe", "", NULL, &sub, err) < 0
      || dbus_call (c, SD_PATH, SD_MANAGER, member, sig, body, &reply, err) < 0)
    return cl_wrap (err, "%s", what);
  dbus_reader_init (&r, &reply);
  if (reply.signature == NULL || strcmp (reply.signature, "o") != 0 || dbus_get_str (&r, &job) < 0)
    return cl_fail_as (err, EPROTO, "%s: systemd's reply names no job", what);
  if (dbus_wait_job (c, job, 30000, &result, err) < 0)
    return cl_wrap (err, "%s: job %s", what, job);
  if (strcmp (result, "done") != 0)
    return cl_fail_as (err, EIO, "%s: systemd's job ended with `%s` (see journalctl)", what, result);
  return 0;
}

/* Properties.Get of a string property: "v" holding "s". */
static int
get_string_property (struct dbus_conn *c, const char *path, const char *iface, const char *name, char **out,
                     cl_error **err)
{
  cleanup_writer struct dbus_writer body = { 0 };
  cleanup_msg struct dbus_msg reply = { 0 };
  struct dbus_reader r;
  const char *sig, *v;

  dbus_put_str (&body, iface);
  dbus_put_str (&body, name);
  if (dbus_call (c, path, DBUS_PROPERTIES, "Get", "ss", &body, &reply, err) < 0)
    return -1;
  dbus_reader_init (&r, &reply);
  if (dbus_get_sig (&r, &sig) < 0 || strcmp (sig, "s") != 0 || dbus_get_str (&r, &v) < 0)
    return cl_fail_as (err, EPROTO, "--systemd-cgroup: systemd's %s is not a string", name);
  *out = xstrdup (v);
  return 0;
}

/* AllowedCPUs / AllowedMemoryNodes (cgroup v2): the cpuset list as
 * systemd's bit array, bit i of byte i/8 for CPU (node) i.  Given to
 * systemd so that a daemon-reload cannot widen the cpuset again. */
static void
put_cpuset_property (struct dbus_writer *w, const char *name, const cpu_set_t *set)
{
  struct dbus_array a;
  size_t len = 0;
  for (size_t i = 0; i < CPU_SETSIZE; i++)
    if (CPU_ISSET (i, set))
      len = i / 8 + 1;
  dbus_prop_open (w, name, "ay");
  a = dbus_array_open (w, 1);
  for (size_t byte = 0; byte < len; byte++)
    {
      uint8_t bits = 0;
      for (size_t bit = 0; bit < 8; bit++)
        if (CPU_ISSET (byte * 8 + bit, set))
          bits |= (uint8_t) (1u << bit);
      dbus_put_byte (w, bits);
    }
  dbus_array_close (w, a);
}

/* The value of linux.resources.unified[key], or NULL. */
static const char *
unified_value (const struct oci_resources *res, const char *key)
{
  const char *v = NULL;
  for (size_t i = 0; i < res->n_unified; i++)
    if (strcmp (res->unified[i].key, key) == 0)
      v = res->unified[i].value;
  return v;
}

/* systemd's major version (252 from "252.39-1~deb12u1"); 0 if unknown. */
static int
manager_version (struct dbus_conn *c)
{
  cleanup_free char *v = NULL;
  cleanup_error cl_error *e = NULL;
  return get_string_property (c, SD_PATH, SD_MANAGER, "Version", &v, &e) < 0 ? 0 : atoi (v);
}

/* Properties only a unit's start can set (cgroup v2): memory.oom.group as
 * OOMPolicy (kubelet sets it; a reload would otherwise reset the file),
 * which scopes take from systemd 253 on: before that the file written
 * after the start is all there is. */
static void
put_start_only_properties (struct dbus_conn *c, struct dbus_writer *w, const struct oci_resources *res)
{
  const char *oom_group = res ? unified_value (res, "memory.oom.group") : NULL;
  if (oom_group == NULL || manager_version (c) < 253)
    return;
  dbus_prop_open (w, "OOMPolicy", "s");
  dbus_put_str (w, strcmp (oom_group, "1") == 0 ? "kill" : "continue");
}

/* The name /proc/devices gives the major of a type ('c', 'b'), or NULL. */
static char *
major_name (const char *proc_devices, char type, int64_t major)
{
  const char *section = type == 'c' ? "Character devices:" : "Block devices:";
  const char *p = proc_devices ? strstr (proc_devices, section) : NULL;
  if (p == NULL)
    return NULL;
  for (p = strchr (p, '\n'); p && p[1] && p[1] != '\n'; p = strchr (p + 1, '\n'))
    {
      char name[64];
      long m;
      if (sscanf (p + 1, "%ld %63s", &m, name) == 2 && m == major)
        return xstrdup (name);
    }
  return NULL;
}

/* Does a later deny rule d touch what allow rule a grants? */
static bool
rules_overlap (const struct oci_device_rule *a, const struct oci_device_rule *d)
{
  return (d->type == 'a' || a->type == 'a' || d->type == a->type) && (d->major < 0 || a->major < 0 || d->major == a->major)
         && (d->minor < 0 || a->minor < 0 || d->minor == a->minor);
}

static bool
is_all_devices (const struct oci_device_rule *r)
{
  return r->type == 'a' && r->major < 0 && r->minor < 0 && r->access && strspn ("rwm", r->access) == 3
         && strlen (r->access) >= 3;
}

/* systemd's DeviceAllow= for one allow rule: /dev/char/M:m, char-NAME for
 * every minor of a major (named as /proc/devices names it), char-* for
 * all; NULL where systemd has no words for it. */
static char *
device_allow_path (const struct oci_device_rule *r, const char *proc_devices)
{
  const char *kind = r->type == 'c' ? "char" : r->type == 'b' ? "block" : NULL;
  cleanup_free char *name = NULL;
  if (kind == NULL)
    return NULL;
  if (r->major < 0)
    return xasprintf ("%s-*", kind);
  if (r->minor >= 0)
    return xasprintf ("/dev/%s/%lld:%lld", kind, (long long) r->major, (long long) r->minor);
  name = major_name (proc_devices, r->type, r->major);
  return name ? xasprintf ("%s-%s", kind, name) : NULL;
}

size_t
cgroup_systemd_device_allow (const struct oci_device_rule *rules, size_t n, const char *proc_devices,
                             struct sd_device_allow **out, bool *restricts)
{
  size_t start = 0, k = 0;
  bool allow_all = false;

  /* Rules are taken in order, the last match winning, nothing allowed at
   * first: what counts starts after the last rule for every device. */
  for (size_t i = 0; i < n; i++)
    if (is_all_devices (&rules[i]))
      {
        allow_all = rules[i].allow;
        start = i + 1;
      }
  *out = NULL;
  *restricts = !allow_all;
  /* After an allow-all, only denials follow, and systemd has no way to
   * say "everything but": no policy (the cgroupfs rules still hold). */
  if (allow_all)
    return 0;
  *out = xzalloc ((n - start + 1) * sizeof **out);
  for (size_t i = start; i < n; i++)
    {
      bool denied_later = false;
      char *path;
      if (!rules[i].allow)
        continue;
      /* A later denial systemd cannot subtract: the allowance is left
       * out (stricter, never wider). */
      for (size_t j = i + 1; j < n; j++)
        denied_later |= !rules[j].allow && rules_overlap (&rules[i], &rules[j]);
      if (denied_later || (path = device_allow_path (&rules[i], proc_devices)) == NULL)
        continue;
      (*out)[k].path = path;
      for (const char *a = rules[i].access ? rules[i].access : ""; *a; a++)
        if (strchr ("rwm", *a) && !strchr ((*out)[k].perms, *a) && strlen ((*out)[k].perms) < 3)
          (*out)[k].perms[strlen ((*out)[k].perms)] = *a;
      k++;
    }
  return k;
}

/* DevicePolicy=strict and DeviceAllow= for the container's device rules,
 * so that systemd, when it realizes the unit again (a daemon-reload), does
 * not reset the devices cgroup to "a *:* rwm" (v1) or widen it (v2). */
static void
put_device_properties (struct dbus_writer *w, const struct oci_resources *res)
{
  cleanup_free char *proc_devices = NULL;
  cleanup_error cl_error *e = NULL;
  struct sd_device_allow *allow = NULL;
  struct dbus_array a;
  bool restricts;
  size_t n;

  read_file_at (AT_FDCWD, "/proc/devices", 1 << 16, &proc_devices, NULL, &e);
  n = cgroup_systemd_device_allow (res->devices, res->n_devices, proc_devices, &allow, &restricts);
  if (restricts)
    {
      dbus_prop_open (w, "DevicePolicy", "s");
      dbus_put_str (w, "strict");
      dbus_prop_open (w, "DeviceAllow", "a(ss)");
      a = dbus_array_open (w, 8);
      for (size_t i = 0; i < n; i++)
        {
          dbus_struct_open (w);
          dbus_put_str (w, allow[i].path);
          dbus_put_str (w, allow[i].perms);
        }
      dbus_array_close (w, a);
    }
  for (size_t i = 0; i < n; i++)
    free (allow[i].path);
  free (allow);
}

/* The limits systemd itself must know, or it would write its own values
 * over ours when it next realizes the unit. */
static int
put_resource_properties (struct dbus_writer *w, bool v2, const struct oci_resources *res, cl_error **err)
{
  cpu_set_t set;
  if (res == NULL)
    return 0;
  if (res->memory.limit.set && res->memory.limit.v > 0)
    {
      dbus_prop_open (w, v2 ? "MemoryMax" : "MemoryLimit", "t");
      dbus_put_u64 (w, (uint64_t) res->memory.limit.v);
    }
  if (res->pids_limit.set)
    {
      dbus_prop_open (w, "TasksMax", "t");
      dbus_put_u64 (w, res->pids_limit.v >= 0 ? (uint64_t) pids_max_for (res->pids_limit.v) : (uint64_t) -1);
    }
  if (res->cpu.shares.set && res->cpu.shares.v > 0)
    {
      uint64_t s = res->cpu.shares.v < 2 ? 2 : res->cpu.shares.v > 262144 ? 262144 : res->cpu.shares.v;
      dbus_prop_open (w, v2 ? "CPUWeight" : "CPUShares", "t");
      dbus_put_u64 (w, v2 ? cgroup_cpu_weight_from_shares (s) : s);
    }
  if (res->cpu.quota.set && res->cpu.quota.v > 0)
    {
      uint64_t period = res->cpu.period.set && res->cpu.period.v ? res->cpu.period.v : 100000;
      uint64_t per_sec = (uint64_t) res->cpu.quota.v * 1000000 / period;
      /* systemd rounds to whole milliseconds of a second. */
      dbus_prop_open (w, "CPUQuotaPerSecUSec", "t");
      dbus_put_u64 (w, ((per_sec + 9999) / 10000) * 10000);
    }
  if (v2 && res->cpu.cpus && *res->cpu.cpus)
    {
      if (parse_cpu_list (res->cpu.cpus, &set) < 0)
        return cl_fail_as (err, EINVAL, "linux.resources.cpu.cpus `%s`: not a CPU list", res->cpu.cpus);
      put_cpuset_property (w, "AllowedCPUs", &set);
    }
  if (v2 && res->cpu.mems && *res->cpu.mems)
    {
      if (parse_cpu_list (res->cpu.mems, &set) < 0)
        return cl_fail_as (err, EINVAL, "linux.resources.cpu.mems `%s`: not a node list", res->cpu.mems);
      put_cpuset_property (w, "AllowedMemoryNodes", &set);
    }
  return 0;
}

static int
parse_systemd_path (const char *path, const char *id, bool user, char **slice, char **unit, cl_error **err)
{
  cleanup_free char *copy = xstrdup (path && *path ? path : "");
  char *first, *second;
  const char *pfx, *name;

  if (copy[0] == '\0')
    {
      *slice = xstrdup (user ? "user.slice" : "system.slice");
      *unit = xasprintf ("crun-lite-%s.scope", id);
      return 0;
    }
  first = strchr (copy, ':');
  second = first ? strchr (first + 1, ':') : NULL;
  if (first == NULL || second == NULL || strchr (second + 1, ':'))
    return cl_fail_as (err, EINVAL, "linux.cgroupsPath `%s`: with --systemd-cgroup it must be slice:prefix:name", path);
  *first = *second = '\0';
  pfx = first + 1;
  name = second + 1;
  if (*name == '\0' || strchr (name, '/') || strchr (pfx, '/') || strchr (copy, '/'))
    return cl_fail_as (err, EINVAL, "linux.cgroupsPath `%s`: slice:prefix:name must not contain `/` or an empty name", path);
  if (*copy && (strlen (copy) < 7 || strcmp (copy + strlen (copy) - 6, ".slice") != 0))
    return cl_fail_as (err, EINVAL, "linux.cgroupsPath `%s`: `%s` is not a slice unit (name.slice)", path, copy);
  if (strlen (name) > 6 && strcmp (name + strlen (name) - 6, ".slice") == 0)
    return cl_fail_as (err, ENOTSUP, "linux.cgroupsPath `%s`: a slice as the container's unit is not supported yet "
                                     "(give a scope name)", path);
  *slice = xstrdup (*copy ? copy : user ? "user.slice" : "system.slice");
  *unit = *pfx ? xasprintf ("%s-%s.scope", pfx, name) : xasprintf ("%s.scope", name);
  return 0;
}

int
cgroup_systemd_plan (struct cgroup *cg, const char *cgroups_path, const char *id, cl_error **err)
{
  cleanup_conn struct dbus_conn c = { .fd = -1 };
  cg->systemd_user = geteuid () != 0;
  if (parse_systemd_path (cgroups_path, id, cg->systemd_user, &cg->systemd_slice, &cg->systemd_unit, err) < 0)
    return -1;
  /* A user's manager delegates only cgroup v2: on v1 it cannot hand the
   * user any controller (as runc, refused rather than half done). */
  if (cg->systemd_user && cg->layout != CGROUP_UNIFIED)
    return cl_fail_as (err, ENOTSUP, "--systemd-cgroup as an unprivileged user needs cgroup v2 (this host has v1 "
                                     "controllers, which systemd does not delegate to users); omit --systemd-cgroup");
  /* Fail now, before anything is made, where systemd cannot be reached. */
  return open_manager (cg->systemd_user, &c, err);
}

/* The unit's cgroup, as systemd reports it ("/system.slice/x.scope"). */
static int
unit_control_group (struct dbus_conn *c, const char *unit, char **out, cl_error **err)
{
  cleanup_writer struct dbus_writer body = { 0 };
  cleanup_msg struct dbus_msg reply = { 0 };
  cleanup_free char *path = NULL;
  struct dbus_reader r;
  const char *obj;

  dbus_put_str (&body, unit);
  if (dbus_call (c, SD_PATH, SD_MANAGER, "GetUnit", "s", &body, &reply, err) < 0)
    return cl_wrap (err, "systemd unit `%s`", unit);
  dbus_reader_init (&r, &reply);
  if (dbus_get_str (&r, &obj) < 0)
    return cl_fail_as (err, EPROTO, "systemd unit `%s`: GetUnit names no object", unit);
  path = xstrdup (obj);
  if (get_string_property (c, path, "org.freedesktop.systemd1.Scope", "ControlGroup", out, err) < 0)
    return cl_wrap (err, "systemd unit `%s`", unit);
  if (**out != '/')
    return cl_fail_as (err, ENOENT, "systemd unit `%s`: no cgroup", unit);
  return 0;
}

int
cgroup_systemd_start (struct cgroup *cg, pid_t pid, const struct oci_resources *res, cl_error **err)
{
  cleanup_conn struct dbus_conn c = { .fd = -1 };
  cleanup_writer struct dbus_writer body = { 0 };
  cleanup_free char *cgpath = NULL, *what = xasprintf ("--systemd-cgroup: start %s", cg->systemd_unit);
  cleanup_free char *desc = xasprintf ("crun-lite container %s", cg->systemd_unit);
  bool v2 = cg->layout == CGROUP_UNIFIED;
  struct dbus_array props, pids;

  if (open_manager (cg->systemd_user, &c, err) < 0)
    return -1;
  dbus_put_str (&body, cg->systemd_unit);
  dbus_put_str (&body, "fail");
  props = dbus_array_open (&body, 8);
  dbus_prop_open (&body, "Description", "s");
  dbus_put_str (&body, desc);
  dbus_prop_open (&body, "Slice", "s");
  dbus_put_str (&body, cg->systemd_slice);
  dbus_prop_open (&body, "Delegate", "b");
  dbus_put_bool (&body, true);
  dbus_prop_open (&body, "DefaultDependencies", "b");
  dbus_put_bool (&body, false);
  dbus_prop_open (&body, "PIDs", "au");
  pids = dbus_array_open (&body, 4);
  dbus_put_u32 (&body, (uint32_t) pid);
  dbus_array_close (&body, pids);
  for (const char *const *acct = (const char *const[]){ "MemoryAccounting", "TasksAccounting", "CPUAccounting", NULL };
       *acct; acct++)
    {
      dbus_prop_open (&body, *acct, "b");
      dbus_put_bool (&body, true);
    }
  if (put_resource_properties (&body, v2, res, err) < 0)
    return -1;
  /* A user's manager cannot load a device filter (nor can we). */
  if (res && res->n_devices && !cg->systemd_user)
    put_device_properties (&body, res);
  if (v2)
    put_start_only_properties (&c, &body, res);
  dbus_array_close (&body, props);
  /* No auxiliary units: an empty a(sa(sv)). */
  dbus_array_close (&body, dbus_array_open (&body, 8));
  if (run_job (&c, "StartTransientUnit", "ssa(sv)a(sa(sv))", &body, what, err) < 0)
    return -1;
  cg->systemd_started = true;
  if (unit_control_group (&c, cg->systemd_unit, &cgpath, err) < 0)
    return -1;
  return cgroup_adopt_path (cg, cgpath, err);
}

/* A manager method whose reply carries nothing we use. */
static int
manager_call (const struct cgroup *cg, const char *member, const char *sig, const struct dbus_writer *body,
              cl_error **err)
{
  cleanup_conn struct dbus_conn c = { .fd = -1 };
  cleanup_msg struct dbus_msg reply = { 0 };
  if (open_manager (cg->systemd_user, &c, err) < 0)
    return -1;
  return dbus_call (&c, SD_PATH, SD_MANAGER, member, sig, body, &reply, err);
}

int
cgroup_systemd_update (const struct cgroup *cg, const struct oci_resources *res, cl_error **err)
{
  cleanup_writer struct dbus_writer body = { 0 };
  struct dbus_array props;

  dbus_put_str (&body, cg->systemd_unit);
  dbus_put_bool (&body, true);
  props = dbus_array_open (&body, 8);
  if (put_resource_properties (&body, cg->layout == CGROUP_UNIFIED, res, err) < 0)
    return -1;
  dbus_array_close (&body, props);
  if (manager_call (cg, "SetUnitProperties", "sba(sv)", &body, err) < 0)
    return cl_wrap (err, "--systemd-cgroup: set properties of %s", cg->systemd_unit);
  return 0;
}

int
cgroup_systemd_attach (const struct cgroup *cg, pid_t pid, const char *sub, cl_error **err)
{
  cleanup_writer struct dbus_writer body = { 0 };
  struct dbus_array pids;

  dbus_put_str (&body, cg->systemd_unit);
  dbus_put_str (&body, sub);
  pids = dbus_array_open (&body, 4);
  dbus_put_u32 (&body, (uint32_t) pid);
  dbus_array_close (&body, pids);
  if (manager_call (cg, "AttachProcessesToUnit", "ssau", &body, err) < 0)
    return cl_wrap (err, "--systemd-cgroup: systemd could not add pid %d to %s", (int) pid, cg->systemd_unit);
  return 0;
}

int
cgroup_systemd_stop (const struct cgroup *cg, cl_error **err)
{
  cleanup_conn struct dbus_conn c = { .fd = -1 };
  cleanup_writer struct dbus_writer body = { 0 };
  cleanup_free char *what = xasprintf ("--systemd-cgroup: stop %s", cg->systemd_unit);
  cl_error *e = NULL;

  if (open_manager (cg->systemd_user, &c, err) < 0)
    return -1;
  dbus_put_str (&body, cg->systemd_unit);
  dbus_put_str (&body, "replace");
  if (run_job (&c, "StopUnit", "ss", &body, what, &e) < 0)
    {
      /* A scope whose processes are all gone is unloaded by systemd itself. */
      if (strstr (e->msg, "NoSuchUnit") != NULL || strstr (e->msg, "not loaded") != NULL)
        {
          cl_error_free (e);
          return 0;
        }
      if (err)
        *err = e;
      else
        cl_error_free (e);
      return -1;
    }
  return 0;
}
