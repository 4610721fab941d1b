/* crun-lite: the container's cgroup directories and the files in them, what
 * the drivers, the systemd scope and cgroup.c share (cgroup_files.c).  It
 * calls none of them. */
#ifndef CRL_CGROUP_FILES_H
#define CRL_CGROUP_FILES_H

#include "cgroup/cgroup_types.h"
#include "base/error.h"
#include "config/oci_config.h"

#define V2_ROOT "/sys/fs/cgroup"
#define HYBRID_V2_ROOT V2_ROOT "/unified"

/* The container's directory below a hierarchy mounted at `mountpoint`,
 * showing the hierarchy's `mount_root`, where the runtime sits at `own`. */
char *cgroup_container_dir (const char *mountpoint, const char *mount_root, const char *own, const char *path);
/* Add a directory (taking `dir`) for `controllers`. */
void cgroup_add_dir (struct cgroup *cg, const char *controllers, char *dir);
/* A hybrid host's controller-less cgroup2 directory at the same path. */
int cgroup_add_hybrid_unified_dir (struct cgroup *cg, const char *path, bool from_root, cl_error **err);
/* mkdir -p, recording each directory made in cg->created. */
int cgroup_make_dirs (struct cgroup *cg, const char *dir, cl_error **err);
/* Take the directories of a cgroup path ("/system.slice/x.scope") in every
 * hierarchy. */
int cgroup_adopt_path (struct cgroup *cg, const char *path, cl_error **err);
/* Run without a cgroup: forget the directories (after cgroup_destroy). */
void cgroup_forget (struct cgroup *cg);

/* The directory of a v1 hierarchy holding `controller`; NULL when absent. */
const char *cgroup_v1_dir (const struct cgroup *cg, const char *controller);

/* Read one value file of the container's cgroup for a controller ("memory",
 * or "" on v2); caller frees.  Used by stats and tests of `update`. */
int cgroup_read (const struct cgroup *cg, const char *controller, const char *file, char **out, cl_error **err);
/* memory.checkBeforeUpdate (runtime-spec; kubelet's in-place resize): on
 * cgroup v2, refuse a memory (or memory+swap) limit that is not above what
 * the container uses now, before anything is changed. */
int cgroup_check_memory_update (const struct cgroup *cg, const struct oci_memory *m, cl_error **err);
/* Write `value` to dir/file; the error names the config field and the file. */
int cgroup_write (const char *dir, const char *file, const char *field, const char *value, cl_error **err);
/* cgroup_write in two steps, for a file written many times (one rule per
 * write): open `dir/file` for writing, then write `value` to that fd; the
 * errors read as cgroup_write's. */
int cgroup_open_file (const char *dir, const char *file, const char *field, int *out, cl_error **err);
int cgroup_write_fd (int fd, const char *dir, const char *file, const char *field, const char *value, cl_error **err);
/* cgroup_write to `file`, or to `fallback` where the kernel has no `file`
 * (blkio.weight and blkio.bfq.weight): an error names both when neither is there. */
int cgroup_write_or (const char *dir, const char *file, const char *fallback, const char *field, const char *value,
                     cl_error **err);
/* cgroup v2's cpu.weight (systemd's CPUWeight) for v1 cpu.shares: the
 * curve runc (1.3.2+), crun (1.23+) and Kubernetes use, through 2 -> 1,
 * 1024 (the default share) -> 100 (the default weight), 262144 -> 10000;
 * clamped to that range.  0 for 0 (not set). */
uint64_t cgroup_cpu_weight_from_shares (uint64_t shares);
/* The pids.max (TasksMax) for a config's pids.limit of 0 or more: 0 is a
 * limit (runtime-spec 1.3) but would refuse the init itself where it is
 * born in the cgroup (clone3 on v2) and means "none" to systemd: 1, the
 * init alone and no new task, as runc writes. */
static inline long long
pids_max_for (long long limit)
{
  return limit == 0 ? 1 : limit;
}
/* "mlx4_0 hca_handle=2 hca_object=2000": an rdma.max line, both versions. */
char *cgroup_rdma_value (const struct oci_rdma_limit *l);

#endif
