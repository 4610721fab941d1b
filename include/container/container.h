/* crun-lite: the container lifecycle as the runtime (parent) drives it. */
#ifndef CRL_CONTAINER_H
#define CRL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/error.h"
#include "state/state.h"

struct create_options
{
  const char *root;       /* state root */
  const char *id;
  const char *bundle;     /* as given; made absolute */
  const char *pid_file;   /* NULL: none */
  bool no_pivot;
  bool systemd_cgroup;    /* --systemd-cgroup */
  bool no_cgroup;         /* --cgroup-manager=disabled (crun's): the container gets no cgroup of its own */
  const char *console_socket;  /* --console-socket: where the pty master goes */
  const char *pidfd_socket;    /* --pidfd-socket: where a pidfd of the init goes */
  bool no_new_keyring;    /* --no-new-keyring */
  bool foreground;        /* `run` without --detach: may relay a terminal itself */
  int preserve_fds;
};

/* Set everything up and leave the init blocked on the start gate.
 * On failure nothing is left: no process, no state directory. */
int container_create (const struct create_options *o, pid_t *init_pid, cl_error **err);
/* As container_create; with process.terminal and no --console-socket (run
 * in the foreground), *console_master receives the pty master (else -1). */
int container_create_with_console (const struct create_options *o, pid_t *init_pid, int *console_master,
                                   cl_error **err);
int container_start (const char *root, const char *id, cl_error **err);
int container_kill (const char *root, const char *id, int sig, bool all, cl_error **err);
int container_delete (const char *root, const char *id, bool force, cl_error **err);
/* delete --force of an id without readable state (container_salvage.c):
 * its cgroup found again from the config's copy, then its directory. */
int container_salvage (const char *root, const char *id, cl_error **err);
/* The OCI state JSON of one container. */
int container_state_json (const char *root, const char *id, char **out, cl_error **err);

/* For `restore`, which makes a container from a checkpoint instead of an
 * init (checkpoint.c): read and check a bundle's config, resolve its rootfs;
 * record a container's state (and --pid-file) once its init exists. */
struct oci_config;
struct cgroup;
int container_load_bundle (const char *bundle, struct oci_config **cfg, char **config_data, size_t *config_len,
                           char **rootfs, cl_error **err);
/* Remove what a failed create (or restore) made: the cgroup directories
 * (warnings only), then the state directory. */
void container_undo (struct cgroup *cg, int rootfd, const char *id, const char *host_mounts_below);
/* The record, in three writes: before the first cgroup or process exists
 * (the config's copy, and the cgroup directories and scope about to be
 * made), once the init is cloned (its pid), and once it is created (the
 * final state, and --pid-file).  The first two are marked `creating`. */
int container_record_plan (int dirfd, const struct create_options *o, const char *bundle, const char *rootfs,
                           const struct oci_config *cfg, const struct cgroup *cg, const char *config_data,
                           size_t config_len, cl_error **err);
int container_record_init (int dirfd, const struct create_options *o, const char *bundle, const char *rootfs,
                           const struct oci_config *cfg, const struct cgroup *cg, pid_t pid, cl_error **err);
int container_record_state (int dirfd, const struct create_options *o, const char *bundle, const char *rootfs,
                            const struct oci_config *cfg, const struct cgroup *cg, pid_t pid, cl_error **err);

/* Load a container's state and status with its directory locked. */
struct container_ref
{
  int rootfd, dirfd;
  struct container_state *st;
  enum container_status status;
};
/* Operations on the container's cgroup (container_ops.c). */
struct oci_resources;
int container_pause (const char *root, const char *id, bool pause, cl_error **err);
int container_update (const char *root, const char *id, const struct oci_resources *res, cl_error **err);
int container_pids (const char *root, const char *id, pid_t **pids, size_t *n, cl_error **err);
int container_stats (const char *root, const char *id, char **json, cl_error **err);
int container_oom_kills (const char *root, const char *id, unsigned long long *count, cl_error **err);

/* The cgroup recorded in a container's state. */
struct cgroup *container_cgroup (const struct container_state *st);
int container_ref_open (const char *root, const char *id, struct container_ref *ref, cl_error **err);
void container_ref_close (struct container_ref *ref);
#define cleanup_container_ref __attribute__ ((cleanup (container_ref_close)))

#endif
