/* crun-lite: what the steps that build the container's filesystem share
 * (rootfs.c, rootfs_cgroup.c, devices.c). */
#ifndef CRL_ROOTFS_CTX_H
#define CRL_ROOTFS_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include "config/oci_config.h"
#include "cgroup/cgroup_layout.h"
#include "fs/mount_sources.h"

struct rootfs_ctx
{
  const struct oci_config *cfg;
  const char *rootfs;   /* absolute path on the host */
  int rootfd;           /* O_PATH on the rootfs once it is a mount point */
  bool in_userns;       /* a new user namespace: no mknod, flags may be locked */
  bool new_cgroupns;
  bool no_pivot;
  bool host_mntns;      /* no mount namespace of its own: mounts land in the runtime's, then chroot */
  /* A read-only /dev mount: made writable first, read-only in rootfs_finalize
   * with these flags kept (nosuid, nodev, noexec). */
  bool dev_readonly;
  unsigned long dev_flags;
  /* v1 only: the container's own cgroup directories, read before a new
   * cgroup namespace hid their paths.  They are bound rather than mounted
   * afresh: a fresh v1 mount in a new cgroup namespace makes a superblock
   * per hierarchy, charged to the container (~20 KiB here).  NULL: read
   * them when mounting. */
  const struct cgroup_v1_hierarchy *v1_own;
  size_t n_v1_own;
  /* v2: the container's own cgroup path, read likewise (NULL: not read). */
  const char *v2_own;
  /* Bind sources the runtime opened with its privileges, by mount index. */
  const struct mount_sources *sources;
};

#endif
