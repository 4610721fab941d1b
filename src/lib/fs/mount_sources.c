/* crun-lite: bind sources opened by the runtime (include/fs/mount_sources.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fs/idmap.h"
#include "config/mount_options.h"
#include "fs/mount_sources.h"
#include "base/sync.h"
#include "base/utils.h"

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
 * the open failed), an idmapped tree per idmapped mount (which must not
 * fail).  Then back to our own namespace and directory; failing that, this
 * process must not go on. */
static int
open_in_namespace (int target_ns, const struct oci_config *cfg, const int *userns, int *fds, cl_error **err)
{
  cleanup_close int own_ns = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  cleanup_close int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  int rc = 0;

  if (own_ns < 0 || cwd < 0 || setns (target_ns, CLONE_NEWNS) < 0)
    {
      /* The plain binds are left to the init; an idmapped one cannot be. */
      for (size_t i = 0; i < cfg->n_mounts; i++)
        if (userns[i] >= 0)
          return cl_fail (err, errno, "mounts[%zu] (%s): idmap: enter the container's mount namespace", i,
                          cfg->mounts[i].destination);
      return 0;
    }
  for (size_t i = 0; i < cfg->n_mounts && rc == 0; i++)
    if (userns[i] >= 0)
      rc = idmap_tree (cfg, i, userns[i], &fds[i], err);
    else if (cfg->mounts[i].source && mount_is_bind (&cfg->mounts[i]))
      fds[i] = open (cfg->mounts[i].source, O_PATH | O_CLOEXEC);
  if (setns (own_ns, CLONE_NEWNS) < 0 || fchdir (cwd) < 0)
    {
      cl_error_freep (err);
      return cl_fail (err, errno, "return to the runtime's mount namespace");
    }
  return rc;
}

/* The user namespace each idmapped mount maps through: its own mappings'
 * (a namespace made for it), else `fallback_ns` (the container's; -1: none). */
static int
open_idmap_userns (const struct oci_config *cfg, const char *fallback_ns, int *userns, cl_error **err)
{
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      if (!mount_is_idmapped (m, NULL))
        continue;
      if (m->n_uid_mappings && idmap_userns_open (m, &userns[i], err) < 0)
        return -1;
      if (m->n_uid_mappings == 0 && (userns[i] = fallback_ns ? open (fallback_ns, O_RDONLY | O_CLOEXEC) : -1) < 0)
        return cl_fail (err, errno, "mounts[%zu] (%s): idmap: the container's user namespace", i, m->destination);
    }
  return 0;
}

static int *
fd_slots (size_t n)
{
  int *fds = xmalloc ((n ? n : 1) * sizeof *fds);
  for (size_t i = 0; i < n; i++)
    fds[i] = -1;
  return fds;
}

static void
fd_slots_free (int *fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    closep (&fds[i]);
  free (fds);
}

int
mount_sources_prepare_idmapped (const struct oci_config *cfg, struct mount_sources *s, cl_error **err)
{
  int *userns, rc = 0;
  const struct oci_namespace *container_userns = config_namespace (cfg, CLONE_NEWUSER);
  if (container_userns && container_userns->path == NULL)
    return 0;   /* made once the container's namespace exists (mount_sources_send) */
  userns = fd_slots (cfg->n_mounts);
  /* A user namespace joined by path maps the idmapped mounts that give no
   * mappings of their own, as a new one does (runc). */
  rc = open_idmap_userns (cfg, container_userns ? container_userns->path : NULL, userns, err);
  for (size_t i = 0; i < cfg->n_mounts && rc == 0; i++)
    if (userns[i] >= 0)
      {
        int tree = -1;
        rc = idmap_tree (cfg, i, userns[i], &tree, err);
        if (rc == 0)
          mount_sources_store (s, cfg->n_mounts, (int32_t) i, tree);
      }
  fd_slots_free (userns, cfg->n_mounts);
  return rc;
}

int
mount_sources_send (pid_t init, const struct oci_config *cfg, int sync_fd, cl_error **err)
{
  char path[64], userns_path[64];
  cleanup_close int target_ns = -1;
  int *fds, *userns;
  int rc;

  if (geteuid () != 0 || running_rootless () || !any_bind (cfg))
    return 0;
  snprintf (path, sizeof path, "/proc/%d/ns/mnt", (int) init);
  snprintf (userns_path, sizeof userns_path, "/proc/%d/ns/user", (int) init);
  target_ns = open (path, O_RDONLY | O_CLOEXEC);
  if (target_ns < 0)
    return 0;
  fds = fd_slots (cfg->n_mounts);
  userns = fd_slots (cfg->n_mounts);
  rc = open_idmap_userns (cfg, userns_path, userns, err);
  if (rc == 0)
    rc = open_in_namespace (target_ns, cfg, userns, fds, err);
  for (size_t i = 0; i < cfg->n_mounts && rc == 0; i++)
    if (fds[i] >= 0)
      rc = sync_send_fd (sync_fd, SYNC_MOUNT_SOURCE, (int32_t) i, fds[i], err);
  fd_slots_free (fds, cfg->n_mounts);
  fd_slots_free (userns, cfg->n_mounts);
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
