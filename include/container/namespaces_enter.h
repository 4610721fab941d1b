/* crun-lite: how the init enters the namespaces its config names: the
 * ones given by path (joined), and a new time namespace (made, given its
 * offsets, entered).  The rest are made by the clone or by unshare. */
#ifndef CRL_NAMESPACES_ENTER_H
#define CRL_NAMESPACES_ENTER_H

#include "base/error.h"
#include "config/oci_config.h"

/* Join every namespace linux.namespaces gives by path, in runc's order
 * (the user namespace last, what only it may join after it), then become
 * root of a joined user namespace. */
int namespaces_join_configured (const struct oci_config *cfg, cl_error **err);

/* Make a time namespace, write linux.timeOffsets into it and enter it. */
int namespaces_enter_new_time (const struct oci_linux *l, cl_error **err);

#endif
