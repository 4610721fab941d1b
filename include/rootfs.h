/* crun-lite: building the container's filesystem view, inside its new mount
 * namespace: the rootfs bind, the config's mounts in order, devices,
 * pivot_root, then masked and read-only paths. */
#ifndef CRL_ROOTFS_H
#define CRL_ROOTFS_H

#include <stdbool.h>
#include "oci_config.h"
#include "cgroup_layout.h"
#include "mount_sources.h"
#include "error.h"

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
  /* Bind sources the runtime opened with its privileges, by mount index. */
  const struct mount_sources *sources;
};

int rootfs_prepare (struct rootfs_ctx *ctx, cl_error **err);
int rootfs_apply_mounts (struct rootfs_ctx *ctx, cl_error **err);
int rootfs_create_devices (struct rootfs_ctx *ctx, cl_error **err);
int rootfs_pivot (struct rootfs_ctx *ctx, cl_error **err);
/* After the pivot: masked and read-only paths, read-only root, propagation. */
int rootfs_finalize (struct rootfs_ctx *ctx, cl_error **err);

/* Detach every mount below `rootfs` in the caller's mount namespace,
 * deepest first: a container without a mount namespace of its own made them. */
void rootfs_unmount_below (const char *rootfs);

/* Shared by the mount code: remount a bind mount with `flags`, adding the
 * flags the kernel locked on it when a plain remount is refused. */
int remount_bind (const char *target, unsigned long flags, const char *what, cl_error **err);
/* Mount the `cgroup` type of a config mount (rootfs_cgroup.c). */
int rootfs_mount_cgroup (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, cl_error **err);

#endif
