/* crun-lite: entering the container's namespaces (see
 * include/container/namespaces_enter.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "container/namespaces_enter.h"
#include "config/namespaces.h"
#include "base/utils.h"

/* A time namespace applies to the unsharer's children, and its offsets can
 * only be written while nobody is in it: unshare, write them, then move
 * ourselves in through time_for_children (no extra fork). */
int
namespaces_enter_new_time (const struct oci_linux *l, cl_error **err)
{
  char offsets[128];
  int n = 0;
  cleanup_close int ns = -1;

  if (unshare (CLONE_NEWTIME) < 0)
    return cl_fail (err, errno, "linux.namespaces: create the time namespace");
  if (l->time_monotonic.set)
    n += snprintf (offsets + n, sizeof offsets - (size_t) n, "monotonic %lld %u\n",
                   (long long) l->time_monotonic.secs, l->time_monotonic.nanosecs);
  if (l->time_boottime.set)
    n += snprintf (offsets + n, sizeof offsets - (size_t) n, "boottime %lld %u\n",
                   (long long) l->time_boottime.secs, l->time_boottime.nanosecs);
  if (n > 0)
    {
      /* Becoming root of a new user namespace made us non-dumpable, and a
       * non-dumpable process's /proc files are the host root's: ours again
       * for this write (nothing of the container runs yet), then not. */
      int dumpable = prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
      int rc;
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
      rc = write_file_at (AT_FDCWD, "/proc/self/timens_offsets", offsets, (size_t) n, err);
      prctl (PR_SET_DUMPABLE, dumpable > 0 ? dumpable : 0, 0, 0, 0);
      if (rc < 0)
        return cl_wrap (err, "linux.timeOffsets");
    }
  ns = open ("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (ns < 0 || setns (ns, CLONE_NEWTIME) < 0)
    return cl_fail (err, errno, "linux.namespaces: enter the new time namespace");
  return 0;
}

/* Join the namespaces given by path.  All are opened first (a joined
 * mount namespace changes how later paths resolve).  A user namespace is
 * joined last of all: before it, the runtime still holds its privileges,
 * which a namespace owned by another user namespace (a network namespace
 * made elsewhere) may need; what only the new user namespace may join is
 * joined after it (runc's order).  Then we become its root, as with a new
 * one: the host's uid 0 is not mapped there, and files could not be made. */
int
namespaces_join_configured (const struct oci_config *cfg, cl_error **err)
{
  int fds[16];
  const struct oci_namespace *nss[16];
  size_t n = 0, user = SIZE_MAX;
  int rc = -1;

  for (size_t i = 0; i < n_namespace_kinds && n < 16; i++)
    {
      const struct oci_namespace *ns = config_namespace (cfg, namespace_kinds[i].clone_flag);
      if (ns == NULL || ns->path == NULL)
        continue;
      fds[n] = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fds[n] < 0)
        {
          cl_fail (err, errno, "linux.namespaces: open %s namespace `%s`", ns->type_name, ns->path);
          goto out;
        }
      if (ns->type == CLONE_NEWUSER)
        user = n;
      nss[n++] = ns;
    }
  for (int pass = 0; pass < 3; pass++)
    for (size_t i = 0; i < n; i++)
      {
        /* pass 0: all but the user namespace; 1: the user namespace;
         * 2: what pass 0 was refused (EPERM) */
        if (fds[i] < 0 || (pass == 1) != (i == user))
          continue;
        if (setns (fds[i], nss[i]->type) < 0)
          {
            if (pass == 0 && errno == EPERM && user != SIZE_MAX)
              continue;
            cl_fail (err, errno, "linux.namespaces: join %s namespace `%s`", nss[i]->type_name, nss[i]->path);
            goto out;
          }
        closep (&fds[i]);
      }
  if (user != SIZE_MAX && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    {
      cl_fail (err, errno, "linux.namespaces: become root of the joined user namespace (is id 0 mapped in it?)");
      goto out;
    }
  rc = 0;
out:
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return rc;
}
