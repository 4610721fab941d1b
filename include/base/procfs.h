/* crun-lite: writes into procfs that a container cannot redirect.
 *
 * A container's config and its shared volumes can put mounts over parts of
 * the container's /proc (CVE-2025-52881: a bind over /proc/sys/... or
 * /proc/self/attr/exec turns the runtime's write into a write to a host
 * file).  So the runtime never writes through the container's /proc path:
 * it opens a procfs of its own (a fresh, detached instance where the kernel
 * allows it, else a non-recursive clone of /proc, else /proc itself) and
 * resolves every file beneath it without crossing a mount. */
#ifndef CRL_PROCFS_H
#define CRL_PROCFS_H

#include <stddef.h>
#include "base/error.h"

/* An fd on the root of a procfs for the caller's pid namespace, checked to
 * be procfs and its root (an fd, or -1 with err set). */
int procfs_open_trusted (cl_error **err);

/* Write an existing file `rel` (e.g. "sys/net/ipv4/ip_forward",
 * "thread-self/attr/exec") beneath procfd, refusing any mount crossing or
 * magic link on the way and checking the file itself is on procfs. */
int procfs_write (int procfd, const char *rel, const char *data, size_t len, cl_error **err);

#endif
