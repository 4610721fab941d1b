/* crun-lite: OCI hooks.  Each runs with the container's state JSON on its
 * stdin, its own args and env, and an optional timeout; a non-zero exit or a
 * timeout is an error naming the hook. */
#ifndef CRL_HOOKS_H
#define CRL_HOOKS_H

#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"
#include "state/state.h"

/* Run the hooks of one kind, in order, stopping at the first failure. */
int hooks_run (const struct oci_config *cfg, enum oci_hook_kind kind, const char *state_json, cl_error **err);
/* The container as hooks and seccomp listeners are told about it (the
 * strings are borrowed from the arguments). */
struct container_state hooks_state (const struct oci_config *cfg, const char *id, pid_t pid, const char *bundle);
/* The state document hooks receive, for a status name of the spec. */
char *hooks_state_json (const struct oci_config *cfg, const char *id, pid_t pid, const char *bundle,
                        const char *status);

/* Run every hook of `kind`; a failing one is a warning and the next still
 * runs (poststart and poststop, after which nothing can be undone). */
void hooks_run_warning (const struct oci_config *cfg, enum oci_hook_kind kind, const char *state_json);

#endif
