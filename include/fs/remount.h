/* crun-lite: changing the flags of a bind mount (read-only and the rest),
 * shared by every step that makes one. */
#ifndef CRL_REMOUNT_H
#define CRL_REMOUNT_H

#include "base/error.h"

/* Remount a bind mount with `flags`, keeping nosuid/nodev/noexec when
 * making it read-only, and adding the flags the kernel locked on it when a
 * plain remount is refused. */
int remount_bind (const char *target, unsigned long flags, const char *what, cl_error **err);

#endif
