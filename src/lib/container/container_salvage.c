/* crun-lite: `delete --force` of what has no readable state (see
 * include/container/container.h).  The record is written before the first cgroup,
 * scope or process exists, so a state directory without a readable
 * state.json holds at most the config's copy; a state.json that cannot be
 * parsed (damaged by hand or by the disk) is the other case.  Either way,
 * what the config's copy names is found again and removed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgroup/cgroup.h"
#include "container/container.h"
#include "base/log.h"
#include "config/oci_config.h"
#include "state/state.h"
#include "base/utils.h"

/* runc's systemd form, "slice:prefix:name", is the only one with colons. */
static bool
systemd_path (const char *p)
{
  const char *c = p ? strchr (p, ':') : NULL;
  return c && strchr (c + 1, ':') && !strchr (strchr (c + 1, ':') + 1, ':');
}

/* The container's cgroup as `create` would have planned it: the leaf
 * directories that exist are the ones to empty and remove. */
static struct cgroup *
planned_cgroup (const struct oci_config *cfg, const char *id)
{
  struct cgroup *cg = NULL;
  cleanup_error cl_error *e = NULL;
  if (systemd_path (cfg->linux_section.cgroups_path))
    {
      if (cgroup_plan_systemd (cfg, id, &cg, &e) < 0)
        return NULL;
      cg->systemd_started = true;
      return cg;
    }
  if (cgroup_plan (cfg, id, &cg, &e) < 0)
    return NULL;
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (access (cg->dirs[i], F_OK) == 0)
      {
        cg->created = xrealloc (cg->created, (cg->n_created + 1) * sizeof (char *));
        cg->created[cg->n_created++] = xstrdup (cg->dirs[i]);
      }
  return cg;
}

static void
remove_planned_cgroup (const struct oci_config *cfg, const char *id)
{
  cleanup_cgroup struct cgroup *cg = planned_cgroup (cfg, id);
  cleanup_error cl_error *e = NULL;
  if (cg && cgroup_destroy (cg, &e) < 0)
    log_warning ("%s", e->msg);
}

/* No state directory at all: only an empty cgroup left under the id's
 * default path (by an older runtime, or by hand) is removed; a guess is
 * never reason enough to kill what is in it. */
static void
remove_default_cgroup_if_empty (const char *id)
{
  cleanup_cgroup struct cgroup *cg = NULL;
  cleanup_error cl_error *e = NULL;
  struct oci_config empty = { 0 };
  if (cgroup_plan (&empty, id, &cg, &e) < 0)
    return;
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (rmdir (cg->dirs[i]) == 0)
      log_debug ("delete --force %s: removed the empty cgroup %s", id, cg->dirs[i]);
}

int
container_salvage (const char *root, const char *id, cl_error **err)
{
  cleanup_close int rootfd = -1, dirfd = -1;
  cleanup_config struct oci_config *cfg = NULL;
  cleanup_free char *data = NULL;
  cleanup_error cl_error *why = NULL;
  size_t len;

  if (state_root_open (root, false, &rootfd, &why) < 0 || state_dir_open (rootfd, id, &dirfd, &why) < 0)
    {
      if (why->errnum != ENOENT)
        return cl_fail (err, why->errnum, "%s", why->msg);
      remove_default_cgroup_if_empty (id);
      return 0;
    }
  {
    /* Made (by a create that held the lock) since the caller looked. */
    cleanup_state struct container_state *st = NULL;
    if (state_read (dirfd, id, &st, &why) == 0)
      return cl_fail_as (err, EAGAIN, "container `%s` appeared while being deleted", id);
    cl_error_freep (&why);
  }
  if (read_file_at (dirfd, "config.json", 64 << 20, &data, &len, &why) == 0
      && config_parse (data, len, "config.json", &cfg, &why) == 0)
    remove_planned_cgroup (cfg, id);
  else if (why->errnum != ENOENT)
    log_warning ("delete --force %s: the config's copy cannot be read (%s): its cgroup is not looked for", id,
                 why->msg);
  return state_dir_remove (rootfd, id, err);
}
