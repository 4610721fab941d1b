/* crun-lite: the container's device nodes: the default ones, linux.devices,
 * and /dev's links (made by mknod, or bound from the host in a user
 * namespace). */
#ifndef CRL_DEVICES_H
#define CRL_DEVICES_H

#include "base/error.h"
#include "fs/rootfs_ctx.h"

int rootfs_create_devices (struct rootfs_ctx *ctx, cl_error **err);

#endif
