/* crun-lite: the container's filesystem (see include/fs/rootfs.h). */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>
#include "fs/copy_tree.h"
#include "base/log.h"
#include "process/lsm.h"
#include "config/mount_options.h"
#include "base/path_in_root.h"
#include "fs/remount.h"
#include "fs/rootfs.h"
#include "fs/rootfs_cgroup.h"
#include "base/mount_api.h"
#include "fs/idmap.h"
#include "base/utils.h"

/* The propagation the container's tree gets while it is built: rprivate
 * when rootfsPropagation asks for private, rshared when it asks for
 * shared (the copies of the host's shared mounts stay its peers, so a
 * bidirectional volume reaches the host, as in runc), else rslave
 * (rootfsPropagation itself is applied at the end). */
static unsigned long
setup_propagation (const struct oci_config *cfg)
{
  const char *name = cfg->linux_section.rootfs_propagation;
  unsigned long prop = name && *name ? mount_propagation_flags (name) : 0;
  return ((prop & MS_PRIVATE) ? MS_PRIVATE : (prop & MS_SHARED) ? MS_SHARED : MS_SLAVE) | MS_REC;
}

/* The mount `path` lies on, made private (not recursively): with a shared
 * tree, the rootfs's bind onto itself and every mount made below it would
 * otherwise appear in the host's namespace too.  The mount is found by
 * walking up while the mount id stays the same. */
static int
make_containing_mount_private (const char *path, cl_error **err)
{
  cleanup_free char *p = xstrdup (path);
  struct statx sx;
  uint64_t id;

  if (statx (AT_FDCWD, p, 0, STATX_MNT_ID, &sx) < 0)
    return cl_fail (err, errno, "statx `%s`", path);
  id = sx.stx_mnt_id;
  for (;;)
    {
      char *slash = strrchr (p, '/');
      if (slash == NULL || slash == p)
        {
          if (statx (AT_FDCWD, "/", 0, STATX_MNT_ID, &sx) == 0 && sx.stx_mnt_id == id)
            strcpy (p, "/");
          break;
        }
      *slash = '\0';
      if (statx (AT_FDCWD, p, 0, STATX_MNT_ID, &sx) < 0 || sx.stx_mnt_id != id)
        {
          *slash = '/';
          break;
        }
    }
  if (mount (NULL, p, NULL, MS_PRIVATE, NULL) < 0)
    return cl_fail (err, errno, "make the mount of the rootfs (`%s`) private", p);
  return 0;
}

