/* crun-lite: host cgroup layout (see include/cgroup/cgroup_layout.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "cgroup/cgroup_layout.h"
#include "base/utils.h"

int
cgroup_detect_layout (enum cgroup_layout *out, cl_error **err)
{
  struct statfs sfs;
  if (statfs ("/sys/fs/cgroup", &sfs) < 0)
    return cl_fail (err, errno, "statfs /sys/fs/cgroup");
  if (sfs.f_type == CGROUP2_SUPER_MAGIC)
    *out = CGROUP_UNIFIED;
  else if (sfs.f_type == TMPFS_MAGIC)
    *out = (statfs ("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) ? CGROUP_HYBRID
                                                                                           : CGROUP_LEGACY;
  else
    return cl_fail (err, 0, "/sys/fs/cgroup: neither cgroup2 nor a tmpfs of v1 hierarchies");
  return 0;
}

/* Do the comma lists a and b name the same set of controllers? */
static int
same_controllers (const char *a, const char *b)
{
  cleanup_free char *ca = xstrdup (a);
  size_t count_a = 0, count_b = 1;
  char *save = NULL;
  for (const char *p = b; *p; p++)
    count_b += *p == ',';
  for (char *t = strtok_r (ca, ",", &save); t; t = strtok_r (NULL, ",", &save), count_a++)
    {
      size_t len = strlen (t);
      const char *p = b;
      int found = 0;
      while (!found && (p = strstr (p, t)))
        {
          found = (p == b || p[-1] == ',') && (p[len] == ',' || p[len] == '\0');
          p += len;
        }
      if (!found)
        return 0;
    }
  return count_a == count_b;
}

/* Our path in the hierarchy of `controllers`, from /proc/self/cgroup's
 * text (read once for all hierarchies). */
static char *
own_path_for (const char *proc_cgroup, const char *controllers)
{
  cleanup_free char *copy = xstrdup (proc_cgroup ? proc_cgroup : "");
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (line, ':'), *c2;
      if (c1 == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
        continue;
      *c2 = '\0';
      if (*(c1 + 1) && same_controllers (c1 + 1, controllers))
        return xstrdup (c2 + 1);
    }
  return NULL;
}

int
cgroup_v2_own_path (char **out, cl_error **err)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/cgroup", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  if (f == NULL)
    return cl_fail (err, errno, "open /proc/self/cgroup");
  while (getline (&line, &cap, f) > 0)
    if (strncmp (line, "0::", 3) == 0)
      {
        line[strcspn (line, "\n")] = '\0';
        *out = xstrdup (line + 3);
        return 0;
      }
  return cl_fail (err, ENOENT, "/proc/self/cgroup: no cgroup2 entry");
}

int
cgroup_v1_hierarchies (struct cgroup_v1_hierarchy **out, size_t *n, cl_error **err)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0, count = 0;
  struct cgroup_v1_hierarchy *v = NULL;

  cleanup_free char *proc_cgroup = NULL;
  cleanup_error cl_error *unread = NULL;

  if (f == NULL)
    return cl_fail (err, errno, "open /proc/self/mountinfo");
  if (read_file_at (AT_FDCWD, "/proc/self/cgroup", 1 << 20, &proc_cgroup, NULL, &unread) < 0)
    proc_cgroup = NULL;   /* every own path is then "/" */
  while (getline (&line, &cap, f) > 0)
    {
      /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
      char root[4096], mnt[4096], fstype[64], super[1024];
      char *dash = strstr (line, " - ");
      cleanup_free char *controllers = NULL;
      size_t clen = 0;
      char *save = NULL;

      if (dash == NULL || sscanf (line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2
          || sscanf (dash + 3, "%63s %*s %1023s", fstype, super) != 2 || strcmp (fstype, "cgroup") != 0)
        continue;
      controllers = xzalloc (strlen (super) + 1);
      for (char *t = strtok_r (super, ",", &save); t; t = strtok_r (NULL, ",", &save))
        {
          if (strcmp (t, "rw") == 0 || strcmp (t, "ro") == 0 || strncmp (t, "release_agent=", 14) == 0
              || strcmp (t, "clone_children") == 0 || strcmp (t, "noprefix") == 0 || strcmp (t, "xattr") == 0
              || strcmp (t, "nsdelegate") == 0)
            continue;
          clen += (size_t) sprintf (controllers + clen, "%s%s", clen ? "," : "", t);
        }
      v = xrealloc (v, (count + 1) * sizeof *v);
      v[count].mountpoint = xstrdup (mnt);
      v[count].mount_root = xstrdup (root);
      v[count].own_path = own_path_for (proc_cgroup, controllers);
      if (v[count].own_path == NULL)
        v[count].own_path = xstrdup ("/");
      v[count].controllers = steal_ptr (&controllers);
      count++;
    }
  *out = v;
  *n = count;
  return 0;
}

void
cgroup_v1_hierarchies_free (struct cgroup_v1_hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].mountpoint);
      free (h[i].mount_root);
      free (h[i].controllers);
      free (h[i].own_path);
    }
  free (h);
}
