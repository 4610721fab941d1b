/* crun-lite: the systemd cgroup driver (--systemd-cgroup).  The container's
 * cgroup is a transient scope unit that systemd makes through its D-Bus API
 * (StartTransientUnit), with the container's init as its only pid and
 * Delegate=yes; the main limits are also given to systemd as unit
 * properties, so that systemd never writes its own values over them.
 * Everything else of linux.resources is then written through cgroupfs into
 * the scope's directories, as with the cgroupfs driver.  See
 * include/cgroup/cgroup.h. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgroup/cgroup_files.h"
#include "cgroup/cgroup_systemd.h"
#include "process/process_attrs.h"
#include "base/utils.h"

#ifdef HAVE_SYSTEMD
#include <dlfcn.h>
#include <systemd/sd-bus.h>

/* libsystemd is loaded only when --systemd-cgroup is used: linking it would
 * make every start load it and its compression and crypto libraries. */
#define SD_FUNCS(X)                                                                                          \
  X (sd_bus_open_user) X (sd_bus_open_system) X (sd_bus_flush_close_unref) X (sd_bus_message_unref)          \
  X (sd_bus_error_free) X (sd_bus_message_read) X (sd_bus_match_signal) X (sd_bus_call) X (sd_bus_slot_unref) \
  X (sd_bus_process) X (sd_bus_wait) X (sd_bus_message_append) X (sd_bus_call_method)                        \
  X (sd_bus_message_enter_container) X (sd_bus_message_new_method_call) X (sd_bus_message_open_container)     \
  X (sd_bus_message_close_container) X (sd_bus_message_append_array)

static struct
{
#define SD_FIELD(f) __typeof__ (&f) f;
  SD_FUNCS (SD_FIELD)
} sd;

static void *libsystemd;