int
rootfs_prepare (struct rootfs_ctx *ctx, cl_error **err)
{
  unsigned long prop = setup_propagation (ctx->cfg);
  int fd;

  if (ctx->host_mntns)
    goto open_root;
  /* Nothing done below may propagate back to the host: make the whole
   * tree a slave (or private, when asked) before the first mount. */
  if (mount (NULL, "/", NULL, prop, NULL) < 0)
    return cl_fail (err, errno, "make / %s", prop & MS_PRIVATE ? "rprivate" : prop & MS_SHARED ? "rshared" : "rslave");
  if ((prop & MS_SHARED) && make_containing_mount_private (ctx->rootfs, err) < 0)
    return -1;
  /* pivot_root needs the rootfs to be a mount point; the recursive bind also
   * keeps an overlay (or any) mount that already sits at root.path. */
  if (mount (ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      if (errno == EACCES && ctx->in_userns)
        return cl_fail (err, errno, "root.path: rootfs `%s` cannot be reached by the user namespace's root "
                        "(every parent directory needs search permission for the mapped ids)", ctx->rootfs);
      return cl_fail (err, errno, "bind mount rootfs `%s`", ctx->rootfs);
    }
open_root:
  fd = open (ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "open rootfs `%s`", ctx->rootfs);
  ctx->rootfd = fd;
  return 0;
}

/* Is any component of `path` inside the root a symlink?  procfs and sysfs
 * must sit at their real place, never where a link in the image points. */
static bool
path_has_symlink (int rootfd, const char *path)
{
  cleanup_free char *copy = xstrdup (path);
  cleanup_close int cur = openat (rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char *save = NULL;
  for (char *t = strtok_r (copy, "/", &save); t && cur >= 0; t = strtok_r (NULL, "/", &save))
    {
      struct stat st;
      int next = openat (cur, t, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return false;
      closep (&cur);
      cur = next;
      if (fstat (cur, &st) == 0 && S_ISLNK (st.st_mode))
        return true;
    }
  return false;
}

/* The tree the runtime made (idmap.h) moved onto the destination; made a
 * slave (or private) as the rootfs was, so that nothing propagates between
 * it and the host's mount it was cloned from. */
static int
attach_idmapped (struct rootfs_ctx *ctx, const struct oci_mount *m, int tree, cl_error **err)
{
  struct stat st;
  cleanup_close int dest = -1;
  char p[32];

  if (tree < 0)
    return cl_fail (err, EPERM, "idmap: only the host's root can idmap `%s` (rootless runtimes cannot)", m->source);
  if (fstat (tree, &st) < 0)
    return cl_fail (err, errno, "idmap: source `%s`", m->source);
  if (path_create_in_root (ctx->rootfd, m->destination, S_ISDIR (st.st_mode) ? S_IFDIR : S_IFREG, &dest, err) < 0)
    return -1;
  if (syscall (SYS_move_mount, tree, "", dest, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return cl_fail (err, errno, "idmap: attach `%s`", m->source);
  closep (&dest);
  if (path_open_in_root (ctx->rootfd, m->destination, O_PATH, &dest, err) < 0)
    return -1;
  if (mount (NULL, fd_path (dest, p), NULL, setup_propagation (ctx->cfg), NULL) < 0)
    return cl_fail (err, errno, "idmap: propagation of `%s`", m->destination);
  return 0;
}

/* Is `source` a path inside `rootfs` (as written, or once resolved)? */
static bool
source_in_rootfs (const char *rootfs, const char *source)
{
  size_t n = strlen (rootfs);
  cleanup_free char *real = NULL;
  if (source == NULL)
    return false;
  if (strncmp (source, rootfs, n) == 0 && source[n] == '/')
    return true;
  real = realpath (source, NULL);
  return real && strncmp (real, rootfs, n) == 0 && real[n] == '/';
}

static int
mount_bind (struct rootfs_ctx *ctx, size_t index, const struct oci_mount *m, const struct mount_opts *o,
            cl_error **err)
{
  struct stat st;
  cleanup_close int fd = -1;
  cleanup_close int mounted = -1;
  int opened = ctx->sources && index < ctx->sources->n ? ctx->sources->fds[index] : -1;
  char p[32], src[32];
  const char *source;

  /* A source inside the rootfs may be what an earlier mount of the config
   * put there (runc's "mount order"): resolved now, in the container's
   * namespace, never through the fd opened before those mounts. */
  if (opened >= 0 && !mount_is_idmapped (m, NULL) && source_in_rootfs (ctx->rootfs, m->source))
    opened = -1;
  source = opened >= 0 ? fd_path (opened, src) : m->source;

  if (m->source == NULL)
    return cl_fail (err, 0, "bind mount needs a source");
  if (mount_is_idmapped (m, NULL))
    return attach_idmapped (ctx, m, opened, err);
  if ((opened >= 0 ? fstat (opened, &st) : stat (m->source, &st)) < 0)
    return cl_fail (err, errno, "source `%s`", m->source);
  if (path_create_in_root (ctx->rootfd, m->destination, S_ISDIR (st.st_mode) ? S_IFDIR : S_IFREG, &fd, err) < 0)
    return -1;
  if (mount (source, fd_path (fd, p), NULL, MS_BIND | (o->recursive ? MS_REC : 0), NULL) < 0)
    return cl_fail (err, errno, "bind `%s`", m->source);
  /* No flag asked for, set or cleared: the source's stay, as in runc. */
  if ((o->flags & ~MS_REMOUNT) == 0 && o->cleared == 0)
    return 0;
  /* The fd names the covered directory; reopen to reach the new mount. */
  if (path_open_in_root (ctx->rootfd, m->destination, O_PATH, &mounted, err) < 0)
    return -1;
  return remount_bind_exact (fd_path (mounted, p), o->flags & ~MS_REMOUNT, o->cleared, m->destination, err);
}

/* tmpcopyup: the directory's content, read through an fd taken before the
 * tmpfs hides it, is copied into the new tmpfs; the tmpfs goes read-only (if
 * asked) only after the copy. */
static int
mount_tmpfs_copy_up (struct rootfs_ctx *ctx, const struct oci_mount *m, const struct mount_opts *o, int dest,
                     cl_error **err)
{
  cleanup_close int below = openat (dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int top = -1;
  char p[32];

  if (below < 0)
    return cl_fail (err, errno, "open the directory under the tmpfs");
  if (mount (m->source ? m->source : "tmpfs", fd_path (dest, p), "tmpfs", o->flags & ~MS_RDONLY, o->data) < 0)
    return cl_fail (err, errno, "mount tmpfs");
  if (path_open_in_root (ctx->rootfd, m->destination, O_RDONLY | O_DIRECTORY, &top, err) < 0)
    return -1;
  if (copy_tree (below, top, err) < 0)
    return cl_wrap (err, "tmpcopyup");
  if (o->flags & MS_RDONLY)
    return remount_bind (fd_path (top, p), o->flags, m->destination, err);
  return 0;
}

static int
mount_filesystem (struct rootfs_ctx *ctx, const struct oci_mount *m, struct mount_opts *o, cl_error **err)
{
  cleanup_close int fd = -1;
  char p[32];
  const char *type = m->type;
  bool tmpfs_mode_given = o->data && (strncmp (o->data, "mode=", 5) == 0 || strstr (o->data, ",mode="));
  bool covers_existing = false;

  if ((strcmp (type, "proc") == 0 || strcmp (type, "sysfs") == 0)
      && path_has_symlink (ctx->rootfd, m->destination))
    return cl_fail (err, ELOOP, "%s must be mounted on a real directory, and `%s` is a symlink in the rootfs",
                    type, m->destination);
  if (strcmp (type, "tmpfs") == 0 && !tmpfs_mode_given)
    {
      cleanup_error cl_error *e = NULL;
      cleanup_close int existing = -1;
      covers_existing = path_open_in_root (ctx->rootfd, m->destination, O_PATH, &existing, &e) == 0;
    }
  if (path_create_in_root (ctx->rootfd, m->destination, S_IFDIR, &fd, err) < 0)
    return -1;
  if (o->copy_up && strcmp (type, "tmpfs") == 0)
    return mount_tmpfs_copy_up (ctx, m, o, fd, err);
  /* A tmpfs without mode= over a directory of the image takes that
   * directory's mode (runc, crun); over one the runtime had to make, tmpfs'
   * own 1777 (runc issue 4971). */
  if (covers_existing)
    {
      struct stat st;
      if (fstat (fd, &st) == 0)
        {
          char *with_mode = xasprintf ("%s%smode=%o", o->data ? o->data : "", o->data ? "," : "",
                                       (unsigned) (st.st_mode & 07777));
          free (o->data);
          o->data = with_mode;
        }
    }
  if (mount (m->source ? m->source : type, fd_path (fd, p), type, o->flags, o->data) < 0)
    {
      /* A devpts gid= not mapped in this user namespace (gid=5, tty, in a
       * rootless one): the pty group is then the mount's own. */
      if (errno == EINVAL && ctx->in_userns && strcmp (type, "devpts") == 0 && o->data && strstr (o->data, "gid="))
        {
          cleanup_free char *data = xstrdup (o->data);
          char *w = data;
          for (char *save = NULL, *t = strtok_r (o->data, ",", &save); t; t = strtok_r (NULL, ",", &save))
            if (strncmp (t, "gid=", 4) != 0)
              w += sprintf (w, "%s%s", w == data ? "" : ",", t);
          *w = '\0';
          if (mount (m->source ? m->source : type, p, type, o->flags, data) == 0)
            return 0;
        }
      /* In a user namespace without its own network namespace the kernel
       * refuses sysfs: a read-only recursive bind of the host's /sys. */
      if (errno == EPERM && ctx->in_userns && strcmp (type, "sysfs") == 0)
        {
          cleanup_close int mounted = -1;
          if (mount ("/sys", p, NULL, MS_BIND | MS_REC, NULL) < 0)
            return cl_fail (err, errno, "mount sysfs, or bind the host's /sys in its place");
          if (path_open_in_root (ctx->rootfd, m->destination, O_PATH, &mounted, err) < 0)
            return -1;
          return remount_bind (fd_path (mounted, p), MS_RDONLY | (o->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)),
                               m->destination, err);
        }
      return cl_fail (err, errno, "mount %s", type);
    }
  return 0;
}

/* "rro", "rnosuid"...: the mount and everything below it (a recursive
 * bind's submounts, which a plain remount would leave as they were). */
static int
set_recursive_attrs (struct rootfs_ctx *ctx, const char *dest, const struct mount_opts *o, cl_error **err)
{
  struct crl_mount_attr attr = { .attr_set = o->rec_attr_set, .attr_clr = o->rec_attr_clr };
  cleanup_close int fd = -1;

  if (path_open_in_root (ctx->rootfd, dest, O_PATH, &fd, err) < 0)
    return -1;
  if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return cl_fail (err, errno, "recursive mount options (rro, rnosuid, ...): mount_setattr%s",
                    errno == ENOSYS ? " needs Linux 5.12" : "");
  return 0;
}

static bool
is_dev (const char *dest)
{
  while (*dest == '/')
    dest++;
  return strncmp (dest, "dev", 3) == 0 && strspn (dest + 3, "/") == strlen (dest + 3);
}

static int
apply_mount (struct rootfs_ctx *ctx, size_t index, cl_error **err)
{
  const struct oci_mount *m = &ctx->cfg->mounts[index];
  struct mount_opts o;
  const char *type = m->type;
  int rc;

  if (mount_options_parse (m->options, &o, err) < 0)
    return -1;
  if (type == NULL || *type == '\0' || strcmp (type, "none") == 0)
    type = o.bind ? "bind" : NULL;
  /* A read-only /dev is made read-only last (rootfs_finalize): the device
   * nodes, /dev/pts, /dev/shm and the console go in first (runc). */
  if ((o.flags & MS_RDONLY) && !o.bind && is_dev (m->destination))
    {
      o.flags &= ~(unsigned long) MS_RDONLY;
      ctx->dev_readonly = true;
      ctx->dev_flags = o.flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
    }
  if (!o.bind)
    {
      /* linux.mountLabel: the SELinux context of the files of new mounts. */
      char *labeled = lsm_mount_data (type, o.data, ctx->cfg->linux_section.mount_label);
      if (labeled)
        {
          free (o.data);
          o.data = labeled;
        }
    }
  if (type == NULL)
    rc = cl_fail (err, 0, "no type (and not a bind mount)");
  else if (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0)
    rc = rootfs_mount_cgroup (ctx, m->destination, o.flags, err);
  else if (o.bind || strcmp (type, "bind") == 0)
    rc = mount_bind (ctx, index, m, &o, err);
  else
    rc = mount_filesystem (ctx, &(struct oci_mount){ .destination = m->destination, .source = m->source,
                                                     .type = (char *) type }, &o, err);
  if (rc == 0 && (o.rec_attr_set || o.rec_attr_clr))
    rc = set_recursive_attrs (ctx, m->destination, &o, err);
  if (rc == 0 && o.propagation)
    {
      cleanup_close int fd = -1;
      char p[32];
      if (path_open_in_root (ctx->rootfd, m->destination, O_PATH, &fd, err) < 0)
        rc = -1;
      else if (mount (NULL, fd_path (fd, p), NULL, o.propagation, NULL) < 0)
        rc = cl_fail (err, errno, "set propagation");
    }
  mount_opts_release (&o);
  return rc;
}

int
rootfs_apply_mounts (struct rootfs_ctx *ctx, cl_error **err)
{
  for (size_t i = 0; i < ctx->cfg->n_mounts; i++)
    if (apply_mount (ctx, i, err) < 0)
      return cl_wrap (err, "mounts[%zu] (%s)", i, ctx->cfg->mounts[i].destination);
  return 0;
}


static int
make_readonly (int rootfd, const char *path, cl_error **err)
{
  cleanup_close int fd = -1, mounted = -1;
  cleanup_error cl_error *e = NULL;
  char p[32];

  if (path_open_in_root (rootfd, path, O_PATH, &fd, &e) < 0)
    return e->errnum == ENOENT ? 0 : cl_fail (err, e->errnum, "%s", e->msg);
  if (mount (fd_path (fd, p), p, NULL, MS_BIND | MS_REC, NULL) < 0)
    return cl_fail (err, errno, "bind `%s`", path);
  if (path_open_in_root (rootfd, path, O_PATH, &mounted, err) < 0)
    return -1;
  return remount_bind (fd_path (mounted, p), MS_RDONLY, path, err);
}

/* The masking source must be the real /dev/null (char 1:3): a rootfs could
 * have made its /dev/null something else. */
static int
open_dev_null (int rootfd, int *out, cl_error **err)
{
  struct stat st;
  int fd;
  if (path_open_in_root (rootfd, "/dev/null", O_PATH, &fd, err) < 0)
    return -1;
  if (fstat (fd, &st) < 0 || !S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    {
      close (fd);
      return cl_fail (err, EPERM, "/dev/null in the container is not the null device");
    }
  *out = fd;
  return 0;
}

/* Bind what `src` names onto what `dst` names: a clone of its mount
 * moved there (open_tree + move_mount, fds on both sides), else (before
 * 5.2) mount through /proc/self/fd, whose magic links cost twice the
 * mount itself to resolve: a few microseconds a mask, hundreds of masks. */
static int
bind_onto (int src, int dst)
{
  char from[32], to[32];
  cleanup_close int tree = (int) syscall (SYS_open_tree, src, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

  if (tree >= 0)
    return (int) syscall (SYS_move_mount, tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
  if (errno != ENOSYS)
    return -1;
  return mount (fd_path (src, from), fd_path (dst, to), NULL, MS_BIND, NULL);
}

/* A masked file gets /dev/null bound over it; a masked directory an empty
 * read-only tmpfs, one for all of them: the first is mounted and its fd
 * kept in *empty_dir, the others are binds of it (each tmpfs is a
 * superblock made now and torn down when the container's mount namespace
 * goes, on the way to the parent's wait; the bind is a mount only). */
static int
mask_path (int rootfd, int devnull, int *empty_dir, const char *path, cl_error **err)
{
  cleanup_close int fd = -1;
  cleanup_error cl_error *e = NULL;
  struct stat st;
  char p[32];

  if (path_open_in_root (rootfd, path, O_PATH, &fd, &e) < 0)
    return e->errnum == ENOENT ? 0 : cl_fail (err, e->errnum, "%s", e->msg);
  if (fstat (fd, &st) < 0)
    return cl_fail (err, errno, "stat `%s`", path);
  if (S_ISDIR (st.st_mode) && *empty_dir >= 0)
    {
      if (bind_onto (*empty_dir, fd) < 0)
        return cl_fail (err, errno, "mask `%s`", path);
    }
  else if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", fd_path (fd, p), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
        return cl_fail (err, errno, "mask `%s`", path);
      return path_open_in_root (rootfd, path, O_PATH | O_DIRECTORY, empty_dir, err);
    }
  else if (bind_onto (devnull, fd) < 0)
    return cl_fail (err, errno, "mask `%s`", path);
  return 0;
}

/* Is *p given earlier in the list?  A path masked twice would be two
 * mounts stacked for nothing (engines' lists of hundreds repeat some). */
static bool
listed_before (char **list, char **p)
{
  for (char **q = list; q < p; q++)
    if (strcmp (*q, *p) == 0)
      return true;
  return false;
}

int
rootfs_finalize (struct rootfs_ctx *ctx, cl_error **err)
{
  const struct oci_linux *l = &ctx->cfg->linux_section;
  const char *prop = l->rootfs_propagation;

  /* Both act on fds through /proc/self/fd, which must be the real procfs. */
  if ((l->readonly_paths && *l->readonly_paths) || (l->masked_paths && *l->masked_paths))
    {
      struct statfs sfs;
      if (statfs ("/proc/self/fd", &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        return cl_fail_as (err, ENOENT, "linux.maskedPaths and linux.readonlyPaths need procfs mounted at /proc");
    }
  for (char **p = l->readonly_paths; p && *p; p++)
    if (make_readonly (ctx->rootfd, *p, err) < 0)
      return cl_wrap (err, "linux.readonlyPaths");
  if (l->masked_paths && l->masked_paths[0])
    {
      cleanup_close int devnull = -1, empty_dir = -1;
      if (open_dev_null (ctx->rootfd, &devnull, err) < 0)
        return cl_wrap (err, "linux.maskedPaths");
      for (char **p = l->masked_paths; *p; p++)
        if (!listed_before (l->masked_paths, p) && mask_path (ctx->rootfd, devnull, &empty_dir, *p, err) < 0)
          return cl_wrap (err, "linux.maskedPaths");
    }
  if (ctx->dev_readonly && remount_bind ("/dev", MS_RDONLY | ctx->dev_flags, "/dev", err) < 0)
    return cl_wrap (err, "mounts: /dev read-only");
  if (ctx->cfg->root_readonly && remount_bind ("/", MS_RDONLY, "/", err) < 0)
    return cl_wrap (err, "root.readonly");
  if (prop && *prop && mount (NULL, "/", NULL, mount_propagation_flags (prop), NULL) < 0)
    return cl_fail (err, errno, "linux.rootfsPropagation: %s", prop);
  return 0;
}
