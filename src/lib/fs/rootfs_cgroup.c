/* crun-lite: a config mount of type "cgroup" (/sys/fs/cgroup in the
 * container).  The container sees only its own cgroup as the root.  On v2
 * with a cgroup namespace that is a fresh cgroup2 mount; on v1 it is always
 * a bind of each hierarchy's container directory (with a cgroup namespace
 * the view is the same as a fresh mount's, for fewer kernel objects).  It
 * only ever shows the container's own cgroup; in a user namespace it is
 * always read-only (CVE-2023-25809), elsewhere as the options say (runc). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup/cgroup_layout.h"
#include "base/path_in_root.h"
#include "fs/remount.h"
#include "fs/rootfs_cgroup.h"
#include "base/utils.h"

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
      if (mount ("cgroup2", fd_path (fd, p), "cgroup2", flags, NULL) == 0)
        return 0;
      /* Refused in a user namespace that may not mount it (one joined by
       * path, beside a network namespace it does not own): the container's
       * own directory, read before the cgroup namespace hid its path, is
       * bound instead, as runc does. */
      if (!(ctx->in_userns && (errno == EPERM || errno == EBUSY) && ctx->v2_own))
        return cl_fail (err, errno, "mount cgroup2");
      own = xstrdup (ctx->v2_own);
    }
  else if (cgroup_v2_own_path (&own, err) < 0)
    return -1;
  host = xasprintf ("/sys/fs/cgroup%s", own);
  if (mount (host, fd_path (fd, p), NULL, MS_BIND | MS_REC, NULL) < 0)
    return cl_fail (err, errno, "bind `%s`", host);
  if (path_open_in_root (ctx->rootfd, dest, O_PATH, &mounted, err) < 0)
    return -1;
  return remount_bind (fd_path (mounted, p), flags | MS_RDONLY, dest, err);
}

/* fresh: mount the hierarchy (a cgroup namespace joined by path, whose
 * root we cannot name); otherwise bind the directory h->own_path.  On the
 * host's skeleton the directory exists already (it is read-only). */
static int
mount_v1_hierarchy (struct rootfs_ctx *ctx, const char *dest, const struct cgroup_v1_hierarchy *h,
                    unsigned long flags, bool fresh, bool add_links, cl_error **err)
{
  const char *name = strrchr (h->mountpoint, '/') + 1;
  cleanup_free char *sub = xasprintf ("%s/%s", dest, name);
  cleanup_close int fd = -1, mounted = -1;
  char p[32];

  if (path_create_in_root (ctx->rootfd, sub, S_IFDIR, &fd, err) < 0)
    return -1;
  if (fresh)
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
      if (remount_bind (fd_path (mounted, p), flags, sub, err) < 0)
        return -1;
    }
  /* Co-mounted controllers ("cpu,cpuacct") are also reachable by each name
   * (the host's skeleton has its own links). */
  if (add_links && strchr (name, ','))
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

/* Every hierarchy mounted straight under /sys/fs/cgroup (the usual host). */
static bool
all_directly_under_sys_fs_cgroup (const struct cgroup_v1_hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strncmp (h[i].mountpoint, "/sys/fs/cgroup/", 15) == 0 && strchr (h[i].mountpoint + 15, '/'))
      return false;
  return true;
}

/* The directory the hierarchies are bound on.  Read-only, it is the host's
 * own /sys/fs/cgroup tmpfs bound without its submounts: the same names
 * (hierarchy directories and "cpu" -> "cpu,cpuacct" links) at the cost of
 * one mount, where a tmpfs of our own costs an inode and a dentry per name,
 * all charged to the container (~13 KiB of its memory limit).  It is made
 * read-only before anything is bound on it, so nothing can be created on
 * the host's tmpfs.  Writable, or in a user namespace, it is a tmpfs of the
 * container's own. */
static int
mount_v1_skeleton (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, bool host_skeleton, cl_error **err)
{
  cleanup_close int fd = -1, top = -1;
  char p[32];

  if (path_create_in_root (ctx->rootfd, dest, S_IFDIR, &fd, err) < 0)
    return -1;
  if (!host_skeleton)
    {
      if (mount ("tmpfs", fd_path (fd, p), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
        return cl_fail (err, errno, "mount tmpfs for cgroups");
      return 0;
    }
  if (mount ("/sys/fs/cgroup", fd_path (fd, p), NULL, MS_BIND, NULL) < 0)
    return cl_fail (err, errno, "bind /sys/fs/cgroup");
  if (path_open_in_root (ctx->rootfd, dest, O_PATH, &top, err) < 0)
    return -1;
  /* With rootfsPropagation shared the bind is a peer of the host's (shared
   * on systemd hosts): the hierarchies bound into it next would appear on
   * the host.  Slave, whatever the tree is. */
  if (mount (NULL, fd_path (top, p), NULL, MS_SLAVE, NULL) < 0)
    return cl_fail (err, errno, "make the /sys/fs/cgroup bind a slave");
  return remount_bind (fd_path (top, p), flags | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, dest, err);
}

static int
mount_v1 (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, cl_error **err)
{
  struct cgroup_v1_hierarchy *read_now = NULL;
  const struct cgroup_v1_hierarchy *h = ctx->v1_own;
  size_t n = ctx->n_v1_own;
  bool fresh = ctx->new_cgroupns && h == NULL, host_skeleton;
  int rc = 0;

  if (h == NULL)
    {
      if (cgroup_v1_hierarchies (&read_now, &n, err) < 0)
        return -1;
      h = read_now;
    }
  /* In a user namespace the host's mounts under /sys/fs/cgroup are locked
   * to it: the kernel refuses a bind without them. */
  host_skeleton = (flags & MS_RDONLY) && !ctx->in_userns && all_directly_under_sys_fs_cgroup (h, n);
  rc = mount_v1_skeleton (ctx, dest, flags, host_skeleton, err);
  for (size_t i = 0; i < n && rc == 0; i++)
    if (strncmp (h[i].mountpoint, "/sys/fs/cgroup/", 15) == 0)
      rc = mount_v1_hierarchy (ctx, dest, &h[i], flags, fresh, !host_skeleton, err);
  cgroup_v1_hierarchies_free (read_now, read_now ? n : 0);
  /* A skeleton tmpfs of the container's own goes read-only too, once the
   * hierarchies' mount points are in it. */
  if (rc == 0 && !host_skeleton && (flags & MS_RDONLY))
    {
      cleanup_close int top = -1;
      char p[32];
      if (path_open_in_root (ctx->rootfd, dest, O_PATH, &top, err) < 0)
        return -1;
      rc = remount_bind (fd_path (top, p), MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, dest, err);
    }
  return rc;
}

int
rootfs_mount_cgroup (struct rootfs_ctx *ctx, const char *dest, unsigned long flags, cl_error **err)
{
  enum cgroup_layout layout;
  /* In a user namespace (rootless), read-only whatever the options say
   * (CVE-2023-25809: the cgroup was writable by the container's root).
   * Otherwise it shows only the container's own directories, with or
   * without a cgroup namespace, as writable as the options say (runc). */
  if (ctx->in_userns)
    flags |= MS_RDONLY;
  if (cgroup_detect_layout (&layout, err) < 0)
    return -1;
  if (layout == CGROUP_UNIFIED)
    return mount_v2 (ctx, dest, flags, err);
  return mount_v1 (ctx, dest, flags, err);
}
