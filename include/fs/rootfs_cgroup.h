/* crun-lite: a config mount of type cgroup (or cgroup2): the container's
 * own cgroup directories, bound where a fresh mount would cost memory. */
#ifndef CRL_ROOTFS_CGROUP_H
#define CRL_ROOTFS_CGROUP_H

#include "base/error.h"
#include "fs/rootfs_ctx.h"

int rootfs_mount_cgroup (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, cl_error **err);

#endif
