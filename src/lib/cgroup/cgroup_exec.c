/* crun-lite: exec --cgroup, a process joining a sub-cgroup of its
 * container's (see cgroup_enter_sub in include/cgroup/cgroup.h).  The messages
 * carry runc's words, which scripts match. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_systemd.h"
#include "base/utils.h"

/* Does the comma-separated list `have` name `want`? */
static bool
list_has (const char *have, const char *want, size_t want_len)
{
  for (const char *p = have; p && *p;)
    {
      const char *end = strchr (p, ',');
      size_t len = end ? (size_t) (end - p) : strlen (p);
      if (len == want_len && strncmp (p, want, len) == 0)
        return true;
      p = end ? end + 1 : NULL;
    }
  return false;
}

/* The spec's path if it applies to hierarchy i (NULL if not); fails on a
 * path that leaves the container's cgroup or an unknown controller. */
static int
spec_path_for (const struct cgroup *cg, size_t i, const char *spec, const char **path, cl_error **err)
{
  const char *colon = strchr (spec, ':');
  const char *p = colon ? colon + 1 : spec;
  bool applies = colon == NULL;

  for (const char *c = p; *c;)
    {
      const char *end = strchr (c, '/');
      size_t len = end ? (size_t) (end - c) : strlen (c);
      if (len == 2 && strncmp (c, "..", 2) == 0)
        return cl_fail_as (err, EINVAL, "--cgroup: %s is not a sub cgroup path", p);
      c = end ? end + 1 : c + len;
    }
  if (colon && cg->layout == CGROUP_UNIFIED)
    return cl_fail_as (err, EINVAL, "--cgroup %s: controllers cannot be named on cgroup v2", spec);
  for (const char *c = spec; colon && c < colon;)
    {
      const char *end = memchr (c, ',', (size_t) (colon - c));
      size_t len = end ? (size_t) (end - c) : (size_t) (colon - c);
      bool known = false;
      for (size_t k = 0; k < cg->n_dirs; k++)
        known |= list_has (cg->controllers[k], c, len);
      if (!known)
        return cl_fail_as (err, EINVAL, "--cgroup %s: unknown controller %.*s", spec, (int) len, c);
      applies |= list_has (cg->controllers[i], c, len);
      c = end ? end + 1 : colon;
    }
  *path = applies ? p : NULL;
  return 0;
}

int
cgroup_enter_sub (const struct cgroup *cg, pid_t pid, char *const *specs, cl_error **err)
{
  if (specs == NULL || specs[0] == NULL)
    {
      cl_error *e = NULL;
      if (cgroup_enter (cg, pid, &e) == 0)
        return 0;
      /* Not ours to move (a rootless exec from outside the user's
       * subtree: v2 wants write access where both cgroups meet); the
       * unit's manager may. */
      if ((e->errnum == EACCES || e->errnum == EPERM) && cg->systemd_unit)
        {
          cl_error_free (e);
          return cgroup_systemd_attach (cg, pid, "", err);
        }
      if (err)
        *err = e;
      else
        cl_error_free (e);
      return -1;
    }
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      const char *sub = "";
      cleanup_free char *dir = NULL;
      for (char *const *s = specs; *s; s++)
        {
          const char *p = NULL;
          if (spec_path_for (cg, i, *s, &p, err) < 0)
            return -1;
          if (p)
            sub = p;
        }
      while (*sub == '/')
        sub++;
      dir = *sub ? xasprintf ("%s/%s", cg->dirs[i], sub) : xstrdup (cg->dirs[i]);
      if (cgroup_join_dir (cg, i, dir, pid) < 0)
        {
          int e = errno;
          /* As above: the unit's manager moves it (in every hierarchy). */
          if ((e == EACCES || e == EPERM) && cg->systemd_unit)
            return cgroup_systemd_attach (cg, pid, sub, err);
          return cl_fail_as (err, e, "adding pid %d to cgroups: write %s/cgroup.procs: %s", (int) pid, dir,
                             errno_text_lower (e));
        }
    }
  return 0;
}
