/* crun-lite: a config mount of type "cgroup" (/sys/fs/cgroup in the
 * container).  With a cgroup namespace the container gets fresh cgroup
 * filesystems whose root is its own cgroup; without one it gets binds of its
 * own cgroup directories, always read-only, so it can neither see nor
 * touch the rest of the host's tree. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup_layout.h"
#include "path_in_root.h"
#include "rootfs.h"
#include "utils.h"

static int
mount_v2 (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, cl_error **err)
{
  cleanup_close int fd = -1, mounted = -1;
  cleanup_free char *own = NULL, *host = NULL;
  char p[32];

  if (path_create_in_root (ctx->rootfd, dest, S_IFDIR, &fd, err) < 0)
    return -1;
  if (ctx->new_cgroupns)
    {
      if (mount ("cgroup2", fd_path (fd, p), "cgroup2", flags, NULL) < 0)
        return cl_fail (err, errno, "mount cgroup2");
      return 0;
    }
  if (cgroup_v2_own_path (&own, err) < 0)
    return -1;
  host = xasprintf ("/sys/fs/cgroup%s", own);
  if (mount (host, fd_path (fd, p), NULL, MS_BIND | MS_REC, NULL) < 0)
    return cl_fail (err, errno, "bind `%s`", host);
  if (path_open_in_root (ctx->rootfd, dest, O_PATH, &mounted, err) < 0)
    return -1;
  return remount_bind (fd_path (mounted, p), flags | MS_RDONLY, dest, err);
}

static int
mount_v1_hierarchy (struct rootfs_ctx *ctx, const char *dest, const struct cgroup_v1_hierarchy *h,
                    unsigned long flags, cl_error **err)
{
  const char *name = strrchr (h->mountpoint, '/') + 1;
  cleanup_free char *sub = xasprintf ("%s/%s", dest, name);
  cleanup_close int fd = -1, mounted = -1;
  char p[32];

  if (path_create_in_root (ctx->rootfd, sub, S_IFDIR, &fd, err) < 0)
    return -1;
  if (ctx->new_cgroupns)
    {
      if (mount ("cgroup", fd_path (fd, p), "cgroup", flags, h->controllers) < 0)
        return cl_fail (err, errno, "mount cgroup %s", h->controllers);
    }
  else
    {
      /* own_path is relative to the hierarchy's root; the host mount may
       * itself show only a subtree (mount_root). */
      size_t rootlen = strcmp (h->mount_root, "/") == 0 ? 0 : strlen (h->mount_root);
      const char *rel = strncmp (h->own_path, h->mount_root, rootlen) == 0 ? h->own_path + rootlen : h->own_path;
      cleanup_free char *host = xasprintf ("%s%s", h->mountpoint, rel);
      if (mount (host, fd_path (fd, p), NULL, MS_BIND | MS_REC, NULL) < 0)
        return cl_fail (err, errno, "bind `%s`", host);
      if (path_open_in_root (ctx->rootfd, sub, O_PATH, &mounted, err) < 0)
        return -1;
      if (remount_bind (fd_path (mounted, p), flags | MS_RDONLY, sub, err) < 0)
        return -1;
    }
  /* Co-mounted controllers ("cpu,cpuacct") are also reachable by each name. */
  if (strchr (name, ','))
    {
      cleanup_free char *copy = xstrdup (name);
      cleanup_close int dfd = -1;
      char *save = NULL;
      if (path_open_in_root (ctx->rootfd, dest, O_PATH | O_DIRECTORY, &dfd, err) < 0)
        return -1;
      for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
        if (symlinkat (name, dfd, t) < 0 && errno != EEXIST)
          return cl_fail (err, errno, "symlink `%s/%s`", dest, t);
    }
  return 0;
}

static int
mount_v1 (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, cl_error **err)
{
  struct cgroup_v1_hierarchy *h = NULL;
  size_t n = 0;
  cleanup_close int fd = -1;
  char p[32];
  int rc = 0;

  if (path_create_in_root (ctx->rootfd, dest, S_IFDIR, &fd, err) < 0)
    return -1;
  if (mount ("tmpfs", fd_path (fd, p), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return cl_fail (err, errno, "mount tmpfs for cgroups");
  if (cgroup_v1_hierarchies (&h, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n && rc == 0; i++)
    if (strncmp (h[i].mountpoint, "/sys/fs/cgroup/", 15) == 0)
      rc = mount_v1_hierarchy (ctx, dest, &h[i], flags, err);
  cgroup_v1_hierarchies_free (h, n);
  if (rc < 0)
    return -1;
  if (flags & MS_RDONLY)
    {
      cleanup_close int top = -1;
      if (path_open_in_root (ctx->rootfd, dest, O_PATH, &top, err) < 0)
        return -1;
      return remount_bind (fd_path (top, p), MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, dest, err);
    }
  return 0;
}

int
rootfs_mount_cgroup (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, cl_error **err)
{
  enum cgroup_layout layout;
  /* Without a cgroup namespace (or without real privileges) the container
   * sees host cgroup directories: read-only, whatever the options say
   * (CVE-2023-25809). */
  if (!ctx->new_cgroupns || ctx->in_userns)
    flags |= MS_RDONLY;
  if (cgroup_detect_layout (&layout, err) < 0)
    return -1;
  if (layout == CGROUP_UNIFIED)
    return mount_v2 (ctx, dest, flags, err);
  return mount_v1 (ctx, dest, flags, err);
}
