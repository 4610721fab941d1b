/* crun-lite: device nodes in the container's /dev: the default set every
 * container gets, linux.devices, and the standard links.  Nodes are made
 * with mknod relative to a parent directory resolved inside the rootfs;
 * inside a user namespace, where mknod is refused, the host's node is
 * bind-mounted instead. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "base/path_in_root.h"
#include "fs/devices.h"
#include "base/utils.h"

static const struct
{
  const char *path;
  unsigned major, minor;
} default_devices[] = {
  { "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct
{
  const char *target, *path;
} default_links[] = {
  { "/proc/self/fd", "/dev/fd" },
  { "/proc/self/fd/0", "/dev/stdin" },
  { "/proc/self/fd/1", "/dev/stdout" },
  { "/proc/self/fd/2", "/dev/stderr" },
};

static mode_t
node_type (char t)
{
  switch (t)
    {
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      return S_IFCHR; /* 'c' and 'u' (unbuffered) */
    }
}

static int
bind_host_node (int parent, const char *name, const char *host_path, cl_error **err)
{
  cleanup_close int fd = -1;
  char p[32];
  int f = openat (parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f < 0)
    return cl_fail (err, errno, "create `%s`", host_path);
  close (f);
  fd = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "open `%s`", host_path);
  if (mount (host_path, fd_path (fd, p), NULL, MS_BIND, NULL) < 0)
    return cl_fail (err, errno, "bind `%s`", host_path);
  return 0;
}

static int
create_node (struct rootfs_ctx *ctx, const char *path, mode_t type, unsigned major, unsigned minor, mode_t perm,
             uid_t uid, gid_t gid, cl_error **err)
{
  cleanup_close int parent = -1;
  const char *name;
  struct stat st;

  if (path_open_parent_in_root (ctx->rootfd, path, true, &parent, &name, err) < 0)
    return -1;
  /* Replace whatever the image has there (never a directory). */
  if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (S_ISDIR (st.st_mode))
        return cl_fail (err, EISDIR, "`%s` is a directory in the rootfs", path);
      if (unlinkat (parent, name, 0) < 0)
        return cl_fail (err, errno, "remove `%s`", path);
    }
  if (ctx->in_userns && type != S_IFIFO)
    return bind_host_node (parent, name, path, err);
  if (mknodat (parent, name, type | perm, makedev (major, minor)) < 0)
    return cl_fail (err, errno, "mknod `%s`", path);
  if (fchownat (parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return cl_fail (err, errno, "chown `%s`", path);
  return 0;
}

static int
create_link (struct rootfs_ctx *ctx, const char *target, const char *path, cl_error **err)
{
  cleanup_close int parent = -1;
  const char *name;
  if (path_open_parent_in_root (ctx->rootfd, path, true, &parent, &name, err) < 0)
    return -1;
  if (symlinkat (target, parent, name) < 0 && errno != EEXIST)
    return cl_fail (err, errno, "symlink `%s`", path);
  return 0;
}

int
rootfs_create_devices (struct rootfs_ctx *ctx, cl_error **err)
{
  const struct oci_linux *l = &ctx->cfg->linux_section;
  cleanup_close int pts = -1;
  cleanup_error cl_error *ignored = NULL;
  mode_t old_umask = umask (0); /* the modes below are exact */
  int rc = 0;

  for (size_t i = 0; rc == 0 && i < sizeof default_devices / sizeof default_devices[0]; i++)
    {
      bool overridden = false;
      for (size_t j = 0; j < l->n_devices; j++)
        overridden |= strcmp (l->devices[j].path, default_devices[i].path) == 0;
      if (!overridden)
        rc = create_node (ctx, default_devices[i].path, S_IFCHR, default_devices[i].major, default_devices[i].minor,
                          0666, 0, 0, err);
    }
  for (size_t i = 0; rc == 0 && i < l->n_devices; i++)
    {
      const struct oci_device *d = &l->devices[i];
      rc = create_node (ctx, d->path, node_type (d->type), (unsigned) d->major, (unsigned) d->minor,
                        d->file_mode.set ? d->file_mode.v & 07777 : 0666, d->uid.set ? (uid_t) d->uid.v : 0,
                        d->gid.set ? (gid_t) d->gid.v : 0, err);
      if (rc < 0)
        cl_wrap (err, "linux.devices[%zu]", i);
    }
  for (size_t i = 0; rc == 0 && i < sizeof default_links / sizeof default_links[0]; i++)
    rc = create_link (ctx, default_links[i].target, default_links[i].path, err);
  /* /dev/ptmx follows the container's own devpts instance. */
  if (rc == 0 && path_open_in_root (ctx->rootfd, "/dev/pts/ptmx", O_PATH, &pts, &ignored) == 0)
    {
      cleanup_close int parent = -1;
      const char *name;
      rc = path_open_parent_in_root (ctx->rootfd, "/dev/ptmx", false, &parent, &name, err);
      if (rc == 0)
        {
          unlinkat (parent, name, 0);
          if (symlinkat ("pts/ptmx", parent, name) < 0)
            rc = cl_fail (err, errno, "symlink /dev/ptmx");
        }
    }
  umask (old_umask);
  return rc;
}
