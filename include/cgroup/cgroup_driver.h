/* crun-lite: what a cgroup hierarchy kind does its own way.  cgroup.c calls
 * the driver of the host's layout; v1 (cgroup_v1.c) and v2 (cgroup_v2.c)
 * implement it.  The systemd scope (cgroup_systemd.h) is not a third
 * driver: systemd makes the scope, then the layout's driver writes the
 * limits into it. */
#ifndef CRL_CGROUP_DRIVER_H
#define CRL_CGROUP_DRIVER_H

#include <stdbool.h>
#include "cgroup/cgroup_types.h"
#include "base/error.h"
#include "config/oci_config.h"

struct cgroup_driver
{
  const char *name;
  /* Make directory i of the container's cgroup, recording what is made (v2
   * enables the controllers on the way down; a new v1 cpuset gets its
   * parent's cpus and mems). */
  int (*make_dir) (struct cgroup *cg, size_t i, cl_error **err);
  /* Write linux.resources into the directories. */
  int (*apply) (const struct cgroup *cg, const struct oci_resources *res, cl_error **err);
  /* Ask the kernel to freeze or thaw (cgroup.c waits for it to happen). */
  int (*set_frozen) (const struct cgroup *cg, bool frozen, cl_error **err);
  bool (*is_frozen) (const struct cgroup *cg);
  /* Frozen, or on its way (a cgroup that existed before the container). */
  bool (*freeze_requested) (const struct cgroup *cg);
};

extern const struct cgroup_driver cgroup_v1_driver, cgroup_v2_driver;

#endif
