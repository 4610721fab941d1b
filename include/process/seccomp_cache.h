/* crun-lite: compiled seccomp programs cached (/var/cache/crun-lite/seccomp
 * for root, 0700, the runtime's own: never reachable from a container), so
 * that a profile is compiled once, not on every start.
 * CRUN_LITE_SECCOMP_CACHE=DIR puts it elsewhere;
 * CRUN_LITE_NO_SECCOMP_CACHE=1 bypasses it. */
#ifndef CRL_SECCOMP_CACHE_H
#define CRL_SECCOMP_CACHE_H

#include <stddef.h>
#include "process/seccomp_filter.h"

/* seccomp_compile, or the program a previous run compiled for the very
 * same profile. */
int seccomp_compile_cached (const struct oci_seccomp *s, struct seccomp_program *out, cl_error **err);
/* The profile's canonical form, the cache's key (caller frees). */
char *seccomp_cache_key (const struct oci_seccomp *s, size_t *len);

#endif
