/* crun-lite: linux.intelRdt closID (include/container/intel_rdt.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "container/intel_rdt.h"
#include "base/utils.h"

#ifndef RDTGROUP_SUPER_MAGIC
#define RDTGROUP_SUPER_MAGIC 0x7655821
#endif
#define RESCTRL "/sys/fs/resctrl"

bool
intel_rdt_available (void)
{
  struct statfs sfs;
  return statfs (RESCTRL, &sfs) == 0 && (unsigned long) sfs.f_type == RDTGROUP_SUPER_MAGIC;
}

int
intel_rdt_check (const struct oci_linux *l, cl_error **err)
{
  cleanup_free char *group = NULL;

  if (!l->has_intel_rdt)
    return 0;
  if (l->intel_rdt_has_schemata)
    return cl_fail (err, 0, "linux.intelRdt: schemata (l3CacheSchema, memBwSchema, schemata) are not supported yet "
                    "by crun-lite; closID alone is");
  if (!intel_rdt_available ())
    return cl_fail (err, 0, "linux.intelRdt: this host has no resctrl filesystem at " RESCTRL
                    " (no Intel RDT / AMD QoS in the CPU, or not mounted)");
  if (l->intel_rdt_clos_id == NULL || *l->intel_rdt_clos_id == '\0')
    return cl_fail (err, 0, "linux.intelRdt.closID: missing (the group to join)");
  if (strchr (l->intel_rdt_clos_id, '/') || strcmp (l->intel_rdt_clos_id, ".") == 0
      || strcmp (l->intel_rdt_clos_id, "..") == 0)
    return cl_fail (err, 0, "linux.intelRdt.closID: `%s` is not a group name", l->intel_rdt_clos_id);
  group = xasprintf (RESCTRL "/%s/tasks", l->intel_rdt_clos_id);
  if (access (group, W_OK) < 0)
    return cl_fail (err, errno, "linux.intelRdt.closID: group `%s`", l->intel_rdt_clos_id);
  return 0;
}

int
intel_rdt_join (const struct oci_linux *l, pid_t pid, cl_error **err)
{
  cleanup_free char *tasks = NULL;
  char buf[32];
  int n;

  if (!l->has_intel_rdt)
    return 0;
  tasks = xasprintf (RESCTRL "/%s/tasks", l->intel_rdt_clos_id);
  n = snprintf (buf, sizeof buf, "%d", (int) pid);
  if (write_file_at (AT_FDCWD, tasks, buf, (size_t) n, err) < 0)
    return cl_wrap (err, "linux.intelRdt.closID `%s`", l->intel_rdt_clos_id);
  return 0;
}
