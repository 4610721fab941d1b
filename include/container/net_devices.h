/* crun-lite: linux.netDevices (runtime-spec): host network interfaces moved
 * into the container's network namespace, renamed when the entry says so,
 * and moved back (with their host names) when the container is deleted or
 * its creation fails.  One rtnetlink RTM_NEWLINK per device each way.  An
 * interface whose namespace died with the container is not moved back: the
 * kernel destroys virtual ones and returns physical ones to the initial
 * namespace itself. */
#ifndef CRL_NET_DEVICES_H
#define CRL_NET_DEVICES_H

#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

/* Config checks: a network namespace of the container's, valid names. */
int net_devices_validate (const struct oci_config *cfg, cl_error **err);
/* Move them into `pid`'s network namespace, and give each one's interface
 * index there in *indexes (malloc'ed, n entries). */
int net_devices_move_in (const struct oci_kv *devs, size_t n, pid_t pid, int **indexes, cl_error **err);
/* Move them back from `pid`'s network namespace into ours, found by the
 * indexes move_in gave, never by name (the container may rename them, or
 * make an interface under a lent one's name); best effort: each failure
 * is a warning. */
void net_devices_move_out (const struct oci_kv *devs, size_t n, const int *indexes, pid_t pid);

#endif
