/* crun-lite: the container's init, from the clone to the exec of the user's
 * process.  Runs in the child; never returns.  Before the start gate every
 * failure travels to the parent over the sync socket (see sync.h). */
#ifndef CRL_CONTAINER_INIT_H
#define CRL_CONTAINER_INIT_H

#include <stdbool.h>
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_layout.h"
#include "fs/mount_sources.h"
#include "config/oci_config.h"
#include "process/process_attrs.h"
#include "process/seccomp_filter.h"

struct init_ctx
{
  const struct oci_config *cfg;
  const char *rootfs;
  int sync_fd;
  int gate_fd;             /* the start gate's listening socket (container/start_gate.h) */
  int start_conn;          /* `start`'s connection, once it came: for an exec's error */
  int unshare_flags;       /* namespaces the child creates itself (slow path) */
  bool new_userns;
  bool new_timens;         /* made by the child after the user namespace, with linux.timeOffsets */
  bool new_cgroupns;
  bool fork_for_pidns;     /* a pid namespace applies to children only: fork once */
  bool unseen_until_ready; /* cloned into a new pid namespace: nothing else sees us before SYNC_CREATED */
  bool no_pivot;
  bool wait_for_cgroup;     /* the parent moves us into the cgroup: wait for it */
  bool born_in_cgroup;      /* clone3 put us in the v2 directory */
  struct cgroup_entry cgroup_entry;   /* how we join the rest (cgroup.h) */
  const struct seccomp_program *seccomp;   /* compiled by the parent; NULL: none */
  const char *id, *bundle;  /* for the state hooks receive */
  const struct process_attrs *attrs;
  bool new_keyring;         /* a session keyring of its own (not with --no-new-keyring) */
  bool terminal;            /* open a pty and send its master to the parent */
  bool hooks_sync;          /* stop before pivot_root for the runtime's hooks */
  pid_t host_pid;           /* our pid as the host sees it (from SYNC_HOOKS_DONE) */
  int preserve_fds;
  int procfd;               /* the trusted procfs (include/base/procfs.h), -1 until first needed */
  /* v1: our cgroup directories, read just before unsharing the cgroup
   * namespace, for the /sys/fs/cgroup binds (include/fs/rootfs.h). */
  struct cgroup_v1_hierarchy *v1_own;
  size_t n_v1_own;
  char *v2_own;             /* v2: our cgroup's path, for a bind where cgroup2 cannot be mounted */
  struct mount_sources mount_sources;  /* bind sources the runtime opened for us */
};

_Noreturn void container_init (struct init_ctx *ctx);

#endif
