/* crun-lite: bind sources opened by the runtime (include/mount_sources.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mount_sources.h"
#include "sync.h"
#include "utils.h"

bool
mount_is_bind (const struct oci_mount *m)
{
  if (m->type && strcmp (m->type, "bind") == 0)
    return true;
  for (char *const *o = m->options; o && *o; o++)
    if (strcmp (*o, "bind") == 0 || strcmp (*o, "rbind") == 0)
      return true;
  return false;
}

void
mount_sources_make_absolute (struct oci_config *cfg, const char *bundle)
{
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      struct oci_mount *m = &cfg->mounts[i];
      if (m->source && *m->source && m->source[0] != '/' && mount_is_bind (m))
        {
          char *abs = xasprintf ("%s/%s", bundle, m->source);
          free (m->source);
          m->source = abs;
        }
    }
}

static bool
any_bind (const struct oci_config *cfg)
{
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (cfg->mounts[i].source && mount_is_bind (&cfg->mounts[i]))
      return true;
  return false;
}

/* In the init's mount namespace: one O_PATH fd per bind source (-1 where
 * the open failed).  Then back to our own namespace and directory; failing
 * that, this process must not go on. */
static int
open_in_namespace (int target_ns, const struct oci_config *cfg, int *fds, cl_error **err)
{
  cleanup_close int own_ns = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  cleanup_close int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (own_ns < 0 || cwd < 0 || setns (target_ns, CLONE_NEWNS) < 0)
    return 0;
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (cfg->mounts[i].source && mount_is_bind (&cfg->mounts[i]))
      fds[i] = open (cfg->mounts[i].source, O_PATH | O_CLOEXEC);
  if (setns (own_ns, CLONE_NEWNS) < 0 || fchdir (cwd) < 0)
    return cl_fail (err, errno, "return to the runtime's mount namespace");
  return 0;
}

int
mount_sources_send (pid_t init, const struct oci_config *cfg, int sync_fd, cl_error **err)
{
  char path[64];
  cleanup_close int target_ns = -1;
  int *fds;
  int rc = 0;

  if (geteuid () != 0 || running_rootless () || !any_bind (cfg))
    return 0;
  snprintf (path, sizeof path, "/proc/%d/ns/mnt", (int) init);
  target_ns = open (path, O_RDONLY | O_CLOEXEC);
  if (target_ns < 0)
    return 0;
  fds = xmalloc (cfg->n_mounts * sizeof *fds);
  for (size_t i = 0; i < cfg->n_mounts; i++)
    fds[i] = -1;
  rc = open_in_namespace (target_ns, cfg, fds, err);
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      if (rc == 0 && fds[i] >= 0)
        rc = sync_send_fd (sync_fd, SYNC_MOUNT_SOURCE, (int32_t) i, fds[i], err);
      closep (&fds[i]);
    }
  free (fds);
  return rc;
}

void
mount_sources_store (struct mount_sources *s, size_t n_mounts, int32_t index, int fd)
{
  if (index < 0 || (size_t) index >= n_mounts)
    {
      close (fd);
      return;
    }
  if (s->fds == NULL)
    {
      s->fds = xmalloc (n_mounts * sizeof *s->fds);
      s->n = n_mounts;
      for (size_t i = 0; i < n_mounts; i++)
        s->fds[i] = -1;
    }
  if (s->fds[index] >= 0)
    close (s->fds[index]);
  s->fds[index] = fd;
}

void
mount_sources_close (struct mount_sources *s)
{
  for (size_t i = 0; i < s->n; i++)
    closep (&s->fds[i]);
  free (s->fds);
  s->fds = NULL;
  s->n = 0;
}
