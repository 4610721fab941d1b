/* crun-lite: changing the flags of a bind mount (read-only and the rest),
 * shared by every step that makes one. */
#ifndef CRL_REMOUNT_H
#define CRL_REMOUNT_H

#include "base/error.h"

/* Remount a bind mount with `flags`, keeping nosuid/nodev/noexec when
 * making it read-only, and adding the flags the kernel locked on it when a
 * plain remount is refused. */
int remount_bind (const char *target, unsigned long flags, const char *what, cl_error **err);
/* A bind mount of the config given exactly the flags its options ask for
 * (runc 1.2+): nothing of the source's is kept but what the kernel locks
 * (a mount inherited into a user namespace), and asking to clear a locked
 * flag ("rw" over a read-only source there) is an error, not ignored. */
int remount_bind_exact (const char *target, unsigned long flags, unsigned long cleared, const char *what,
                        cl_error **err);

#endif
