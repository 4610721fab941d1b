/* crun-lite: building the container's filesystem view, inside its new mount
 * namespace: the rootfs bind, the config's mounts in order, devices,
 * pivot_root, then masked and read-only paths. */
#ifndef CRL_ROOTFS_H
#define CRL_ROOTFS_H

#include "base/error.h"
#include "fs/rootfs_ctx.h"



int rootfs_prepare (struct rootfs_ctx *ctx, cl_error **err);
int rootfs_apply_mounts (struct rootfs_ctx *ctx, cl_error **err);
int rootfs_pivot (struct rootfs_ctx *ctx, cl_error **err);
/* After the pivot: masked and read-only paths, read-only root, propagation. */
int rootfs_finalize (struct rootfs_ctx *ctx, cl_error **err);

/* Detach every mount below `rootfs` in the caller's mount namespace,
 * deepest first: a container without a mount namespace of its own made them. */
void rootfs_unmount_below (const char *rootfs);

#endif
