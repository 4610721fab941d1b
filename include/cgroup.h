/* crun-lite: the container's cgroup.  One interface, two drivers chosen at
 * run time from the host's layout: cgroup v2 (unified) and v1 (legacy, and
 * hybrid hosts, whose controller-less cgroup2 mount only holds the same
 * path as the container's other hierarchies, for systemd's tracking).
 *
 * The runtime makes the directories and applies the limits before the
 * container's init exists, then places the init in them before it runs any
 * of the user's code.  Every directory it made is recorded, and removed
 * again on delete and on every failure path. */
#ifndef CRL_CGROUP_H
#define CRL_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "cgroup_layout.h"
#include "error.h"
#include "oci_config.h"

/* The name of a hybrid host's controller-less cgroup2 directory among a
 * container's v1 directories (no controller has this name). */
#define HYBRID_V2_KEY "unified"

struct cgroup
{
  enum cgroup_layout layout;
  /* The container's directory in each hierarchy: one on v2; on v1 one per
   * hierarchy, named by its controllers ("memory", "cpu,cpuacct", "name=systemd"),
   * and on a hybrid host one in the controller-less cgroup2 (HYBRID_V2_KEY). */
  size_t n_dirs;
  char **controllers;
  char **dirs;
  /* Directories this container created, parents before children. */
  size_t n_created;
  char **created;
  /* The systemd driver (--systemd-cgroup): the transient scope holding the
   * container, in its slice, from the system or the user's manager.  The
   * directories are known once systemd has made the scope (cgroup_enter_init). */
  char *systemd_unit, *systemd_slice;
  bool systemd_user;
  bool systemd_started;
};

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
/* Run without a cgroup: forget the directories (after cgroup_destroy). */
void cgroup_forget (struct cgroup *cg);
int cgroup_enter (const struct cgroup *cg, pid_t pid, cl_error **err);
/* As cgroup_enter, into sub-cgroups (exec --cgroup): each spec is "PATH"
 * (every hierarchy) or "CTRL[,CTRL]:PATH" (those controllers' hierarchies,
 * v1), PATH relative to the container's cgroup and inside it; NULL specs
 * is cgroup_enter. */
int cgroup_enter_sub (const struct cgroup *cg, pid_t pid, char *const *specs, cl_error **err);
/* cgroup_enter for the container's init.  With the systemd driver this
 * makes the scope with the init in it, then the directories and limits. */
int cgroup_enter_init (struct cgroup *cg, const struct oci_config *cfg, pid_t pid, cl_error **err);
/* An O_DIRECTORY fd of the v2 directory, for clone3(CLONE_INTO_CGROUP); -1 on v1. */
int cgroup_v2_dir_fd (const struct cgroup *cg);
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

/* Read one value file of the container's cgroup for a controller ("memory",
 * or "" on v2); caller frees.  Used by stats and tests of `update`. */
int cgroup_read (const struct cgroup *cg, const char *controller, const char *file, char **out, cl_error **err);

/* Write `value` to dir/file; the error names the config field and the file. */
int cgroup_write (const char *dir, const char *file, const char *field, const char *value, cl_error **err);
/* cgroup_write to `file`, or to `fallback` where the kernel has no `file`
 * (blkio.weight and blkio.bfq.weight): an error names both when neither is there. */
int cgroup_write_or (const char *dir, const char *file, const char *fallback, const char *field, const char *value,
                     cl_error **err);

/* "mlx4_0 hca_handle=2 hca_object=2000": an rdma.max line, both versions. */
char *cgroup_rdma_value (const struct oci_rdma_limit *l);

/* Take the directories of a cgroup path ("/system.slice/x.scope") in every
 * hierarchy, making those that do not exist (recorded). */
int cgroup_adopt_path (struct cgroup *cg, const char *path, cl_error **err);

/* The systemd driver (cgroup_systemd.c). */
int cgroup_systemd_plan (struct cgroup *cg, const char *cgroups_path, const char *id, cl_error **err);
int cgroup_systemd_start (struct cgroup *cg, pid_t pid, const struct oci_resources *res, cl_error **err);
int cgroup_systemd_update (const struct cgroup *cg, const struct oci_resources *res, cl_error **err);
int cgroup_systemd_stop (const struct cgroup *cg, cl_error **err);

/* Driver entry points (cgroup_v1.c, cgroup_v2.c). */
int cgroup_v1_apply (const struct cgroup *cg, const struct oci_resources *res, cl_error **err);
int cgroup_v2_apply (const struct cgroup *cg, const struct oci_resources *res, cl_error **err);
int cgroup_v2_apply_devices (const char *dir, const struct oci_device_rule *rules, size_t n, cl_error **err);
int cgroup_v2_enable_controllers (const char *dir, cl_error **err);
/* The directory of a v1 hierarchy holding `controller`; NULL when absent. */
const char *cgroup_v1_dir (const struct cgroup *cg, const char *controller);

#endif
