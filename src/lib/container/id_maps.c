/* crun-lite: uid/gid maps (include/container/id_maps.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "container/id_maps.h"
#include "fs/idmap.h"
#include "base/utils.h"

/* Is the mapping just the caller's own id (what an unprivileged process may
 * write itself)? */
static bool
only_own_id (const struct oci_id_mapping *m, size_t n, uint32_t own)
{
  return n == 1 && m[0].size == 1 && m[0].host_id == own;
}

/* newuidmap/newgidmap (Debian's uidmap) write ranges from /etc/subuid and
 * /etc/subgid on behalf of an unprivileged user. */
static int
run_id_helper (const char *helper, pid_t pid, const struct oci_id_mapping *m, size_t n, const char *field,
               cl_error **err)
{
  char **argv = xzalloc ((n * 3 + 3) * sizeof *argv);
  pid_t child;
  int status;
  argv[0] = xstrdup (helper);
  argv[1] = xasprintf ("%d", (int) pid);
  for (size_t i = 0; i < n; i++)
    {
      argv[2 + i * 3] = xasprintf ("%u", m[i].container_id);
      argv[3 + i * 3] = xasprintf ("%u", m[i].host_id);
      argv[4 + i * 3] = xasprintf ("%u", m[i].size);
    }
  child = fork ();
  if (child == 0)
    {
      execvp (helper, argv);
      _exit (127);
    }
  strv_free (argv);
  if (child < 0 || waitpid (child, &status, 0) < 0)
    return cl_fail (err, errno, "%s: run %s", field, helper);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    return cl_fail_as (err, ENOENT, "%s: mapping ids other than your own needs %s (apt-get install uidmap)", field,
                       helper);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return cl_fail_as (err, EPERM, "%s: %s refused the mapping: the ranges must be yours in /etc/sub%cid", field,
                       helper, helper[3] == 'u' ? 'u' : 'g');
  return 0;
}

static int
write_id_map (pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n, cl_error **err)
{
  bool uid = strcmp (file, "uid_map") == 0;
  const char *field = uid ? "linux.uidMappings" : "linux.gidMappings";
  if (geteuid () != 0 && !only_own_id (m, n, uid ? geteuid () : getegid ()))
    return run_id_helper (uid ? "newuidmap" : "newgidmap", pid, m, n, field, err);
  if (id_map_write (pid, file, m, n, err) < 0)
    return cl_wrap (err, "%s", field);
  return 0;
}

/* An unprivileged mapping of one's own gid requires setgroups to be denied
 * first (the kernel's rule); root's mappings leave it allowed. */
int
id_maps_write (pid_t pid, const struct oci_config *cfg, cl_error **err)
{
  const struct oci_linux *l = &cfg->linux_section;
  if (geteuid () != 0 && only_own_id (l->gid_mappings, l->n_gid_mappings, getegid ()))
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/setgroups", (int) pid);
      if (write_file_at (AT_FDCWD, path, "deny", 4, err) < 0)
        return cl_wrap (err, "linux.gidMappings: deny setgroups");
    }
  if (write_id_map (pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0
      || write_id_map (pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err) < 0)
    return -1;
  return 0;
}

