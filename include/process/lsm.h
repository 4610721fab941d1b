/* crun-lite: AppArmor profiles and SELinux labels.
 *
 * A label in the config is applied where its LSM is enabled; where it is
 * not, the container is refused before anything is made (runc refuses
 * SELinux labels the same way, and fails AppArmor profiles in the init): a
 * container that asked for confinement never runs without it. */
#ifndef CRL_LSM_H
#define CRL_LSM_H

#include <stdbool.h>
#include "base/error.h"
#include "config/oci_config.h"

bool lsm_apparmor_enabled (void);
bool lsm_selinux_enabled (void);

/* Refuse labels this host cannot apply (`field` names them in the error). */
int lsm_check_process (const struct oci_process *p, cl_error **err);
int lsm_check_mount_label (const char *mount_label, cl_error **err);

/* Whether the process asks for an AppArmor profile or an SELinux label. */
bool lsm_wants_exec_label (const struct oci_process *p);
/* Set, through a trusted procfs, the label the next execve switches to. */
int lsm_set_exec_label (int procfd, const struct oci_process *p, cl_error **err);
/* The SELinux label keys created from now on get (the session keyring). */
int lsm_set_keycreate_label (int procfd, const struct oci_process *p, cl_error **err);

/* Mount data with linux.mountLabel added as context="...", for the
 * filesystems that take it (not proc, sysfs, mqueue, cgroup or binds).
 * Returns a new string, or NULL when nothing is to be added. */
char *lsm_mount_data (const char *type, const char *data, const char *mount_label);

#endif