static int
load_libsystemd (cl_error **err)
{
  if (libsystemd)
    return 0;
  void *h = dlopen ("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    return cl_fail_as (err, ENOTSUP, "--systemd-cgroup: cannot load libsystemd.so.0 (apt-get install libsystemd0): %s",
                       dlerror ());
#define SD_LOAD(f)                                                                                           \
  if ((sd.f = (__typeof__ (&f)) dlsym (h, #f)) == NULL)                                                      \
    return cl_fail_as (err, ENOTSUP, "--systemd-cgroup: libsystemd.so.0 has no %s", #f);
  SD_FUNCS (SD_LOAD)
  libsystemd = h;
  return 0;
}

/* From here on every sd_* call goes through the loaded table. */
#define SD_CALL(f) sd.f
#define sd_bus_open_user SD_CALL (sd_bus_open_user)
#define sd_bus_open_system SD_CALL (sd_bus_open_system)
#define sd_bus_flush_close_unref SD_CALL (sd_bus_flush_close_unref)
#define sd_bus_message_unref SD_CALL (sd_bus_message_unref)
#define sd_bus_error_free SD_CALL (sd_bus_error_free)
#define sd_bus_message_read SD_CALL (sd_bus_message_read)
#define sd_bus_match_signal SD_CALL (sd_bus_match_signal)
#define sd_bus_call SD_CALL (sd_bus_call)
#define sd_bus_slot_unref SD_CALL (sd_bus_slot_unref)
#define sd_bus_process SD_CALL (sd_bus_process)
#define sd_bus_wait SD_CALL (sd_bus_wait)
#define sd_bus_message_append SD_CALL (sd_bus_message_append)
#define sd_bus_call_method SD_CALL (sd_bus_call_method)
#define sd_bus_message_enter_container SD_CALL (sd_bus_message_enter_container)
#define sd_bus_message_new_method_call SD_CALL (sd_bus_message_new_method_call)
#define sd_bus_message_open_container SD_CALL (sd_bus_message_open_container)
#define sd_bus_message_close_container SD_CALL (sd_bus_message_close_container)
#define sd_bus_message_append_array SD_CALL (sd_bus_message_append_array)

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

static void
busp (sd_bus **b)
{
  if (*b)
    sd_bus_flush_close_unref (*b);
}
static void
msgp (sd_bus_message **m)
{
  if (*m)
    sd_bus_message_unref (*m);
}
static void
bus_errorp (sd_bus_error *e)
{
  if (libsystemd)
    sd_bus_error_free (e);
}
#define cleanup_bus __attribute__ ((cleanup (busp)))
#define cleanup_msg __attribute__ ((cleanup (msgp)))
#define cleanup_bus_error __attribute__ ((cleanup (bus_errorp)))

/* The manager of the system (root) or of the calling user (rootless). */
static int
open_manager (bool user, sd_bus **out, cl_error **err)
{
  int r;
  if (access ("/run/systemd/system", F_OK) < 0)
    return cl_fail_as (err, ENOTSUP, "--systemd-cgroup: systemd is not running on this host (no /run/systemd/system); "
                                     "omit --systemd-cgroup to use the cgroupfs driver");
  if (load_libsystemd (err) < 0)
    return -1;
  r = user ? sd_bus_open_user (out) : sd_bus_open_system (out);
  if (r < 0)
    return cl_fail (err, -r, "--systemd-cgroup: connect to the %s bus of systemd", user ? "user" : "system");
  return 0;
}

/* JobRemoved for our job: its result ("done", "failed", ...). */
struct job_wait
{
  const char *job;
  char *result;
};

static int
on_job_removed (sd_bus_message *m, void *data, sd_bus_error *ret)
{
  struct job_wait *w = data;
  const char *path = NULL, *unit = NULL, *result = NULL;
  uint32_t id;
  (void) ret;
  if (sd_bus_message_read (m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (w->job && path && strcmp (path, w->job) == 0 && w->result == NULL)
    w->result = xstrdup (result);
  return 0;
}

/* Call a manager method that queues a job, and wait (up to 30 s) for the
 * job's end. */
static int
run_job (sd_bus *bus, sd_bus_message *call, const char *what, cl_error **err)
{
  cleanup_msg sd_bus_message *reply = NULL;
  cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
  struct job_wait w = { NULL, NULL };
  sd_bus_slot *slot = NULL;
  int r;

  r = sd_bus_match_signal (bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
  if (r < 0)
    return cl_fail (err, -r, "%s: watch systemd's jobs", what);
  r = sd_bus_call (bus, call, 0, &e, &reply);
  if (r < 0)
    {
      sd_bus_slot_unref (slot);
      return cl_fail (err, -r, "%s: %s", what, e.message ? e.message : strerror (-r));
    }
  if ((r = sd_bus_message_read (reply, "o", &w.job)) < 0)
    {
      sd_bus_slot_unref (slot);
      return cl_fail (err, -r, "%s: systemd's reply", what);
    }
  for (int i = 0; i < 300 && w.result == NULL; i++)
    {
      r = sd_bus_process (bus, NULL);
      if (r < 0)
        break;
      if (r == 0)
        sd_bus_wait (bus, 100000);
    }
  sd_bus_slot_unref (slot);
  if (w.result == NULL)
    return cl_fail (err, r < 0 ? -r : ETIMEDOUT, "%s: systemd did not finish the job %s", what, w.job);
  if (strcmp (w.result, "done") != 0)
    {
      cl_fail (err, EIO, "%s: systemd's job ended with `%s` (see journalctl)", what, w.result);
      free (w.result);
      return -1;
    }
  free (w.result);
  return 0;
}

/* AllowedCPUs / AllowedMemoryNodes (cgroup v2): the cpuset list as
 * systemd's bit array, bit i of byte i/8 for CPU (node) i.  Given to
 * systemd so that a daemon-reload cannot widen the cpuset again. */
static int
append_cpuset_property (sd_bus_message *m, const char *name, const char *list)
{
  uint8_t bits[CPU_SETSIZE / 8] = { 0 };
  size_t len = 0;
  cpu_set_t set;
  int r;

  if (parse_cpu_list (list, &set) < 0)
    return -EINVAL;
  for (size_t i = 0; i < CPU_SETSIZE; i++)
    if (CPU_ISSET (i, &set))
      {
        bits[i / 8] |= (uint8_t) (1u << (i % 8));
        len = i / 8 + 1;
      }
  r = sd_bus_message_open_container (m, 'r', "sv");
  if (r >= 0)
    r = sd_bus_message_append (m, "s", name);
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'v', "ay");
  if (r >= 0)
    r = sd_bus_message_append_array (m, 'y', bits, len);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  return r;
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
manager_version (sd_bus *bus)
{
  cleanup_msg sd_bus_message *reply = NULL;
  const char *v = NULL;
  int r = sd_bus_call_method (bus, SD_DEST, SD_PATH, "org.freedesktop.DBus.Properties", "Get", NULL, &reply, "ss",
                              SD_MANAGER, "Version");
  if (r >= 0 && (r = sd_bus_message_enter_container (reply, 'v', "s")) >= 0)
    r = sd_bus_message_read (reply, "s", &v);
  return r < 0 || v == NULL ? 0 : atoi (v);
}

/* Properties only a unit's start can set (cgroup v2): memory.oom.group as
 * OOMPolicy (kubelet sets it; a reload would otherwise reset the file),
 * which scopes take from systemd 253 on: before that the file written
 * after the start is all there is. */
static int
append_start_only_properties (sd_bus *bus, sd_bus_message *m, const struct oci_resources *res)
{
  const char *oom_group = res ? unified_value (res, "memory.oom.group") : NULL;
  if (oom_group == NULL || manager_version (bus) < 253)
    return 0;
  return sd_bus_message_append (m, "(sv)", "OOMPolicy", "s", strcmp (oom_group, "1") == 0 ? "kill" : "continue");
}

/* The limits systemd itself must know, or it would write its own values
 * over ours when it next realizes the unit. */
static int
append_resource_properties (sd_bus_message *m, bool v2, const struct oci_resources *res)
{
  int r = 0;
  if (res == NULL)
    return 0;
  if (res->memory.limit.set && res->memory.limit.v > 0)
    r = sd_bus_message_append (m, "(sv)", v2 ? "MemoryMax" : "MemoryLimit", "t", (uint64_t) res->memory.limit.v);
  if (r >= 0 && res->pids_limit.set)
    r = sd_bus_message_append (m, "(sv)", "TasksMax", "t",
                               res->pids_limit.v >= 0 ? (uint64_t) pids_max_for (res->pids_limit.v) : (uint64_t) -1);
  if (r >= 0 && res->cpu.shares.set && res->cpu.shares.v > 0)
    {
      uint64_t s = res->cpu.shares.v < 2 ? 2 : res->cpu.shares.v > 262144 ? 262144 : res->cpu.shares.v;
      if (v2)
        r = sd_bus_message_append (m, "(sv)", "CPUWeight", "t", cgroup_cpu_weight_from_shares (s));
      else
        r = sd_bus_message_append (m, "(sv)", "CPUShares", "t", s);
    }
  if (r >= 0 && res->cpu.quota.set && res->cpu.quota.v > 0)
    {
      uint64_t period = res->cpu.period.set && res->cpu.period.v ? res->cpu.period.v : 100000;
      uint64_t per_sec = (uint64_t) res->cpu.quota.v * 1000000 / period;
      /* systemd rounds to whole milliseconds of a second. */
      per_sec = ((per_sec + 9999) / 10000) * 10000;
      r = sd_bus_message_append (m, "(sv)", "CPUQuotaPerSecUSec", "t", per_sec);
    }
  if (r >= 0 && v2 && res->cpu.cpus && *res->cpu.cpus)
    r = append_cpuset_property (m, "AllowedCPUs", res->cpu.cpus);
  if (r >= 0 && v2 && res->cpu.mems && *res->cpu.mems)
    r = append_cpuset_property (m, "AllowedMemoryNodes", res->cpu.mems);
  return r;
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
  cleanup_bus sd_bus *bus = NULL;
  cg->systemd_user = geteuid () != 0;
  if (parse_systemd_path (cgroups_path, id, cg->systemd_user, &cg->systemd_slice, &cg->systemd_unit, err) < 0)
    return -1;
  /* A user's manager delegates only cgroup v2: on v1 it cannot hand the
   * user any controller (as runc, refused rather than half done). */
  if (cg->systemd_user && cg->layout != CGROUP_UNIFIED)
    return cl_fail_as (err, ENOTSUP, "--systemd-cgroup as an unprivileged user needs cgroup v2 (this host has v1 "
                                     "controllers, which systemd does not delegate to users); omit --systemd-cgroup");
  /* Fail now, before anything is made, where systemd cannot be reached. */
  return open_manager (cg->systemd_user, &bus, err);
}

/* The unit's cgroup, as systemd reports it ("/system.slice/x.scope"). */
static int
unit_control_group (sd_bus *bus, const char *unit, char **out, cl_error **err)
{
  cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
  cleanup_msg sd_bus_message *reply = NULL;
  cleanup_free char *path = NULL;
  const char *obj;
  int r = sd_bus_call_method (bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s", unit);
  if (r < 0)
    return cl_fail (err, -r, "systemd unit `%s`: %s", unit, e.message ? e.message : strerror (-r));
  if ((r = sd_bus_message_read (reply, "o", &obj)) < 0)
    return cl_fail (err, -r, "systemd unit `%s`: reply", unit);
  path = xstrdup (obj);
  /* Read out of the reply and copied: memory libsystemd allocated is
   * freed only by libsystemd (a static crun-lite has a libc of its own,
   * and the dlopen'ed library another). */
  sd_bus_message_unref (reply);
  reply = NULL;
  r = sd_bus_call_method (bus, SD_DEST, path, "org.freedesktop.DBus.Properties", "Get", &e, &reply, "ss",
                          "org.freedesktop.systemd1.Scope", "ControlGroup");
  if (r >= 0 && (r = sd_bus_message_enter_container (reply, 'v', "s")) >= 0)
    r = sd_bus_message_read (reply, "s", &obj);
  if (r < 0 || obj == NULL || *obj != '/')
    return cl_fail (err, r < 0 ? -r : ENOENT, "systemd unit `%s`: no cgroup", unit);
  *out = xstrdup (obj);
  return 0;
}

int
cgroup_systemd_start (struct cgroup *cg, pid_t pid, const struct oci_resources *res, cl_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  cleanup_msg sd_bus_message *m = NULL;
  cleanup_free char *cgpath = NULL, *what = xasprintf ("--systemd-cgroup: start %s", cg->systemd_unit);
  bool v2 = cg->layout == CGROUP_UNIFIED;
  cleanup_free char *desc = xasprintf ("crun-lite container %s", cg->systemd_unit);
  int r;

  if (open_manager (cg->systemd_user, &bus, err) < 0)
    return -1;
  /* JobRemoved is only sent to subscribed clients on older systemd. */
  sd_bus_call_method (bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
  r = sd_bus_message_new_method_call (bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
  if (r >= 0)
    r = sd_bus_message_append (m, "ss", cg->systemd_unit, "fail");
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'a', "(sv)");
  if (r >= 0)
    r = sd_bus_message_append (m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s", cg->systemd_slice,
                               "Delegate", "b", 1, "DefaultDependencies", "b", 0, "PIDs", "au", 1, (uint32_t) pid);
  if (r >= 0)
    r = sd_bus_message_append (m, "(sv)(sv)(sv)", "MemoryAccounting", "b", 1, "TasksAccounting", "b", 1,
                               "CPUAccounting", "b", 1);
  if (r >= 0)
    r = append_resource_properties (m, v2, res);
  if (r >= 0 && v2)
    r = append_start_only_properties (bus, m, res);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd_bus_message_append (m, "a(sa(sv))", 0);
  if (r < 0)
    return cl_fail (err, -r, "%s: build the D-Bus call", what);
  if (run_job (bus, m, what, err) < 0)
    return -1;
  cg->systemd_started = true;
  if (unit_control_group (bus, cg->systemd_unit, &cgpath, err) < 0)
    return -1;
  return cgroup_adopt_path (cg, cgpath, err);
}

int
cgroup_systemd_update (const struct cgroup *cg, const struct oci_resources *res, cl_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  cleanup_msg sd_bus_message *m = NULL, *reply = NULL;
  cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
  int r;
  if (open_manager (cg->systemd_user, &bus, err) < 0)
    return -1;
  r = sd_bus_message_new_method_call (bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
  if (r >= 0)
    r = sd_bus_message_append (m, "sb", cg->systemd_unit, 1);
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'a', "(sv)");
  if (r >= 0)
    r = append_resource_properties (m, cg->layout == CGROUP_UNIFIED, res);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  if (r < 0)
    return cl_fail (err, -r, "--systemd-cgroup: build the D-Bus call");
  r = sd_bus_call (bus, m, 0, &e, &reply);
  if (r < 0)
    return cl_fail (err, -r, "--systemd-cgroup: set properties of %s: %s", cg->systemd_unit,
                    e.message ? e.message : strerror (-r));
  return 0;
}

int
cgroup_systemd_stop (const struct cgroup *cg, cl_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  cleanup_msg sd_bus_message *m = NULL;
  cleanup_free char *what = xasprintf ("--systemd-cgroup: stop %s", cg->systemd_unit);
  cl_error *e = NULL;
  int r;
  if (open_manager (cg->systemd_user, &bus, err) < 0)
    return -1;
  r = sd_bus_message_new_method_call (bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
  if (r >= 0)
    r = sd_bus_message_append (m, "ss", cg->systemd_unit, "replace");
  if (r < 0)
    return cl_fail (err, -r, "%s: build the D-Bus call", what);
  if (run_job (bus, m, what, &e) < 0)
    {
      /* A scope whose processes are all gone is unloaded by systemd itself. */
      bool gone = strstr (e->msg, "not loaded") != NULL;
      if (gone)
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

#else /* !HAVE_SYSTEMD */

static int
no_systemd (cl_error **err)
{
  return cl_fail_as (err, ENOTSUP, "--systemd-cgroup: crun-lite was built without libsystemd "
                                   "(install libsystemd-dev and build again), or omit --systemd-cgroup");
}
int
cgroup_systemd_plan (struct cgroup *cg, const char *cgroups_path, const char *id, cl_error **err)
{
  (void) cg, (void) cgroups_path, (void) id;
  return no_systemd (err);
}
int
cgroup_systemd_start (struct cgroup *cg, pid_t pid, const struct oci_resources *res, cl_error **err)
{
  (void) cg, (void) pid, (void) res;
  return no_systemd (err);
}
int
cgroup_systemd_update (const struct cgroup *cg, const struct oci_resources *res, cl_error **err)
{
  (void) cg, (void) res;
  return no_systemd (err);
}
int
cgroup_systemd_stop (const struct cgroup *cg, cl_error **err)
{
  (void) cg;
  return no_systemd (err);
}
#endif
