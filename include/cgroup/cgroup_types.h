/* crun-lite: the container's cgroup as planned and made (shared by every
 * part of include/cgroup/cgroup.h's implementation). */
#ifndef CRL_CGROUP_TYPES_H
#define CRL_CGROUP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include "cgroup/cgroup_layout.h"

/* The name of a hybrid host's controller-less cgroup2 directory among a
 * container's v1 directories (no controller has this name). */
#define HYBRID_V2_KEY "unified"

struct cgroup
{
  enum cgroup_layout layout;
  /* The container's directory in each hierarchy: one on v2; on v1 one per
   * hierarchy, named by its controllers ("memory", "cpu,cpuacct", "name=systemd"),
   * and on a hybrid host one in the controller-less cgroup2 (HYBRID_V2_KEY). */
  size_t n_dirs;
  char **controllers;
  char **dirs;
  /* Directories this container created, parents before children. */
  size_t n_created;
  char **created;
  /* The systemd driver (--systemd-cgroup): the transient scope holding the
   * container, in its slice, from the system or the user's manager.  The
   * directories are known once systemd has made the scope (cgroup_enter_init). */
  char *systemd_unit, *systemd_slice;
  bool systemd_user;
  bool systemd_started;
};

#endif
