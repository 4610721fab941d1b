/* crun-lite: turning the container's init into the configured process:
 * rlimits, user and groups, capabilities, environment, and the executable
 * to exec.  Called in the child, inside the container's root. */
#ifndef CRL_PROCESS_H
#define CRL_PROCESS_H

#include <stdbool.h>
#include "config/oci_config.h"
#include "base/error.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int process_apply_rlimits (const struct oci_process *p, cl_error **err);
/* Bounding set first (needs CAP_SETPCAP), then uid/gid with the permitted
 * set kept across the switch, then effective/permitted/inheritable/ambient. */
int process_drop_bounding (const struct oci_capabilities *caps, cl_error **err);
int process_set_credentials (const struct oci_process *p, bool setgroups_allowed, cl_error **err);
int process_apply_capabilities (const struct oci_capabilities *caps, cl_error **err);
/* A warning (runtime-spec 1.3) for each ambient capability the kernel will
 * not raise: one missing from permitted or inheritable. */
void process_warn_unraisable_ambient (const struct oci_capabilities *caps);

/* The environment to exec with: the config's, plus HOME from the
 * container's /etc/passwd when the config does not set it. */
char **process_environment (const struct oci_process *p);
/* Find args[0] using PATH from `env` (not the runtime's own PATH). */
int process_find_executable (const char *arg0, char *const *env, char **out, cl_error **err);

struct seccomp_program;
bool process_setgroups_allowed (void);
/* From root with every capability to the configured process, ready to exec:
 * seccomp first when no_new_privs is off, the bounding set, user and groups,
 * capabilities, cwd, the executable (found with env's PATH), umask; a
 * filter with SCMP_ACT_NOTIFY is installed here too (with no_new_privs, last)
 * and its notification fd returned in *listener_fd (else -1). */
int process_become (const struct oci_process *p, const struct seccomp_program *seccomp, char *const *env, char **exe,
                    int *listener_fd, cl_error **err);
/* Run by process_exec after the filter is in place, before execve. */
typedef int process_last_step (void *arg, cl_error **err);
/* The last steps: no_new_privs, every fd past stdio and the preserved ones
 * closed on exec, seccomp (with no_new_privs), last_step (when not NULL),
 * execve.  Returns only on failure. */
int process_exec (const struct oci_process *p, const struct seccomp_program *seccomp, int preserve_fds, const char *exe,
                  char *const *env, process_last_step *last_step, void *arg, cl_error **err);

/* Capability name ("CAP_KILL", any case, with or without "CAP_") to number;
 * -1 when unknown to this kernel or libcap. */
int capability_from_name (const char *name);

#endif
