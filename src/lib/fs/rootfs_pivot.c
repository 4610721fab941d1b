/* crun-lite: the container's root made its root: pivot_root (or, with
 * --no-pivot, a chroot with the host's full proc and sys hidden), and the
 * mounts below a rootfs found again in mountinfo, for a config without a
 * mount namespace (see include/fs/rootfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "base/log.h"
#include "fs/rootfs.h"
#include "base/utils.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape_mountinfo (char *s)
{
  char *out = s;
  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
      {
        *out++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
        s += 3;
      }
    else
      *out++ = *s;
  *out = '\0';
}

/* The mount points /proc/self/mountinfo lists (in its order, parents
 * before what is mounted on them) for which `want` says yes, into *out
 * (NULL if none); -1 with errno when mountinfo cannot be read. */
static int
mount_points (bool (*want) (const char *root, const char *point, const char *type, const char *arg), const char *arg,
              char ***out)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  *out = NULL;
  if (f == NULL)
    return -1;
  while (getline (&line, &cap, f) > 0)
    {
      char root[4096], point[4096], type[64];
      const char *sep = strstr (line, " - ");
      if (sep == NULL || sscanf (line, "%*s %*s %*s %4095s %4095s", root, point) != 2
          || sscanf (sep + 3, "%63s", type) != 1)
        continue;
      unescape_mountinfo (root);
      unescape_mountinfo (point);
      if (want (root, point, type, arg))
        strv_append (out, point);
    }
  return 0;
}

static bool
is_below (const char *point, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (point, dir, n) == 0 && point[n] == '/';
}

static bool
below_rootfs (const char *root, const char *point, const char *type, const char *rootfs)
{
  return is_below (point, rootfs);
}

void
rootfs_unmount_below (const char *rootfs)
{
  cleanup_strv char **below = NULL;
  mount_points (below_rootfs, rootfs, &below);
  /* Last first: a submount goes before the mount it sits on. */
  for (size_t i = strv_len (below); i > 0; i--)
    umount2 (below[i - 1], MNT_DETACH);
}

/* A full procfs or sysfs outside the rootfs (see below). */
static bool
full_proc_or_sys_outside (const char *root, const char *point, const char *type, const char *rootfs)
{
  return strcmp (root, "/") == 0 && (strcmp (type, "proc") == 0 || strcmp (type, "sysfs") == 0)
         && strcmp (point, rootfs) != 0 && !is_below (point, rootfs);
}

/* Without pivot_root the host's mounts stay in the container's mount
 * namespace, only out of sight of its chroot; a full procfs or sysfs among
 * them lets the kernel allow a fresh, unmasked procfs (or sysfs) mount
 * inside (mount_too_revealing looks for a fully visible one).  So, as runc
 * does, every full procfs and sysfs outside the rootfs is detached, or
 * covered with an empty tmpfs where it cannot be. */
static int
hide_host_proc_and_sys (const char *rootfs, cl_error **err)
{
  cleanup_strv char **targets = NULL;

  if (mount_points (full_proc_or_sys_outside, rootfs, &targets) < 0)
    return cl_fail (err, errno, "--no-pivot: open /proc/self/mountinfo");
  for (size_t i = 0; targets && targets[i]; i++)
    {
      /* Detaching must not reach the host: slave first. */
      if (mount (NULL, targets[i], NULL, MS_SLAVE | MS_REC, NULL) < 0 && errno != EINVAL && errno != ENOENT)
        return cl_fail (err, errno, "--no-pivot: make `%s` a slave", targets[i]);
      if (umount2 (targets[i], MNT_DETACH) == 0 || errno == ENOENT)
        continue;
      if ((errno != EINVAL && errno != EPERM) || mount ("tmpfs", targets[i], "tmpfs", MS_RDONLY, "size=0") < 0)
        return cl_fail (err, errno, "--no-pivot: hide the host's `%s`", targets[i]);
      /* A mount copied into a user namespace's mount namespace is locked:
       * it cannot be detached, and the kernel ignores unlocked covers. */
      log_warning ("--no-pivot: the host's %s cannot be detached in this user namespace (only covered): a process "
                   "of the container may mount a fresh, unmasked %s; use pivot_root where the rootfs allows it",
                   targets[i], strcmp (targets[i], "/sys") == 0 ? "sysfs" : "procfs");
    }
  return 0;
}

int
rootfs_pivot (struct rootfs_ctx *ctx, cl_error **err)
{
  if (ctx->host_mntns)
    {
      /* The runtime's mount namespace: its root stays, the process is
       * only confined to the rootfs (runc). */
      if (fchdir (ctx->rootfd) < 0 || chroot (".") < 0)
        return cl_fail (err, errno, "chroot into the rootfs");
    }
  else if (ctx->no_pivot)
    {
      /* For a ramfs root, where pivot_root is impossible. */
      if (hide_host_proc_and_sys (ctx->rootfs, err) < 0)
        return -1;
      if (chdir (ctx->rootfs) < 0)
        return cl_fail (err, errno, "chdir `%s`", ctx->rootfs);
      if (mount (ctx->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return cl_fail (err, errno, "move rootfs onto /");
      if (chroot (".") < 0)
        return cl_fail (err, errno, "chroot");
    }
  else
    {
      /* pivot_root(".", ".") stacks the old root on top of the new one;
       * detaching it then drops the old root without needing a directory
       * for it inside the rootfs.  It is reached through its own fd: a
       * change of propagation on "." would act on the new root below it
       * (the lookup of "." does not cross into the mount on top) and turn
       * the container's bidirectional volumes into slaves. */
      cleanup_close int old_root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (old_root < 0)
        return cl_fail (err, errno, "open the old root");
      if (fchdir (ctx->rootfd) < 0)
        return cl_fail (err, errno, "chdir into rootfs");
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return cl_fail (err, errno, "pivot_root");
      if (fchdir (old_root) < 0)
        return cl_fail (err, errno, "chdir into the old root");
      if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return cl_fail (err, errno, "make old root rslave");
      if (umount2 (".", MNT_DETACH) < 0)
        return cl_fail (err, errno, "detach old root");
    }
  if (chdir ("/") < 0)
    return cl_fail (err, errno, "chdir /");
  closep (&ctx->rootfd);
  ctx->rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->rootfd < 0)
    return cl_fail (err, errno, "open new root");
  return 0;
}
