/* crun-lite: the container's cgroup.  One interface, two drivers chosen at
 * run time from the host's layout (cgroup_driver.h): cgroup v2 (unified)
 * and v1 (legacy, and hybrid hosts, whose controller-less cgroup2 mount
 * only holds the same path as the container's other hierarchies, for
 * systemd's tracking); with --systemd-cgroup a transient scope made through
 * systemd (cgroup_systemd.h) holds it, and the layout's driver writes its
 * files.  The calls go one way: cgroup.c -> drivers and systemd ->
 * cgroup_files.c (directories and files) -> cgroup_layout.c.
 *
 * The runtime makes the directories and applies the limits before the
 * container's init exists, then places the init in them before it runs any
 * of the user's code.  Every directory it made is recorded, and removed
 * again on delete and on every failure path. */
#ifndef CRL_CGROUP_H
#define CRL_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "cgroup/cgroup_layout.h"
#include "base/error.h"
#include "config/oci_config.h"

#include "cgroup/cgroup_types.h"
#include "cgroup/cgroup_files.h"

/* Where the container's cgroup goes: linux.cgroupsPath (absolute: from each
 * hierarchy's root; relative: below the runtime's own cgroup on v1, below
 * its parent on v2), or the id as a relative path when absent, as runc. */
int cgroup_plan (const struct oci_config *cfg, const char *id, struct cgroup **out, cl_error **err);
/* With --systemd-cgroup: cgroupsPath is "slice:prefix:name" (the scope
 * prefix-name.scope in slice; empty: system.slice and crun-lite-ID.scope).
 * Fails at once where systemd is not running. */
int cgroup_plan_systemd (const struct oci_config *cfg, const char *id, struct cgroup **out, cl_error **err);
/* Make the directories (recording them) and apply linux.resources. */
int cgroup_create (struct cgroup *cg, const struct oci_resources *res, cl_error **err);
/* cgroup_create with the config's resources, its device rules completed
 * with allow rules for the devices the container is given. */
int cgroup_create_for (struct cgroup *cg, const struct oci_config *cfg, cl_error **err);
int cgroup_apply (const struct cgroup *cg, const struct oci_resources *res, cl_error **err);
/* Does linux.resources ask for any limit (device rules aside)? */
bool cgroup_resources_requested (const struct oci_resources *r);
int cgroup_enter (const struct cgroup *cg, pid_t pid, cl_error **err);
/* Put pid in dir, a directory of hierarchy i of cg (errno on failure).  A
 * process moving itself writes "0" to a v1 hierarchy's `tasks`: the one
 * move without the global lock (struct cgroup_entry says why).  The
 * runtime is single-threaded, so that moving the thread moves it all. */
int cgroup_join_dir (const struct cgroup *cg, size_t i, const char *dir, pid_t pid);
/* As cgroup_enter, into sub-cgroups (exec --cgroup): each spec is "PATH"
 * (every hierarchy) or "CTRL[,CTRL]:PATH" (those controllers' hierarchies,
 * v1), PATH relative to the container's cgroup and inside it; NULL specs
 * is cgroup_enter. */
int cgroup_enter_sub (const struct cgroup *cg, pid_t pid, char *const *specs, cl_error **err);
/* The init's own way into its cgroup, opened by the runtime before the
 * clone (the files are the runtime's to open, not a child's that may be in
 * a user namespace already): the v2 directory it is born in (clone3 with
 * CLONE_INTO_CGROUP; born_in_fd) or, without clone3, whose cgroup.procs it
 * writes "0" to; and on v1 each hierarchy's `tasks`, where it writes "0".
 * A task moving itself while alone in its thread group is the one move
 * the kernel makes without the global threadgroup lock, whose write side
 * waits for an RCU grace period: another process writing the init's pid
 * into cgroup.procs costs 5-20 ms here, the init's own writes 0.2 ms for
 * nine hierarchies.  With the systemd driver, whose scope systemd makes
 * around the init's pid, the parent moves it instead (parent_moves). */
struct cgroup_entry
{
  int born_in_fd, procs_fd;
  size_t n_tasks;
  int *tasks_fds;
  bool parent_moves;
};
int cgroup_entry_open (const struct cgroup *cg, struct cgroup_entry *e, cl_error **err);
/* In the init, single-threaded: join (born_in: the clone put it in the v2
 * directory already), then close the files.  Nothing to do on an empty one. */
int cgroup_entry_join (struct cgroup_entry *e, bool born_in, cl_error **err);
void cgroup_entry_close (struct cgroup_entry *e);
/* cgroup_enter for the container's init.  With the systemd driver this
 * makes the scope with the init in it, then the directories and limits. */
int cgroup_enter_init (struct cgroup *cg, const struct oci_config *cfg, pid_t pid, cl_error **err);
/* Kill whatever is left in it, then remove what was created. */
int cgroup_destroy (struct cgroup *cg, cl_error **err);
/* The directories cgroup_create would make now (the missing ones, parents
 * first; NULL when none): recorded before they exist, so that a runtime
 * killed between two mkdirs leaves none that `delete --force` does not know. */
char **cgroup_dirs_to_make (const struct cgroup *cg);
void cgroup_free (struct cgroup *cg);
void cgroup_freep (struct cgroup **cg);
#define cleanup_cgroup __attribute__ ((cleanup (cgroup_freep)))

int cgroup_freeze (const struct cgroup *cg, bool frozen, cl_error **err);
bool cgroup_is_frozen (const struct cgroup *cg);
/* Every pid in the container's cgroup. */
int cgroup_pids (const struct cgroup *cg, pid_t **out, size_t *n, cl_error **err);
int cgroup_signal_all (const struct cgroup *cg, int sig, cl_error **err);
/* runc's `events --stats` "data" object as JSON text; caller frees. */
int cgroup_stats_json (const struct cgroup *cg, char **out, cl_error **err);

#endif
