/* crun-lite: running another process in a running container (`exec`). */
#ifndef CRL_CONTAINER_EXEC_H
#define CRL_CONTAINER_EXEC_H

#include <stdbool.h>
#include "base/error.h"
#include "config/oci_config.h"

struct exec_options
{
  const char *root, *id;
  struct oci_process *process;   /* what to run (from --process, or the config's with overrides) */
  bool detach;
  const char *pid_file;
  const char *console_socket;    /* with process->terminal: where the pty master goes */
  const char *pidfd_socket;      /* --pidfd-socket: where a pidfd of the process goes */
  int preserve_fds;
  char *const *cgroup_specs;     /* --cgroup: "PATH" or "CTRL[,CTRL]:PATH", below the container's cgroup */
  bool ignore_paused;            /* exec into a paused container (the process starts frozen) */
};

/* Load a container's stored config (the copy made at create). */
int container_load_config (const char *root, const char *id, struct oci_config **out, cl_error **err);
/* Run the process: joins all the container's namespaces, its cgroup, and the
 * same confinement as its init (capabilities, seccomp, no_new_privs,
 * rlimits).  In the foreground *exit_code is its status (128+N if killed). */
int container_exec (const struct exec_options *o, int *exit_code, cl_error **err);

#endif
