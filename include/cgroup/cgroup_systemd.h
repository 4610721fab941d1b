/* crun-lite: --systemd-cgroup (cgroup_systemd.c): the container's cgroup is
 * a transient scope systemd makes through its D-Bus API (libsystemd loaded
 * only then), with the init in it; limits systemd would rewrite are also
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
int cgroup_systemd_stop (const struct cgroup *cg, cl_error **err);

#endif
