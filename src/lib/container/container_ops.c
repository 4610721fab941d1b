/* crun-lite: operations on a running container's cgroup: pause, resume,
 * update, the process list and usage statistics. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_systemd.h"
#include "container/container.h"
#include "base/utils.h"

/* Open the container and its cgroup; `need_running` refuses a stopped one. */
static int
open_with_cgroup (const char *root, const char *id, struct container_ref *ref, struct cgroup **cg,
                  bool need_running, cl_error **err)
{
  if (container_ref_open (root, id, ref, err) < 0)
    return -1;
  if (need_running && ref->status == STATUS_STOPPED)
    return cl_fail (err, 0, "container not running: %s", id);
  if (ref->st->n_cgroup_dirs == 0)
    return cl_fail (err, ENOENT, "container `%s` has no cgroup", id);
  *cg = container_cgroup (ref->st);
  return 0;
}

int
container_pause (const char *root, const char *id, bool pause, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  if (pause && ref.status != STATUS_RUNNING)
    return cl_fail (err, 0, "container not running: %s", id);
  if (!pause && ref.status != STATUS_PAUSED)
    return cl_fail (err, 0, "container not paused: %s", id);
  return cgroup_freeze (cg, pause, err);
}

int
container_update (const char *root, const char *id, const struct oci_resources *res, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  if (cgroup_check_memory_update (cg, &res->memory, err) < 0)
    return -1;
  /* systemd first: it writes its own properties' files, then ours go on top. */
  if (cg->systemd_unit && cgroup_systemd_update (cg, res, err) < 0)
    return -1;
  return cgroup_apply (cg, res, err);
}

int
container_pids (const char *root, const char *id, pid_t **pids, size_t *n, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (container_ref_open (root, id, &ref, err) < 0)
    return -1;
  /* A stopped container lists what is left in its cgroup, usually nothing
   * (runc prints an empty list; its cgroup may be gone). */
  *pids = NULL;
  *n = 0;
  if (ref.st->n_cgroup_dirs == 0)
    return ref.status == STATUS_STOPPED ? 0 : cl_fail (err, ENOENT, "container `%s` has no cgroup", id);
  cg = container_cgroup (ref.st);
  if (cgroup_pids (cg, pids, n, err) == 0)
    return 0;
  if (ref.status != STATUS_STOPPED)
    return -1;
  cl_error_freep (err);
  *pids = NULL;
  *n = 0;
  return 0;
}

int
container_stats (const char *root, const char *id, char **json, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  return cgroup_stats_json (cg, json, err);
}

int
container_oom_kills (const char *root, const char *id, unsigned long long *count, cl_error **err)
{
  cleanup_container_ref struct container_ref ref;
  cleanup_cgroup struct cgroup *cg = NULL;
  cleanup_free char *data = NULL;
  const char *line;
  if (open_with_cgroup (root, id, &ref, &cg, true, err) < 0)
    return -1;
  /* v1: memory.oom_control "oom_kill N"; v2: memory.events "oom_kill N". */
  if (cgroup_read (cg, cg->layout == CGROUP_UNIFIED ? "" : "memory",
                   cg->layout == CGROUP_UNIFIED ? "memory.events" : "memory.oom_control", &data, err) < 0)
    return -1;
  line = strstr (data, "oom_kill ");
  *count = line ? strtoull (line + 9, NULL, 10) : 0;
  return 0;
}
