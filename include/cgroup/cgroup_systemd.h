/* crun-lite: --systemd-cgroup (cgroup_systemd.c): the container's cgroup is
 * a transient scope systemd makes through its D-Bus API (include/cgroup/dbus.h),
 * with the init in it; limits systemd would rewrite are also
 * set as the unit's properties. */
#ifndef CRL_CGROUP_SYSTEMD_H
#define CRL_CGROUP_SYSTEMD_H

#include <sys/types.h>
#include "cgroup/cgroup_types.h"
#include "base/error.h"
#include "config/oci_config.h"

int cgroup_systemd_plan (struct cgroup *cg, const char *cgroups_path, const char *id, cl_error **err);
int cgroup_systemd_start (struct cgroup *cg, pid_t pid, const struct oci_resources *res, cl_error **err);
int cgroup_systemd_update (const struct cgroup *cg, const struct oci_resources *res, cl_error **err);
/* Have systemd move pid into the unit's cgroup (or its sub-cgroup `sub`,
 * "" for none): where the caller may not move it itself, as a rootless
 * exec from outside the user's delegated subtree (cgroup v2 wants write
 * access to the common ancestor of both cgroups). */
int cgroup_systemd_attach (const struct cgroup *cg, pid_t pid, const char *sub, cl_error **err);
/* One DeviceAllow= of the unit: a device node path (/dev/char/1:3) or a
 * group (char-pts, char-*), and its permissions ("rwm"). */
struct sd_device_allow
{
  char *path;
  char perms[4];
};
/* The device rules (runc's meaning: in order, the last match wins, nothing
 * allowed at first) as systemd's device policy: *restricts tells whether
 * they restrict at all (DevicePolicy=strict), and the DeviceAllow= list
 * (caller frees) is returned with its length.  What systemd cannot say (a
 * denial after an allowance) is left out, never widened.  proc_devices is
 * /proc/devices' text, for the names of whole majors. */
size_t cgroup_systemd_device_allow (const struct oci_device_rule *rules, size_t n, const char *proc_devices,
                                    struct sd_device_allow **out, bool *restricts);
int cgroup_systemd_stop (const struct cgroup *cg, cl_error **err);

#endif
