/* crun-lite: which cgroup layout the host has, and where this process sits
 * in it.  Read at run time from /sys/fs/cgroup (statfs magic),
 * /proc/self/mountinfo and /proc/self/cgroup; no path is assumed. */
#ifndef CRL_CGROUP_LAYOUT_H
#define CRL_CGROUP_LAYOUT_H

#include <stddef.h>
#include "base/error.h"

enum cgroup_layout
{
  CGROUP_UNIFIED, /* cgroup2 at /sys/fs/cgroup */
  CGROUP_HYBRID,  /* v1 controllers, plus a controller-less cgroup2 (ignored) */
  CGROUP_LEGACY,  /* v1 only */
};

struct cgroup_v1_hierarchy
{
  char *mountpoint;   /* /sys/fs/cgroup/memory */
  char *mount_root;   /* the hierarchy path mounted there (usually "/") */
  char *controllers;  /* "memory", "cpu,cpuacct", "name=systemd" */
  char *own_path;     /* this process's cgroup in it, from /proc/self/cgroup */
};

int cgroup_detect_layout (enum cgroup_layout *out, cl_error **err);
int cgroup_v1_hierarchies (struct cgroup_v1_hierarchy **out, size_t *n, cl_error **err);
void cgroup_v1_hierarchies_free (struct cgroup_v1_hierarchy *h, size_t n);
/* This process's cgroup2 path ("/user.slice/..."), from the "0::" line. */
int cgroup_v2_own_path (char **out, cl_error **err);

#endif
